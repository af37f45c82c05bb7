import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { Decimal } from '@app/commission-engine';
import { WebhookWorker } from '@app/ingestion';
import { DatabaseService } from '@app/persistence';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';
import { allPages, closerPlan, expectConsistent, expectLedgerMatchesEngine, LineBody, runPeriod, statementsOf } from './payouts-helpers';

const SEP = '2026-09';
const OCT = '2026-10';
const NOV = '2026-11';
export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

interface CallBody {
  id: string;
  closer_id: string;
  period: string;
  base_amount: string;
  effective_base_amount: string | null;
  refunded_share: string | null;
  linked_payment_id: string;
  commissionable: boolean;
  reason: string | null;
  payment?: { id: string; status: string; amount: string; currency: string; refunded_amount: string | null; history: unknown[] } | null;
  lines?: (LineBody & { statement_status: string; statement_period: string })[];
}

/** Aura's envelope, signed as Aura signs it. */
export function signedEvent(event: string, data: Record<string, unknown>, createdAt: string, secret = WEBHOOK_SECRET): { body: string; signature: string } {
  const body = JSON.stringify({ event, created_at: createdAt, data, organization_id: '00000000-0000-4000-8000-000000000000' });
  return { body, signature: createHmac('sha256', secret).update(body).digest('hex') };
}

/**
 * product.md "Payments", "Changes after approval" and "Webhooks", end to end
 * over HTTP against the sandbox, on whichever database `env` names. The
 * tests build on each other: September is run and approved, then payments
 * change, then October and November settle them.
 */
