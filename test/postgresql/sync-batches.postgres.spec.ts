import { Client } from 'pg';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { expectedUpstream, syncToEnd } from '../support/sync-helpers';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';

/**
 * A sync slower to write than Aura is to answer (a first sync from a fast
 * Aura) writes the pages that arrived during one write together in the next
 * transaction. The pages must still be stored exactly as one by one: every
 * page recorded under its own number, the counters whole, and a record the
 * database refuses in such a group quarantined alone while the rest of its
 * group is stored.
 */
describeOnPostgres('a sync writing waiting pages together (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  let sandbox: AuraSandbox;
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    database = await createScratchDatabase();
    sandbox = await createAuraSandbox({
      calls: 1_500,
      seed: 43,
      months: 2,
      endMonth: '2026-10',
      now: '2026-11-15T00:00:00Z',
      upcomingShare: 0,
      faults: { malformedShare: 0 },
      rateLimit: { perMinute: null },
    });
    t = await startTestApp({ DATABASE_URL: database.url, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    // Each recorded page notes its transaction, and each page takes the database 40 ms more: while one group is
    // written, the next pages arrive.
    await sql.query(`
      CREATE TABLE test_page_transactions (resource text, page_number int, tx bigint);
      CREATE FUNCTION test_slow_page() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_page_transactions VALUES (NEW.resource, NEW.page_number, txid_current());
        PERFORM pg_sleep(0.04);
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_slow_page AFTER INSERT ON sync_run_pages FOR EACH ROW EXECUTE FUNCTION test_slow_page();`);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await sandbox?.close();
    await database?.drop();
  });

  it('stores every page under its own number with whole counters, and quarantines only the record the database refuses', async () => {
    const expected = await expectedUpstream(sandbox.url, sandbox.apiKey);
    const ids = [...expected.keys()];
    expect(ids.length).toBe(1_500);
    // A call in the middle of the calls pass that every check lets through and the database refuses.
    const refused = ids[720];
    await sql.query(`ALTER TABLE calls ADD CONSTRAINT test_refuses CHECK (id <> '${refused}') NOT VALID`);

    const run = await syncToEnd(t);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.counts).toMatchObject({ received: 1_500, inserted: 1_499, updated: 0, unchanged: 0, quarantined: 1 });

    // Every call but the refused one is stored, with the content Aura listed.
    const stored = await sql.query<{ id: string; content_hash: string }>('SELECT id, content_hash FROM calls');
    expect(stored.rows).toHaveLength(1_499);
    for (const row of stored.rows) expect([row.id, row.content_hash]).toEqual([row.id, expected.get(row.id)]);
    const quarantine = (await t.as(TEST_ADMIN_KEY).get('/v1/sync/quarantine?limit=10&resource=call').expect(200)).body.data as {
      upstream_id: string;
      reason: string;
      message: string;
    }[];
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ upstream_id: refused, reason: 'database_refused' });
    expect(quarantine[0].message).toContain('test_refuses');

    // Pages 1..n each recorded once, in order, and the calls pages list every call id.
    const pages = await sql.query<{ page_number: number; resource: string; call_ids: string[] }>(
      'SELECT page_number, resource, call_ids FROM sync_run_pages ORDER BY page_number',
    );
    expect(pages.rows.map((page) => page.page_number)).toEqual(pages.rows.map((_, index) => index + 1));
    expect(pages.rows.length).toBe(run.counts['pages']);
    expect(pages.rows.filter((page) => page.resource === 'calls').flatMap((page) => page.call_ids)).toEqual(ids);

    // Several pages went in one transaction, never more than five, and the group that held the refused call was
    // written again page by page.
    const groups = await sql.query<{ pages: number; numbers: number[] }>(
      "SELECT count(*)::int AS pages, array_agg(page_number ORDER BY page_number) AS numbers FROM test_page_transactions WHERE resource = 'calls' GROUP BY tx",
    );
    const sizes = groups.rows.map((group) => group.pages);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    const refusedPage = pages.rows.find((page) => page.call_ids.includes(refused))!.page_number;
    expect(groups.rows.find((group) => group.numbers.includes(refusedPage))!.pages).toBe(1);
  }, 180_000);
});
