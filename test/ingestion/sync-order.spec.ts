import { AuraClient } from '@app/aura-client';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { DatabaseService } from '@app/persistence';
import { closerPlan, runPeriod } from '../payouts/payouts-helpers';
import { syncToEnd, waitForSync } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const OCT = '2026-10';

type ListedPage = { cursor: string | null; nextCursor: string | null; hasMore: boolean; records: { id: string }[] };

/** A sync run as an earlier version (calls first) left it: `pages` of calls committed, then stopped in `phase`. */
async function leftByAnEarlierVersion(t: TestApp, phase: 'calls' | 'payments', pages: ListedPage[]): Promise<string> {
  const prisma = t.app.get(DatabaseService).client;
  const last = pages[pages.length - 1];
  const run = await prisma.syncRun.create({
    data: {
      trigger: 'manual',
      status: 'running',
      activeSlot: 'sync',
      phase,
      checkpointCursor: phase === 'calls' && last.hasMore ? last.nextCursor : null,
      pages: pages.length,
      received: pages.reduce((sum, page) => sum + page.records.length, 0),
      createdAt: new Date(),
      startedAt: new Date(),
    },
  });
  await prisma.syncRunPage.createMany({
    data: pages.map((page, index) => ({
      syncRunId: run.id,
      pageNumber: index + 1,
      resource: 'calls',
      cursor: page.cursor,
      nextCursor: page.hasMore ? page.nextCursor : null,
      callIds: page.records.map((record) => record.id),
    })),
  });
  return run.id;
}

/**
 * A sync passes over Aura's payments first, then its calls, then its team
 * (docs/domain.md "Checkpoints"). These are the cases the order changes:
 * a run an earlier version left in its calls pass, and a call whose
 * payment Aura does not list.
 */
describe('the order of a sync', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;

  beforeEach(async () => {
    sandbox = await createAuraSandbox({ calls: 600, seed: 21, months: 1, endMonth: OCT, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
  });
  afterEach(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('takes up a run an earlier version left in its calls pass with a full payments pass, then the rest of its calls', async () => {
    expect((await syncToEnd(t)).status).toBe('succeeded');
    // Then an earlier version, which synced calls first, committed the first page of calls of a new sync and stopped.
    const client = new AuraClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, pacing: false });
    const pages = client.pages({ is_upcoming: 'false' });
    const first = (await pages.next()).value as ListedPage;
    await pages.return(undefined);
    expect(first.hasMore).toBe(true);
    const prisma = t.app.get(DatabaseService).client;
    const legacyId = await leftByAnEarlierVersion(t, 'calls', [first]);

    const resumed = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(202);
    expect(resumed.body.id).toBe(legacyId);
    const finished = await waitForSync(t, legacyId);

    expect(finished).toMatchObject({ status: 'succeeded', error: null });
    const counts = finished.counts as unknown as { payments: Record<string, number>; missing_upstream: number };
    expect(counts.payments).toMatchObject({ received: sandbox.payments.size, missing_upstream: 0 });
    expect(counts.missing_upstream).toBe(0);
    // Skipping the payments pass would flag every payment; resuming the calls at the cursor, the first page's calls.
    expect(await prisma.payment.count({ where: { missingUpstream: true } })).toBe(0);
    expect(await prisma.call.count({ where: { missingUpstream: true } })).toBe(0);
    expect(await prisma.call.count({ where: { reason: 'payment_missing' } })).toBe(0);
    // The calls go on after the page that version wrote: each listed once, and counted once.
    const callPages = await prisma.syncRunPage.findMany({ where: { syncRunId: legacyId, resource: 'calls' }, orderBy: { pageNumber: 'asc' } });
    const listed = callPages.flatMap((page) => page.callIds);
    expect(listed.slice(0, first.records.length)).toEqual(first.records.map((record) => record.id));
    expect(new Set(listed).size).toBe(listed.length);
    let upstream = 0;
    for await (const page of client.pages({ is_upcoming: 'false' })) upstream += page.records.length;
    expect(finished.counts['received']).toBe(upstream);
  }, 120_000);

  it('takes up a run an earlier version left in its payments pass after all its calls, without reading the calls again', async () => {
    expect((await syncToEnd(t)).status).toBe('succeeded');
    // An earlier version (calls first) committed every page of calls of a new sync, then stopped in its payments pass.
    const client = new AuraClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, pacing: false });
    const pages: ListedPage[] = [];
    for await (const page of client.pages({ is_upcoming: 'false' })) pages.push(page as ListedPage);
    const received = pages.reduce((sum, page) => sum + page.records.length, 0);
    const prisma = t.app.get(DatabaseService).client;
    const legacyId = await leftByAnEarlierVersion(t, 'payments', pages);
    const requestsBefore = sandbox.stats().requests;

    const resumed = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(202);
    expect(resumed.body.id).toBe(legacyId);
    const finished = await waitForSync(t, legacyId);

    expect(finished).toMatchObject({ status: 'succeeded', error: null });
    expect(finished.counts['received']).toBe(received);
    expect(await prisma.syncRunPage.count({ where: { syncRunId: legacyId, resource: 'calls' } })).toBe(pages.length);
    // Payments pages and the team's page only: no calls page was asked for again.
    const paymentPages = await prisma.syncRunPage.count({ where: { syncRunId: legacyId, resource: 'payments' } });
    const teamPages = await prisma.syncRunPage.count({ where: { syncRunId: legacyId, resource: 'team' } });
    expect(sandbox.stats().requests - requestsBefore).toBe(paymentPages + teamPages);
    // The calls that version saw are not missing upstream.
    expect(await prisma.call.count({ where: { missingUpstream: true } })).toBe(0);
  }, 120_000);

  it('pays the month when one call links a payment Aura does not list, and holds only that call back', async () => {
    const calls = sandbox.store.all() as { id: string; status?: string; linked_payment_id?: unknown }[];
    const linked = calls.find((call) => call.status === 'closed' && typeof call.linked_payment_id === 'string')!;
    sandbox.store.update(linked.id, { linked_payment_id: 'pay_not_listed_by_aura' });
    const synced = await syncToEnd(t);
    expect(synced.status).toBe('succeeded');
    // Payments come first, so each call is judged once, with its payment, when it is stored.
    expect((synced.counts as unknown as { payments: { calls_judged_again: number } }).payments.calls_judged_again).toBe(0);
    const finance = (await createKey(t, 'finance')).secret;
    const held = (await t.as(finance).get(`/v1/calls/${linked.id}`).expect(200)).body as { commissionable: boolean; reason: string };
    expect(held).toMatchObject({ commissionable: false, reason: 'payment_missing' });
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);

    const run = await runPeriod(t, finance, OCT);

    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.counts!.commission_lines).toBeGreaterThan(0);
    const heldCall = (await t.as(finance).get(`/v1/calls/${linked.id}`).expect(200)).body as { lines: unknown[] };
    expect(heldCall.lines).toEqual([]);
  }, 120_000);
});