export function paymentsScenario(name: string, env: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>): void {
  describe(name, () => {
    let sandbox: AuraSandbox;
    let t: TestApp;
    let finance: string;
    let cleanup: () => Promise<void>;
    let appUrl: string;

    const call = async (id: string): Promise<CallBody> => (await t.as(finance).get(`/v1/calls/${id}`).expect(200)).body;
    const callsWith = (query: string) => allPages<CallBody>(t, finance, `/v1/calls?${query}`);
    const postEvent = (signed: { body: string; signature: string }) =>
      t.http.post('/v1/webhooks/aura').set('Content-Type', 'application/json').set('X-Aura-Signature', signed.signature).send(signed.body);
    const eventCount = () => t.app.get(DatabaseService).client.webhookEvent.count();
    const linesOf = async (callId: string) => (await call(callId)).lines ?? [];

    beforeAll(async () => {
      sandbox = await createAuraSandbox({ calls: 900, seed: 12, months: 2, endMonth: OCT, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
      const database = await env();
      cleanup = database.cleanup;
      // The service dates changes by its own clock (today) and the sandbox's refunds by the sandbox clock (2026-11-15):
      // a year-long window keeps this scenario about settling, whatever today is. The window has its own suites.
      t = await startTestApp({
        ...database.env,
        AURA_API_URL: sandbox.url,
        AURA_API_KEY: sandbox.apiKey,
        AURA_WEBHOOK_SECRET: WEBHOOK_SECRET,
        CLAWBACK_WINDOW_DAYS: '365',
      });
      finance = (await createKey(t, 'finance')).secret;
      expect((await syncToEnd(t)).status).toBe('succeeded');
      await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
      const server = t.app.getHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }, 180_000);
    afterAll(async () => {
      await t?.close();
      await sandbox?.close();
      await cleanup?.();
    });

    it('stores every payment with its raw record, and judges each call by its payment with the reason product.md names', async () => {
      const pending = await callsWith(`period=${SEP}&reason=payment_pending`);
      const failed = await callsWith('reason=payment_failed');
      const refunded = await callsWith('reason=payment_refunded');
      const mismatch = await callsWith('reason=currency_mismatch');
      for (const list of [pending, failed, refunded, mismatch]) expect(list.length).toBeGreaterThan(0);
      const partly = (await callsWith('commissionable=true')).filter((entry) => entry.refunded_share !== null && new Decimal(entry.refunded_share).gt(0));
      expect(partly.length).toBeGreaterThan(0);
      for (const entry of partly.slice(0, 10)) {
        // Effective base = base × (1 − refunded / amount), rounded once, half up, to the cent.
        const { payment } = await call(entry.id);
        const share = new Decimal(payment!.refunded_amount!).div(payment!.amount);
        expect(entry.effective_base_amount).toBe(
          new Decimal(entry.base_amount).times(new Decimal(1).minus(share)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        );
        expect(entry.refunded_share).toBe(share.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed());
      }
      const view = await call(pending[0].id);
      expect(view).toMatchObject({ commissionable: false, reason: 'payment_pending', payment: { id: view.linked_payment_id, status: 'pending' } });
      const euro = await call(mismatch[0].id);
      expect(euro.payment!.currency.toUpperCase()).not.toBe('USD');
      const stored = await t.app.get(DatabaseService).client.payment.count();
      expect(stored).toBe(sandbox.payments.size);
    });

    let pendingCall: CallBody;
    let failedCall: CallBody;
    it('pays nothing on a pending payment; once it succeeds after its month was approved, the next run pays it in full as a late line, once', async () => {
      pendingCall = (await callsWith(`period=${SEP}&reason=payment_pending`))[0];
      failedCall = (await callsWith(`period=${SEP}&reason=payment_failed`))[0];
      expect((await runPeriod(t, finance, SEP)).status).toBe('succeeded');
      await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
      expect(await linesOf(pendingCall.id)).toEqual([]);

      sandbox.succeedPayment(pendingCall.linked_payment_id);
      expect((await syncToEnd(t)).status).toBe('succeeded');
      expect(await call(pendingCall.id)).toMatchObject({ commissionable: true, reason: null });
      const october = await runPeriod(t, finance, OCT);
      expect(october.status).toBe('succeeded');
      const late = await linesOf(pendingCall.id);
      expect(late).toHaveLength(1);
      expect(late[0]).toMatchObject({ kind: 'adjustment', adjusts_line_id: null, statement_period: OCT, role: 'closer' });
      expect(late[0].explanation).toMatchObject({ cause: 'late', original_line_id: null, now_earns: late[0].amount });
      expect(new Decimal(late[0].amount).gt(0)).toBe(true);
      // Once: running October again, and running November, add nothing for it.
      await runPeriod(t, finance, OCT);
      await t.as(finance).post(`/v1/periods/${OCT}/approve`).send({}).expect(200);
      await runPeriod(t, finance, NOV);
      expect(await linesOf(pendingCall.id)).toHaveLength(1);
      expect(await linesOf(failedCall.id)).toEqual([]);
      await expectLedgerMatchesEngine(t, [SEP, OCT, NOV]);
    });

    it('claws back to exactly what the effective base earns after a 30 % refund, re-slicing the tiers; a full refund takes the call out of the volume', async () => {
      const approvedLines = (await statementsOf(t, finance, SEP, 'approved')).flatMap((statement) => statement.lines!);
      const byCloser = new Map<string, LineBody[]>();
      for (const line of approvedLines.filter((entry) => entry.kind === 'commission' && entry.role === 'closer')) {
        byCloser.set(line.explanation.payee_id, [...(byCloser.get(line.explanation.payee_id) ?? []), line]);
      }
      // A closer with several calls: a refund of the first one moves the later ones across the tier boundary.
      const [, busiest] = [...byCloser.entries()].sort((a, b) => b[1].length - a[1].length)[0];
      const partial = busiest[0];
      const full = busiest[1];
      const partialCall = await call(partial.call_id);
      const fullCall = await call(full.call_id);
      const amount = Number(partialCall.payment!.refunded_amount ?? 0);
      expect(amount).toBe(0);
      const paymentAmount = Number((sandbox.payments.get(partialCall.linked_payment_id) as { amount: number }).amount);
      sandbox.refundPayment(partialCall.linked_payment_id, { amount: Math.round(paymentAmount * 0.3) });
      sandbox.refundPayment(fullCall.linked_payment_id, {});
      expect((await syncToEnd(t)).status).toBe('succeeded');

      const afterPartial = await call(partial.call_id);
      expect(afterPartial).toMatchObject({ commissionable: true, refunded_share: '0.3' });
      expect(afterPartial.effective_base_amount).toBe(new Decimal(afterPartial.base_amount).times('0.7').toFixed(2));
      expect(afterPartial.payment!.history.length).toBeGreaterThan(0);
      expect(await call(full.call_id)).toMatchObject({ commissionable: false, reason: 'payment_refunded' });

      const run = await runPeriod(t, finance, NOV);
      expect(run.status).toBe('succeeded');
      expect(run.warnings.filter((warning) => warning.code === 'clawback_outside_window')).toEqual([]);
      const clawback = (await linesOf(partial.call_id)).find((line) => line.kind === 'adjustment')!;
      expect(clawback).toMatchObject({ adjusts_line_id: partial.id, statement_period: NOV });
      expect(new Decimal(clawback.amount).lt(0)).toBe(true);
      expect(clawback.explanation.current.refund).toEqual({
        gross_base: afterPartial.base_amount,
        refunded_share: '0.3',
        effective_base: afterPartial.effective_base_amount,
      });
      expect(clawback.explanation.current.sentence).toContain('less the 30% of its payment refunded');
      const fullLines = await linesOf(full.call_id);
      expect(fullLines.reduce((sum, line) => sum.plus(line.amount), new Decimal(0)).toFixed(2)).toBe('0.00');
      expect(fullLines.find((line) => line.kind === 'adjustment')!.explanation).toMatchObject({ cause: 'not_commissionable', call_reason: 'payment_refunded' });
      for (const statement of await statementsOf(t, finance, NOV)) expectConsistent(statement);
      // Every call of the closer (the refunded ones and the re-sliced others) sums to what it earns now, to the cent.
      await expectLedgerMatchesEngine(t, [SEP, OCT, NOV]);
    });

    it('takes a signed payment.refunded webhook: stores the event once, re-fetches the payment and stores the refund without a sync', async () => {
      const syncsBefore = (await t.as(finance).get('/v1/sync/runs').expect(200)).body.data.length;
      const target = (await callsWith(`period=${OCT}&commissionable=true`)).find((entry) => entry.refunded_share === '0')!;
      sandbox.subscribeWebhook(`${appUrl}/v1/webhooks/aura`, WEBHOOK_SECRET);
      sandbox.refundPayment(target.linked_payment_id, { amount: 1000 });
      await sandbox.flushWebhooks();
      const delivery = sandbox.webhookDeliveries().find((entry) => entry.dataId === target.linked_payment_id)!;
      expect(delivery).toMatchObject({ event: 'payment.refunded', status: 'delivered' });
      await t.app.get(WebhookWorker).drain();
      const view = await call(target.id);
      expect(view.payment!.refunded_amount).toBe('1000');
      expect(new Decimal(view.refunded_share!).gt(0)).toBe(true);
      const events = (await t.as(finance).get(`/v1/webhooks/events?data_id=${target.linked_payment_id}`).expect(200)).body.data;
      expect(events).toEqual([
        expect.objectContaining({
          event: 'payment.refunded',
          status: 'processed',
          outcome: expect.objectContaining({ result: 'updated', calls_judged_again: 1 }),
        }),
      ]);
      expect((await t.as(finance).get('/v1/sync/runs').expect(200)).body.data.length).toBe(syncsBefore);

      // A replay (same event, id and created_at) is acknowledged and causes nothing.
      const replay = JSON.parse(delivery.body) as { event: string; created_at: string; data: Record<string, unknown> };
      sandbox.resetStats();
      const before = await eventCount();
      const answer = await postEvent(signedEvent(replay.event, replay.data, replay.created_at)).expect(200);
      expect(answer.body).toMatchObject({ received: true, duplicate: true });
      await t.app.get(WebhookWorker).drain();
      expect(await eventCount()).toBe(before);
      expect(sandbox.stats().requests).toBe(0);
    });

    it('refuses a wrong signature with 401 and stores nothing', async () => {
      const before = await eventCount();
      const signed = signedEvent('payment.refunded', { id: pendingCall.linked_payment_id }, new Date().toISOString(), 'not-the-secret-at-all');
      const refused = await postEvent(signed).expect(401);
      expect(refused.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
      await t.http.post('/v1/webhooks/aura').set('Content-Type', 'application/json').send(signed.body).expect(401);
      expect(await eventCount()).toBe(before);
    });

    it('turns 200 pending events about one payment into one fetch from Aura', async () => {
      const paymentId = failedCall.linked_payment_id;
      // The worker's quiet period groups a burst best-effort; on a loaded machine a slow burst spans several wakes.
      // What always holds, and is checked here: events pending together about one payment cost one fetch.
      const worker = t.app.get(WebhookWorker);
      // Held off while the burst arrives (wake, and a timer an earlier test's events left, which drains).
      const held = [jest.spyOn(worker, 'wake').mockImplementation(() => undefined), jest.spyOn(worker, 'drain').mockResolvedValue(undefined)];
      sandbox.resetStats();
      const base = Date.parse('2026-11-15T00:00:00Z');
      const signed = Array.from({ length: 200 }, (_, index) =>
        signedEvent('payment.failed', { id: paymentId, status: 'failed' }, new Date(base + index).toISOString()),
      );
      for (let start = 0; start < signed.length; start += 50) {
        const answers = await Promise.all(signed.slice(start, start + 50).map((event) => postEvent(event)));
        for (const answer of answers) expect(answer.status).toBe(200);
      }
      for (const spy of held) spy.mockRestore();
      await worker.drain();
      const events = await allPages<{ status: string; outcome: { result: string } }>(t, finance, `/v1/webhooks/events?data_id=${paymentId}`);
      expect(events).toHaveLength(200);
      expect(events.every((event) => event.status === 'processed')).toBe(true);
      expect(sandbox.stats().requests).toBe(1);
    });

    it('stops paying on a payment whose latest version cannot be read, and pays again once it can', async () => {
      const target = (await callsWith(`period=${OCT}&commissionable=true`)).find((entry) => entry.refunded_share === '0')!;
      const payment = sandbox.payments.get(target.linked_payment_id) as Record<string, unknown>;
      sandbox.payments.update(target.linked_payment_id, { status: 'refunded', refunded_amount: payment['amount'], refunded_at: 'yesterday' });
      expect((await syncToEnd(t)).status).toBe('succeeded');
      const unreadable = await call(target.id);
      expect(unreadable).toMatchObject({ commissionable: false, reason: 'payment_status_unknown' });
      const quarantined = (await t.as(finance).get('/v1/sync/quarantine?resource=payment&reason=invalid_date').expect(200)).body.data;
      expect(quarantined).toEqual(expect.arrayContaining([expect.objectContaining({ upstream_id: target.linked_payment_id, field: 'refunded_at' })]));
      sandbox.payments.update(target.linked_payment_id, { status: 'succeeded', refunded_amount: null, refunded_at: null });
      expect((await syncToEnd(t)).status).toBe('succeeded');
      expect(await call(target.id)).toMatchObject({ commissionable: true, reason: null });
    });

    it('mends a stored verdict that disagrees with its payment at the end of the next sync', async () => {
      const failing = (await callsWith('reason=payment_failed'))[0];
      await t.app.get(DatabaseService).client.call.update({ where: { id: failing.id }, data: { commissionable: true, reason: null } });
      expect((await syncToEnd(t)).status).toBe('succeeded');
      expect(await call(failing.id)).toMatchObject({ commissionable: false, reason: 'payment_failed' });
    });

    it('quarantines a malformed payment with its reason and goes on; a foreign-currency payment never pays', async () => {
      sandbox.payments.insert({ id: 'pay_malformed_1', amount: 'twelve', currency: 'usd', status: 'succeeded', created_at: '2026-10-01T00:00:00Z' });
      const run = await syncToEnd(t);
      expect(run.status).toBe('succeeded');
      const quarantined = (await t.as(finance).get('/v1/sync/quarantine?resource=payment').expect(200)).body.data;
      expect(quarantined).toEqual(
        expect.arrayContaining([expect.objectContaining({ resource: 'payment', upstream_id: 'pay_malformed_1', reason: 'invalid_amount', field: 'amount' })]),
      );
      for (const entry of await callsWith('reason=currency_mismatch')) expect(await linesOf(entry.id)).toEqual([]);
    });
  });
}
