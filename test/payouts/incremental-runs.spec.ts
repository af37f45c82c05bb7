import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';
import { runPeriod, statementsOf } from './payouts-helpers';

/** 25 months of calls, October 2024 to October 2026. */
const MONTHS = Array.from({ length: 25 }, (_, index) => {
  const month = 9 + index; // 0-based month index from January 2024
  return `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
});
const EARLIER = MONTHS.slice(0, 24);
const LAST = MONTHS[24];

/**
 * docs/payouts.md "What a run recomputes": after two years of approved
 * months a run computes its own month and leaves the 24 earlier ones alone
 * until one of their calls changes; asked to, it computes them all, and
 * that changes nothing.
 */
describe('runs compute only the periods whose inputs changed (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 1_250, seed: 24, months: 25, endMonth: LAST, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    finance = (await createKey(t, 'finance')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t
      .as(finance)
      .post('/v1/plans')
      .send({
        name: 'Flat',
        effective_from: '2024-01-01',
        effective_to: null,
        payees: null,
        priority: 0,
        self_set: 'closer_only',
        missing_setter: 'none',
        roles: { closer: { rate: '0.10' }, setter: { flat: '25' } },
      })
      .expect(201);
    for (const period of EARLIER) {
      const run = await runPeriod(t, finance, period);
      expect([period, run.status]).toEqual([period, 'succeeded']);
      await t.as(finance).post(`/v1/periods/${period}/approve`).expect(200);
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('after 24 approved months with no change, computes only its own period and says the 24 were left as they were', async () => {
    const run = await runPeriod(t, finance, LAST);
    expect(run.status).toBe('succeeded');
    expect(run.recompute).toBe('changed');
    expect(run.counts!.periods).toEqual({ computed: [{ period: LAST, reason: 'run_period' }], skipped: EARLIER });
    expect(run.counts!.adjustments).toBe(0);
    // Its drafts hold only its own calls' lines: a rerun still computes it alone.
    expect((await runPeriod(t, finance, LAST)).counts!.periods).toEqual({ computed: [{ period: LAST, reason: 'run_period' }], skipped: EARLIER });
  });

  it('computes every period when asked to, and finds nothing to change', async () => {
    const before = await statementsOf(t, finance, LAST);
    const run = await runPeriod(t, finance, LAST, false, 'all');
    expect(run.recompute).toBe('all');
    expect(run.counts!.periods).toEqual({
      computed: [...EARLIER.map((period) => ({ period, reason: 'full_recompute' })), { period: LAST, reason: 'run_period' }],
      skipped: [],
    });
    expect(run.counts!.adjustments).toBe(0);
    const after = await statementsOf(t, finance, LAST);
    expect(after.map(({ id, total, hash, version }) => ({ id, total, hash, version }))).toEqual(
      before.map(({ id, total, hash, version }) => ({ id, total, hash, version })),
    );
  });

  it('computes an earlier period again when one of its calls changed, pays the difference, and keeps computing it while its drafts hold that line', async () => {
    const month = '2025-06';
    const line = (await statementsOf(t, finance, month)).flatMap((statement) => statement.lines!).find((candidate) => candidate.role === 'closer')!;
    sandbox.store.update(line.call_id, { expected_deal_value: Math.round(Number(line.base_amount) * 100) + 10_000 });

    const run = await runPeriod(t, finance, LAST, true);
    expect(run.status).toBe('succeeded');
    expect(run.counts!.periods).toEqual({
      computed: [
        { period: month, reason: 'calls_changed' },
        { period: LAST, reason: 'run_period' },
      ],
      skipped: EARLIER.filter((period) => period !== month),
    });
    const adjustments = (await statementsOf(t, finance, LAST)).flatMap((statement) => statement.lines!).filter((entry) => entry.kind === 'adjustment');
    expect(adjustments.map((entry) => [entry.call_id, entry.call_period, entry.amount])).toEqual([[line.call_id, month, '10.00']]);

    // Nothing changed since, but the drafts it rebuilds hold June's adjustment: June is computed again, and pays it again.
    const rerun = await runPeriod(t, finance, LAST);
    expect(rerun.counts!.periods!.computed).toEqual([
      { period: month, reason: 'drafts_rebuilt' },
      { period: LAST, reason: 'run_period' },
    ]);
    expect(rerun.counts!.adjustments).toBe(1);

    // Once LAST is approved, the next month leaves June alone again.
    await t.as(finance).post(`/v1/periods/${LAST}/approve`).expect(200);
    const november = await runPeriod(t, finance, '2026-11');
    expect(november.counts!.periods).toEqual({ computed: [{ period: '2026-11', reason: 'run_period' }], skipped: MONTHS });
  });
});
