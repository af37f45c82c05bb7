import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { Decimal } from '@app/commission-engine';
import { syncToEnd, waitForSync } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';
import { expectConsistent, LineBody, runPeriod, statementsOf } from './payouts-helpers';

/**
 * CLAWBACK_WINDOW_DAYS=30 while the calls are from September and October
 * 2026: the change behind a September clawback (the call's status flip,
 * dated when the service first stores it, today) came more than 30 days
 * after the call's commission date, so it is reported, not made.
 */
describe('clawbacks outside CLAWBACK_WINDOW_DAYS (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 600, seed: 8, months: 2, endMonth: '2026-10', now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, CLAWBACK_WINDOW_DAYS: '30' });
    finance = (await createKey(t, 'finance')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t
      .as(finance)
      .post('/v1/plans')
      .send({
        name: 'Flat',
        effective_from: '2026-01-01',
        effective_to: null,
        payees: null,
        priority: 0,
        self_set: 'closer_only',
        missing_setter: 'none',
        roles: { closer: { rate: '0.10' }, setter: { flat: '25' } },
      })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('reports a clawback outside the window instead of making it, and still pays a raise', async () => {
    expect((await runPeriod(t, finance, '2026-09')).status).toBe('succeeded');
    await t.as(finance).post('/v1/periods/2026-09/approve').expect(200);
    const september = await statementsOf(t, finance, '2026-09');
    const closerLines = september.flatMap((statement) => statement.lines!).filter((line) => line.role === 'closer' && new Decimal(line.amount).gt(0));
    const [refunded, raised] = [closerLines[0], closerLines.find((line) => line.call_id !== closerLines[0].call_id)!];
    const refundedLines = september.flatMap((statement) => statement.lines!).filter((line) => line.call_id === refunded.call_id);
    sandbox.store.update(refunded.call_id, { status: 'no_show' });
    sandbox.store.update(raised.call_id, { expected_deal_value: Math.round(Number(raised.base_amount) * 100) + 50_000 });

    const run = await runPeriod(t, finance, '2026-10', true);
    expect(run.status).toBe('succeeded');
    const clawbacks = run.warnings.filter((warning) => warning.code === 'clawback_outside_window');
    expect(clawbacks).toHaveLength(refundedLines.length);
    expect(clawbacks).toEqual(
      expect.arrayContaining(
        refundedLines.map((line) =>
          expect.objectContaining({
            code: 'clawback_outside_window',
            call_id: refunded.call_id,
            payee_id: line.explanation.payee_id,
            role: line.role,
            amount: new Decimal(line.amount).neg().toFixed(2),
            original_line_id: line.id,
            window_days: 30,
            message: expect.stringContaining('CLAWBACK_WINDOW_DAYS'),
          }),
        ),
      ),
    );
    const october = await statementsOf(t, finance, '2026-10');
    const adjustments = october.flatMap((statement) => statement.lines!).filter((line) => line.kind === 'adjustment');
    expect(adjustments.some((line) => line.call_id === refunded.call_id)).toBe(false);
    const raise = adjustments.find((line: LineBody) => line.adjusts_line_id === raised.id)!;
    expect(raise).toMatchObject({ kind: 'adjustment', amount: '50.00', call_id: raised.call_id });
    for (const statement of october) expectConsistent(statement);
    expect(run.counts!.adjustments).toBe(adjustments.length);
  });

  it('runs on the stored calls, with a warning, when asked to sync while another sync holds the lock', async () => {
    sandbox.setFaults({ latencyMs: 40 });
    try {
      const sync = await t.as(finance).post('/v1/sync').expect(202);
      const run = await runPeriod(t, finance, '2026-10', true);
      expect(run.status).toBe('succeeded');
      expect(run.warnings.map((warning) => warning.code)).toContain('sync_skipped');
      expect((await waitForSync(t, sync.body.id)).status).toBe('succeeded');
    } finally {
      sandbox.setFaults({ latencyMs: 0 });
    }
  });
});
