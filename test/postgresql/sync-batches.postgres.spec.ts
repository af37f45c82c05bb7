import { Client } from 'pg';
import { AuraClient } from '@app/aura-client';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { lockKey } from '@app/persistence';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { until } from '../support/polling';
import { expectedUpstream, waitForSync } from '../support/sync-helpers';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';

/**
 * A sync slower to write than Aura is to answer (a first sync from a fast
 * Aura) writes the pages that arrived during one write together in the next
 * transaction. The pages must still be stored exactly as one by one: every
 * page recorded under its own number, the counters whole, and a record the
 * database refuses in such a group quarantined alone while the rest of its
 * group is stored.
 *
 * The test holds the ingestion write lock while the sync starts: the first
 * page's write waits on it, and the sync fetches ten pages ahead meanwhile.
 * Released, the sync finds pages 2 to 11 waiting: it writes 2–6 together,
 * then 7–11.
 */
describeOnPostgres('a sync writing waiting pages together (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  let sandbox: AuraSandbox;
  let t: TestApp;
  let sql: Client;

  beforeAll(async () => {
    database = await createScratchDatabase();
    sandbox = await createAuraSandbox({
      calls: 3_000,
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
    // Each recorded page notes the transaction that committed it.
    await sql.query(`
      CREATE TABLE test_page_transactions (resource text, page_number int, tx bigint);
      CREATE FUNCTION test_note_page() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_page_transactions VALUES (NEW.resource, NEW.page_number, txid_current());
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_note_page AFTER INSERT ON sync_run_pages FOR EACH ROW EXECUTE FUNCTION test_note_page();`);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    await sandbox?.close();
    await database?.drop();
  });

  it('stores every page under its own number with whole counters, and quarantines only the record the database refuses', async () => {
    const calls = await expectedUpstream(sandbox.url, sandbox.apiKey);
    const paymentIds: string[] = [];
    for await (const page of new AuraClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, pacing: false }).paymentPages({ limit: 100 })) {
      for (const record of page.records) paymentIds.push((record as { id: string }).id);
    }
    expect(paymentIds.length).toBeGreaterThan(1_100); // more than 11 pages of payments
    // A payment on page 4 that every check lets through and the database refuses.
    const refused = paymentIds[350];
    await sql.query(`ALTER TABLE payments ADD CONSTRAINT test_refuses CHECK (id <> '${refused}') NOT VALID`);

    const [high, low] = lockKey('ingestion:write');
    await sql.query('SELECT pg_advisory_lock($1::int4, $2::int4)', [high, low]);
    const requestsBefore = sandbox.stats().requests;
    const started = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(202);
    // Page 1 is being written (waiting on the lock) and ten are fetched ahead: then the sync fetches no more.
    await until('eleven pages fetched', async () => (sandbox.stats().requests - requestsBefore >= 11 ? true : undefined), 30_000, 20);
    // And no more: ten pages is as far ahead as a sync reads.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sandbox.stats().requests - requestsBefore).toBe(11);
    await sql.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [high, low]);
    const run = await waitForSync(t, started.body.id as string);

    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.counts).toMatchObject({ received: calls.size, inserted: calls.size, quarantined: 0 });
    expect(run.counts['payments']).toMatchObject({
      received: paymentIds.length,
      inserted: paymentIds.length - 1,
      updated: 0,
      quarantined: 1,
    });

    // Every payment but the refused one is stored, and every call.
    const storedPayments = await sql.query<{ id: string }>('SELECT id FROM payments ORDER BY id');
    expect(storedPayments.rows.map((row) => row.id)).toEqual(paymentIds.filter((id) => id !== refused).sort());
    expect(Number((await sql.query<{ count: string }>('SELECT count(*) FROM calls')).rows[0].count)).toBe(calls.size);
    const quarantine = (await t.as(TEST_ADMIN_KEY).get('/v1/sync/quarantine?limit=10').expect(200)).body.data as {
      resource: string;
      upstream_id: string;
      reason: string;
      message: string;
    }[];
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ resource: 'payment', upstream_id: refused, reason: 'database_refused' });
    expect(quarantine[0].message).toContain('test_refuses');

    // Pages 1..n each recorded once, in order; the payments pages list every payment id.
    const pages = await sql.query<{ page_number: number; resource: string; call_ids: string[] }>(
      'SELECT page_number, resource, call_ids FROM sync_run_pages ORDER BY page_number',
    );
    expect(pages.rows.map((page) => page.page_number)).toEqual(pages.rows.map((_, index) => index + 1));
    expect(pages.rows.length).toBe(run.counts['pages']);
    expect(pages.rows.filter((page) => page.resource === 'payments').flatMap((page) => page.call_ids)).toEqual(paymentIds);

    // Transactions: page 1 alone; 2–6, waiting together, held the refused payment, so each was written again on its
    // own; 7 onwards together again (7–10 had surely arrived, 11 was the last fetch allowed).
    const groups = await sql.query<{ numbers: number[] }>(
      "SELECT array_agg(page_number ORDER BY page_number) AS numbers FROM test_page_transactions WHERE resource = 'payments' GROUP BY tx ORDER BY min(page_number)",
    );
    const numbers = groups.rows.map((group) => group.numbers);
    expect(numbers.slice(0, 6)).toEqual([[1], [2], [3], [4], [5], [6]]);
    expect(numbers[6].slice(0, 4)).toEqual([7, 8, 9, 10]);
    expect(Math.max(...numbers.map((group) => group.length))).toBeLessThanOrEqual(5);

    // A pass that inserted over a thousand rows refreshed its table's planner statistics itself (last_analyze, not
    // autovacuum's last_autoanalyze): the calls pass looks payments up by id, the end of the sync calls by payment.
    const analyzed = await sql.query<{ relname: string; last_analyze: Date | null }>(
      "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname IN ('calls', 'payments') ORDER BY relname",
    );
    expect(analyzed.rows.map((row) => [row.relname, row.last_analyze !== null])).toEqual([
      ['calls', true],
      ['payments', true],
    ]);
  }, 180_000);
});
