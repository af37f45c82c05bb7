import { createAuraSandbox, type AuraSandbox } from '@app/aura-sandbox';
import { DeliveryWorker } from '@app/events';
import { INTERRUPTED_MESSAGE, previousMonth, RunsService } from '@app/payouts';
import { PayoutRunsRepository } from '../../libs/payouts/src/runs/payout-runs.repository';
import { DatabaseService } from '@app/persistence';
import { OutboxRepository } from '../../libs/events/src/outbox/outbox.repository';
import { allPages, closerPlan, runPeriod, type StatementBody } from '../payouts/payouts-helpers';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { closedPort, startHangingReceiver, startWebhookReceiver, type ReceivedEvent, type WebhookReceiver } from '../support/webhook-receiver';

const HOUR = 3_600_000;
const ALL_TYPES = ['run.succeeded', 'run.failed', 'statement.approved', 'period.approved', 'statement.paid', 'statement.reopened'];

interface DeliveryBody {
  id: string;
  event_id: string;
  event_type: string;
  ordering_key: string;
  status: string;
  attempts: number;
  attempt_log: { at: string; status_code: number | null; error: string | null; duration_ms: number }[];
}

/**
 * docs/operations.md "Events for payroll": subscriptions, signed deliveries
 * from an outbox written with each change, retried until the receiver is
 * back. Delivery is driven here by DeliveryWorker.drain (the poller is off),
 * with a clock moved past the backoff.
 */
