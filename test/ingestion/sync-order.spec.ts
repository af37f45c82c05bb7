import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { closerPlan, runPeriod } from '../payouts/payouts-helpers';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';

const OCT = '2026-10';

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

  it('pays the month when one call links a payment Aura does not list, and holds only that call back', async () => {
    const calls = sandbox.store.all() as { id: string; status?: string; linked_payment_id?: unknown }[];
    const linked = calls.find((call) => call.status === 'closed' && typeof call.linked_payment_id === 'string')!;
    sandbox.store.update(linked.id, { linked_payment_id: 'pay_not_listed_by_aura' });
    expect((await syncToEnd(t)).status).toBe('succeeded');
    const finance = (await createKey(t, 'finance')).secret;
    const held = (await t.as(finance).get(`/v1/calls/${linked.id}`).expect(200)).body as { commissionable: boolean; reason: string };
    expect(held).toMatchObject({ commissionable: false, reason: 'payment_missing' });
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);

    const run = await runPeriod(t, finance, OCT);

    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.counts!.commission_lines).toBeGreaterThan(0);
    const lines = (await t.as(finance).get(`/v1/calls/${linked.id}`).expect(200)).body as { lines?: unknown[] };
    expect(lines.lines ?? []).toEqual([]);
  }, 120_000);
});
