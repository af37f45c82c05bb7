import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { previousMonth } from '@app/payouts';
import { Client } from 'pg';
import { closerPlan } from '../payouts/payouts-helpers';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { startService, type ServiceProcess } from '../support/service-process';
import { closedPort, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { until } from '../support/polling';

const ADMIN = 'events-pg-admin-key-0123456789abc';

/**
 * docs/operations.md "Events for payroll", with built service processes on
 * PostgreSQL: the receiver is down for the whole approval of a period, the
 * service is killed (SIGKILL) right after the approval commits, and a new
 * process delivers every event once the receiver is back.
 */
describeOnPostgres('events pushed to payroll (PostgreSQL, service processes)', () => {
  let database: { url: string; drop(): Promise<void> };
  let sandbox: AuraSandbox;
  let receiver: WebhookReceiver | null = null;
  const processes: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop('SIGKILL')));
    await receiver?.close();
    await sandbox?.close();
    await database?.drop();
  });

  async function api(service: ServiceProcess, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function sql<T extends Record<string, unknown>>(text: string): Promise<T[]> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }

  it('delivers every event once, signed, after a receiver outage and a kill -9 between the approval commit and the send', async () => {
    const period = previousMonth(new Date(), 'UTC');
    database = await createScratchDatabase();
    sandbox = await createAuraSandbox({ calls: 600, seed: 93, months: 1, endMonth: period, rateLimit: { perMinute: null } });
    const env = {
      DATABASE_URL: database.url,
      ADMIN_API_KEY: ADMIN,
      AURA_API_URL: sandbox.url,
      AURA_API_KEY: sandbox.apiKey,
      COMMISSION_TIMEZONE: 'UTC',
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      WEBHOOK_RETRY_MAX_MINUTES: '1',
    };
    const port = await closedPort();
    const first = await startService(env);
    processes.push(first);
    const subscription = await api(first, 'POST', '/v1/webhook-subscriptions', {
      url: `http://127.0.0.1:${port}/hooks`,
      event_types: ['run.succeeded', 'statement.approved', 'period.approved', 'statement.paid', 'statement.reopened'],
    });
    expect(subscription.status).toBe(201);
    const sync = await api(first, 'POST', '/v1/sync');
    await until('the sync', async () => ((await api(first, 'GET', `/v1/sync/runs/${sync.body.id}`)).body.status === 'succeeded' ? true : undefined));
    expect((await api(first, 'POST', '/v1/plans', closerPlan())).status).toBe(201);
    const run = await api(first, 'POST', '/v1/runs', { period });
    await until('the run', async () => ((await api(first, 'GET', `/v1/runs/${run.body.id}`)).body.status === 'succeeded' ? true : undefined));

    const approval = await api(first, 'POST', `/v1/periods/${period}/approve`, {});
    expect(approval.status).toBe(200);
    const approved = approval.body.approved as number;
    expect(approved).toBeGreaterThan(5);
    // Several events for some statements, whose order matters: paid; reopened and approved again.
    const statementIds = (approval.body.data as { id: string }[]).map((statement) => statement.id);
    const [paidA, paidB, reopenedA, reopenedB] = statementIds;
    for (const id of [paidA, paidB])
      expect((await api(first, 'POST', `/v1/statements/${id}/mark-paid`, { payroll_reference: `PR-${id.slice(0, 8)}` })).status).toBe(200);
    for (const id of [reopenedA, reopenedB]) {
      expect((await api(first, 'POST', `/v1/statements/${id}/reopen`, {})).status).toBe(200);
      expect((await api(first, 'POST', `/v1/statements/${id}/approve`, {})).status).toBe(200);
    }
    await first.stop('SIGKILL'); // every change has committed; none of its events has been received
    const expected = approved + 2 + 2 + 4; // each statement, the period, the run; two payments; two reopens and approvals
    const [pending] = await sql<{ pending: string; delivered: string }>(
      "SELECT count(*) FILTER (WHERE status = 'pending')::text AS pending, count(*) FILTER (WHERE status = 'delivered')::text AS delivered FROM webhook_deliveries",
    );
    expect(pending).toEqual({ pending: String(expected), delivered: '0' });
    expect(receiver).toBeNull();

    // Back: the receiver, and two replicas at once, whose workers share the deliveries.
    receiver = await startWebhookReceiver(port, subscription.body.secret);
    processes.push(...(await Promise.all([startService(env), startService(env)])));
    await until(
      'every delivery to be recorded delivered',
      async () => {
        const [row] = await sql<{ delivered: string }>("SELECT count(*)::text AS delivered FROM webhook_deliveries WHERE status = 'delivered'");
        return row.delivered === String(expected) ? true : undefined;
      },
      120_000,
    );

    expect(receiver.rejected).toBe(0);
    const ids = receiver.received.map((event) => event.id);
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    const byType = (type: string) => receiver!.received.filter((event) => event.type === type);
    expect(byType('run.succeeded').map((event) => event.data.run_id)).toEqual([run.body.id]);
    expect(byType('period.approved')).toHaveLength(1);
    expect(new Set(byType('statement.approved').map((event) => event.data.statement_id)).size).toBe(approved);
    const typesOf = (id: string) => receiver!.received.filter((event) => event.data.statement_id === id).map((event) => event.type);
    for (const id of [paidA, paidB]) expect(typesOf(id)).toEqual(['statement.approved', 'statement.paid']);
    for (const id of [reopenedA, reopenedB]) expect(typesOf(id)).toEqual(['statement.approved', 'statement.reopened', 'statement.approved']);
    const settled = await sql<{ status: string; count: string }>('SELECT status, count(*)::text AS count FROM webhook_deliveries GROUP BY status');
    expect(settled).toEqual([{ status: 'delivered', count: String(expected) }]);
  }, 300_000);
});