describe('webhook subscriptions (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let payroll: string;
  let receiver: WebhookReceiver | null = null;
  const period = previousMonth(new Date(), 'UTC');
  const drain = (aheadMs = 0) => t.app.get(DeliveryWorker).drain(() => new Date(Date.now() + aheadMs));
  const admin = () => t.as(TEST_ADMIN_KEY);

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 300, seed: 91, months: 1, endMonth: period, rateLimit: { perMinute: null } });
    t = await startTestApp({
      AURA_API_URL: sandbox.url,
      AURA_API_KEY: sandbox.apiKey,
      WEBHOOK_DELIVERY_ENABLED: 'false',
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      WEBHOOK_TIMEOUT_SECONDS: '5',
    });
    finance = (await createKey(t, 'finance')).secret;
    payroll = (await createKey(t, 'payroll')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
  }, 180_000);
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    await sandbox?.close();
  });

  it('refuses a target that is not https (or loopback http), an unknown event type, and any key but an admin', async () => {
    const refused = await admin()
      .post('/v1/webhook-subscriptions')
      .send({ url: 'http://payroll.example.com/hook', event_types: ['run.succeeded'] })
      .expect(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'url' })]);
    await admin()
      .post('/v1/webhook-subscriptions')
      .send({ url: 'https://user:pw@payroll.example.com/hook', event_types: ['run.succeeded'] })
      .expect(400);
    const unknown = await admin()
      .post('/v1/webhook-subscriptions')
      .send({ url: 'https://payroll.example.com/hook', event_types: ['statement.deleted'] })
      .expect(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'event_types' })]);
    await admin().post('/v1/webhook-subscriptions').send({ url: 'https://payroll.example.com/hook', event_types: [] }).expect(400);
    await t
      .as(finance)
      .post('/v1/webhook-subscriptions')
      .send({ url: 'https://payroll.example.com/hook', event_types: ['run.succeeded'] })
      .expect(403);
    await t.as(payroll).get('/v1/webhook-subscriptions').expect(403);
  });

  it('delivers every event to a receiver that was down for the whole approval, once it is back: once per id, signed, in order per statement', async () => {
    const port = await closedPort();
    const created = await admin()
      .post('/v1/webhook-subscriptions')
      .send({ url: `http://127.0.0.1:${port}/hooks/commissions`, event_types: ALL_TYPES, description: 'payroll' })
      .expect(201);
    const subscription = created.body as { id: string; secret: string };
    expect(subscription.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const shown = await admin().get(`/v1/webhook-subscriptions/${subscription.id}`).expect(200);
    expect(shown.body).not.toHaveProperty('secret');
    expect(JSON.stringify((await admin().get('/v1/webhook-subscriptions').expect(200)).body)).not.toContain(subscription.secret);

    // The receiver is down from here on: a run, the period's approval, a payment, a reopen and a second approval.
    expect((await runPeriod(t, finance, period)).status).toBe('succeeded');
    await t.as(finance).post(`/v1/periods/${period}/approve`).send({}).expect(200);
    const approved = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`);
    expect(approved.length).toBeGreaterThan(2);
    const [paid, reopened] = approved;
    await t.as(payroll).post(`/v1/statements/${paid.id}/mark-paid`).send({ payroll_reference: 'PR-1' }).expect(200);
    await admin().post(`/v1/statements/${reopened.id}/reopen`).send({}).expect(200);
    await t.as(finance).post(`/v1/statements/${reopened.id}/approve`).send({}).expect(200);

    await drain();
    const failing = await allPages<DeliveryBody>(t, TEST_ADMIN_KEY, `/v1/webhook-subscriptions/${subscription.id}/deliveries`);
    const expected = approved.length + 1 /* period */ + 1 /* run */ + 1 /* paid */ + 2; /* reopened, approved again */
    expect(failing).toHaveLength(expected);
    // Only the first of each statement's events was tried: the later ones wait behind it.
    const tried = failing.filter((delivery) => delivery.attempts > 0);
    expect(new Set(tried.map((delivery) => delivery.ordering_key)).size).toBe(tried.length);
    for (const delivery of tried) {
      expect(delivery.status).toBe('pending');
      expect(delivery.attempt_log[0]).toMatchObject({ status_code: null, error: expect.stringContaining('ECONNREFUSED') });
    }

    receiver = await startWebhookReceiver(port, subscription.secret);
    await drain(HOUR);
    await drain(2 * HOUR); // nothing is sent twice
    expect(receiver.rejected).toBe(0);
    const ids = receiver.received.map((event) => event.id);
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    for (const event of receiver.received) {
      expect(event.headers['x-commissions-event-id']).toBe(event.id);
      expect(event.headers['x-commissions-event-type']).toBe(event.type);
    }
    const typesOf = (statementId: string) => receiver!.received.filter((event) => event.data.statement_id === statementId).map((event) => event.type);
    expect(typesOf(paid.id)).toEqual(['statement.approved', 'statement.paid']);
    expect(typesOf(reopened.id)).toEqual(['statement.approved', 'statement.reopened', 'statement.approved']);
    const periodEvent = receiver.received.find((event) => event.type === 'period.approved') as ReceivedEvent;
    expect(periodEvent.data).toMatchObject({ period, statements_approved: approved.length, links: { payroll_export: `/v1/payroll/exports/${period}` } });
    const paidEvent = receiver.received.find((event) => event.type === 'statement.paid')!;
    expect(paidEvent.data).toMatchObject({ statement_id: paid.id, status: 'paid', total: paid.total, payroll_reference: 'PR-1', hash: paid.hash });
    expect(receiver.received.filter((event) => event.type === 'run.succeeded')).toHaveLength(1);

    const delivered = await allPages<DeliveryBody>(t, TEST_ADMIN_KEY, `/v1/webhook-subscriptions/${subscription.id}/deliveries`);
    expect(delivered.every((delivery) => delivery.status === 'delivered')).toBe(true);
    const first = delivered.find((delivery) => delivery.ordering_key === `statement:${paid.id}`)!;
    // Refused while the receiver was down, then delivered once it was back.
    const codes = first.attempt_log.map((attempt) => attempt.status_code);
    expect(codes[0]).toBeNull();
    expect(codes.filter((code) => code !== null)).toEqual([204]);
    expect(codes[codes.length - 1]).toBe(204);
  }, 180_000);

  it('sends nothing for a change that rolled back: the outbox row goes with it', async () => {
    const database = t.app.get(DatabaseService).client;
    const [statement] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`);
    const eventsBefore = await database.outboxEvent.count();
    const deliveriesBefore = await database.webhookDelivery.count();
    const outbox = t.app.get(OutboxRepository);
    const insert = outbox.insert.bind(outbox);
    const failing = jest.spyOn(outbox, 'insert').mockImplementationOnce(async (...args) => {
      await insert(...args); // the event is written in the transaction …
      throw new Error('Connection terminated unexpectedly'); // … and the transaction fails after it
    });
    const answer = await admin().post(`/v1/statements/${statement.id}/reopen`).send({});
    failing.mockRestore();
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect((await t.as(finance).get(`/v1/statements/${statement.id}`).expect(200)).body.status).toBe('approved');
    expect(await database.outboxEvent.count()).toBe(eventsBefore);
    expect(await database.webhookDelivery.count()).toBe(deliveriesBefore);
    const received = receiver!.received.length;
    await drain(HOUR);
    expect(receiver!.received).toHaveLength(received);
  });

  it('stops at once when a subscription is deleted: what it had not received is canceled', async () => {
    const [{ id }] = (await admin().get('/v1/webhook-subscriptions').expect(200)).body.data as { id: string }[];
    await receiver!.close();
    const [statement] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`);
    await admin().post(`/v1/statements/${statement.id}/reopen`).send({}).expect(200);
    const deleted = await admin().delete(`/v1/webhook-subscriptions/${id}`).expect(200);
    expect(deleted.body).toMatchObject({ id, canceled_deliveries: 1, deleted_at: expect.any(String) });
    await admin().delete(`/v1/webhook-subscriptions/${id}`).expect(404);
    const canceled = await allPages<DeliveryBody>(t, TEST_ADMIN_KEY, `/v1/webhook-subscriptions/${id}/deliveries?status=canceled`);
    expect(canceled.map((delivery) => delivery.event_type)).toEqual(['statement.reopened']);
    expect((await admin().get('/v1/webhook-subscriptions').expect(200)).body.data).toHaveLength(0);
    expect((await admin().get('/v1/webhook-subscriptions?include_deleted=true').expect(200)).body.data).toHaveLength(1);
  });

  it('tells of a run that a stop interrupted (run.failed) when it is marked failed', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await admin()
        .post('/v1/webhook-subscriptions')
        .send({ url: receiver.url, event_types: ['run.failed'] })
        .expect(201);
      receiver.secret = created.body.secret;
      const orphan = await t.app.get(PayoutRunsRepository).create({ period, trigger: 'schedule', syncFirst: false, at: new Date() }); // its process "died"
      await t.app.get(RunsService).onApplicationBootstrap();
      await drain();
      expect(receiver.received.map((event) => [event.type, event.data.run_id, event.data.error])).toEqual([['run.failed', orphan.id, INTERRUPTED_MESSAGE]]);
    } finally {
      await admin()
        .delete(`/v1/webhook-subscriptions/${(await admin().get('/v1/webhook-subscriptions').expect(200)).body.data[0].id}`)
        .expect(200);
      await receiver.close();
    }
  });

  it('does not let a receiver that never answers hold back another subscription', async () => {
    const hanging = await startHangingReceiver();
    const healthy = await startWebhookReceiver();
    try {
      await admin()
        .post('/v1/webhook-subscriptions')
        .send({ url: hanging.url, event_types: ['statement.reopened', 'statement.approved'] })
        .expect(201);
      const created = await admin()
        .post('/v1/webhook-subscriptions')
        .send({ url: healthy.url, event_types: ['statement.reopened', 'statement.approved'] })
        .expect(201);
      healthy.secret = created.body.secret;
      const statements = (await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`)).slice(0, 6);
      for (const statement of statements) {
        await admin().post(`/v1/statements/${statement.id}/reopen`).send({}).expect(200);
        await t.as(finance).post(`/v1/statements/${statement.id}/approve`).send({}).expect(200);
      }
      const started = Date.now();
      const draining = drain();
      while (healthy.received.length < 2 * statements.length && Date.now() < started + 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
      // Every event of the healthy receiver (two per statement, the second waiting for the first) arrived while the other's first attempts still hung.
      expect(healthy.received).toHaveLength(2 * statements.length);
      expect(hanging.requests).toBeGreaterThan(0);
      expect(Math.max(...healthy.received.map((event) => event.receivedAt))).toBeLessThan(started + 5_000); // WEBHOOK_TIMEOUT_SECONDS
      for (const { id } of (await admin().get('/v1/webhook-subscriptions').expect(200)).body.data as { id: string }[])
        await admin().delete(`/v1/webhook-subscriptions/${id}`).expect(200);
      await hanging.close();
      await draining;
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });

  it('sends nothing to a subscription deleted while its event was being written, and purges settled deliveries after WEBHOOK_RETENTION_DAYS', async () => {
    const database = t.app.get(DatabaseService).client;
    const receiver = await startWebhookReceiver();
    try {
      const created = await admin()
        .post('/v1/webhook-subscriptions')
        .send({ url: receiver.url, event_types: ['statement.reopened'] })
        .expect(201);
      receiver.secret = created.body.secret;
      const [statement] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`);
      await admin().post(`/v1/statements/${statement.id}/reopen`).send({}).expect(200);
      // The delete committed after the event's transaction read the subscription: its delivery was written, not canceled.
      await database.webhookSubscription.update({ where: { id: created.body.id }, data: { deletedAt: new Date() } });
      await drain(HOUR);
      expect(receiver.received).toHaveLength(0);
      const worker = t.app.get(DeliveryWorker);
      await worker.purge(new Date());
      expect((await database.webhookDelivery.findMany({ where: { subscriptionId: created.body.id } })).map((delivery) => delivery.status)).toEqual([
        'canceled',
      ]);
      const settled = await database.webhookDelivery.count({ where: { status: { in: ['delivered', 'failed', 'canceled'] } } });
      expect(settled).toBeGreaterThan(1);
      expect(await worker.purge(new Date(Date.now() + 29 * 24 * HOUR))).toBe(0);
      expect(await worker.purge(new Date(Date.now() + 31 * 24 * HOUR))).toBe(settled);
      expect(await database.webhookDelivery.count()).toBe(0);
      expect(await database.outboxEvent.count()).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
