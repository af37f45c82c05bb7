import { createAuraSandbox, type AuraSandbox } from '@app/aura-sandbox';
import { previousMonth, RunsService } from '@app/payouts';
import { JobsService } from '@app/scheduling';
import { LedgerRepository } from '../../libs/payouts/src/ledger/ledger.repository';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, type TestApp } from '../support/test-app';
import { allPages, closerPlan, type RunBody } from './payouts-helpers';

const MINUTE = 60_000;

/**
 * product.md "Schedule": the month's run happens even when nothing was up at
 * the cron second, and a scheduled run that fails on a passing fault is tried
 * again after a backoff, a bounded number of times.
 */
describe('the schedule catches up (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  const period = previousMonth(new Date(), 'UTC');
  const runsOf = async (of: string) => allPages<RunBody>(t, finance, `/v1/runs?period=${of}`);
  const settled = async (of: string): Promise<RunBody[]> => {
    for (;;) {
      const runs = await runsOf(of);
      if (runs.every((run) => run.status !== 'running')) return runs;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 400, seed: 46, months: 3, endMonth: period, rateLimit: { perMinute: null } });
    // Due at 00:00 on the 1st, so by now (after the first minute of the month) this month's run is owed.
    t = await startTestApp({
      AURA_API_URL: sandbox.url,
      AURA_API_KEY: sandbox.apiKey,
      MONTHLY_RUN_CRON: '0 0 1 * *',
      SCHEDULE_RETRIES: '1',
      SCHEDULE_RETRY_MINUTES: '5',
    });
    finance = (await createKey(t, 'finance')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('retries a scheduled run that failed on a passing database fault, after its backoff, and then leaves the month alone', async () => {
    const jobs = t.app.get(JobsService);
    const now = new Date();
    await jobs.catchUp(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 0, 30))); // the cron's own minute belongs to the cron tick
    expect(await runsOf(period)).toHaveLength(0);
    const fingerprint = jest.spyOn(t.app.get(LedgerRepository), 'fingerprint').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    await jobs.monthlyRun(new Date());
    fingerprint.mockRestore();
    expect((await settled(period)).map((run) => [run.trigger, run.status])).toEqual([['schedule', 'failed']]);

    await jobs.catchUp(new Date(Date.now() + 2 * MINUTE)); // within the 5-minute backoff: not yet
    expect(await runsOf(period)).toHaveLength(1);
    await jobs.catchUp(new Date(Date.now() + 6 * MINUTE));
    await jobs.catchUp(new Date(Date.now() + 6 * MINUTE)); // a second replica's tick: still one retry
    const runs = await settled(period);
    expect(runs.map((run) => [run.trigger, run.status]).sort()).toEqual([
      ['catch_up', 'succeeded'],
      ['schedule', 'failed'],
    ]);
    await jobs.catchUp(new Date(Date.now() + 60 * MINUTE));
    expect(await runsOf(period)).toHaveLength(2);
  });

  it('gives up after SCHEDULE_RETRIES failed tries, leaving the month failed', async () => {
    const older = '2000-01';
    const runs = t.app.get(RunsService);
    const fingerprint = jest.spyOn(t.app.get(LedgerRepository), 'fingerprint').mockRejectedValue(new Error('Connection terminated unexpectedly'));
    try {
      const end = new Date('2000-02-01T00:00:00Z');
      const first = await runs.runMissed(older, end, new Date(), { retries: 1, backoffMs: 0 });
      expect(first?.trigger).toBe('catch_up');
      await settled(older);
      expect(await runs.runMissed(older, end, new Date(), { retries: 1, backoffMs: 0 })).not.toBeNull();
      await settled(older);
      expect(await runs.runMissed(older, end, new Date(), { retries: 1, backoffMs: 0 })).toBeNull();
      expect((await runsOf(older)).map((run) => run.status)).toEqual(['failed', 'failed']);
    } finally {
      fingerprint.mockRestore();
    }
  });

  it('syncs when no sync succeeded for a day (the daily sync was missed), once, and not again while that one is fresh', async () => {
    const jobs = t.app.get(JobsService);
    const catchUps = async () =>
      ((await t.as(finance).get('/v1/sync/runs?limit=100').expect(200)).body.data as { trigger: string; status: string }[]).filter(
        (run) => run.trigger === 'catch_up',
      );
    await jobs.catchUp(new Date(Date.now() + 2 * MINUTE));
    expect(await catchUps()).toHaveLength(0);
    const later = new Date(Date.now() + 26 * 60 * MINUTE);
    await Promise.all([jobs.catchUp(later), jobs.catchUp(later)]);
    expect((await catchUps()).map((run) => run.status)).toEqual(['succeeded']);
    await jobs.catchUp(new Date(Date.now() + 2 * MINUTE)); // the next tick: that sync is fresh
    expect(await catchUps()).toHaveLength(1);
  });
});
