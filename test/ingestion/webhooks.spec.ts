import { createHmac } from 'node:crypto';
import { signedEvent, WEBHOOK_SECRET } from '../payouts/payments-scenario';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/** POST /v1/webhooks/aura before any record is fetched: the door itself. */
describe('the Aura webhook route', () => {
  describe('without AURA_WEBHOOK_SECRET', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp()));
    afterAll(() => t.close());

    it('does not exist: 404, even for a well-signed event', async () => {
      const signed = signedEvent('payment.refunded', { id: 'pay_1' }, '2026-11-01T00:00:00Z');
      const answer = await t.http
        .post('/v1/webhooks/aura')
        .set('Content-Type', 'application/json')
        .set('X-Aura-Signature', signed.signature)
        .send(signed.body)
        .expect(404);
      expect(answer.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
    });
  });

  describe('with AURA_WEBHOOK_SECRET', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ AURA_WEBHOOK_SECRET: WEBHOOK_SECRET })));
    afterAll(() => t.close());
    const post = (signed: { body: string; signature: string }) =>
      t.http.post('/v1/webhooks/aura').set('Content-Type', 'application/json').set('X-Aura-Signature', signed.signature).send(signed.body);

    it('answers a signed event with no event, created_at or data.id with a 400 naming each field, and stores nothing', async () => {
      const body = JSON.stringify({ data: {} });
      const answer = await post({ body, signature: createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex') }).expect(400);
      expect(answer.body.details.map((detail: { field: string }) => detail.field)).toEqual(['event', 'created_at', 'data.id']);
      const events = await t.as(TEST_ADMIN_KEY).get('/v1/webhooks/events').expect(200);
      expect(events.body.data).toEqual([]);
    });

    it('keeps an event it does not act on as ignored, once, and lists it for finance and admin only', async () => {
      const signed = signedEvent('lead.created', { id: 'lead_1' }, '2026-11-01T00:00:00Z');
      expect((await post(signed).expect(200)).body).toMatchObject({ received: true, duplicate: false, status: 'ignored' });
      expect((await post(signed).expect(200)).body).toMatchObject({ duplicate: true });
      const events = await t.as(TEST_ADMIN_KEY).get('/v1/webhooks/events?status=ignored').expect(200);
      expect(events.body.data).toEqual([expect.objectContaining({ event: 'lead.created', data_id: 'lead_1', status: 'ignored', resource: 'other' })]);
      await t.http.get('/v1/webhooks/events').expect(401);
    });
  });
});
