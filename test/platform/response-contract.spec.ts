import { createAuraSandbox, type AuraSandbox } from '@app/aura-sandbox';
import { previousMonth } from '@app/payouts';
import type { Response } from 'supertest';
import { allPages, closerPlan, runPeriod, waitForRun, type StatementBody } from '../payouts/payouts-helpers';
import { ResponseContract } from '../support/response-contract';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';

/**
 * The answers of the typed routes checked against /docs-json, strictly: an
 * undeclared field or a missing declared one fails (issue #13 "Every
 * response typed"; the routes typed so far).
 */
describe('answers match the API document', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let contract: ResponseContract;
  let finance: string;
  let payroll: string;
  const period = previousMonth(new Date(), 'UTC');
  const problems: string[] = [];
  const conform = (method: string, route: string, response: Response): Response => {
    problems.push(...contract.check(method, route, response.status, response.body));
    return response;
  };

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 200, seed: 97, months: 1, endMonth: period, rateLimit: { perMinute: null }, faults: { malformedShare: 0.05 } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, WEBHOOK_DELIVERY_ENABLED: 'false' });
    contract = new ResponseContract((await t.http.get('/docs-json').expect(200)).body);
    finance = (await createKey(t, 'finance')).secret;
    payroll = (await createKey(t, 'payroll')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
    expect((await runPeriod(t, finance, period)).status).toBe('succeeded');
  }, 180_000);
  beforeEach(() => {
    problems.length = 0; // each test reports its own
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('statements, lines, approvals, payment and reopening', async () => {
    conform('GET', '/v1/statements', await t.as(finance).get(`/v1/statements?period=${period}&limit=2`).expect(200));
    const [first, second] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}`);
    conform('GET', '/v1/statements/{id}', await t.as(finance).get(`/v1/statements/${first.id}`).expect(200));
    conform('GET', '/v1/statements/{id}/lines', await t.as(finance).get(`/v1/statements/${first.id}/lines?limit=3`).expect(200));
    conform('POST', '/v1/statements/{id}/approve', await t.as(finance).post(`/v1/statements/${first.id}/approve`).send({}).expect(200));
    conform('POST', '/v1/periods/{period}/approve', await t.as(finance).post(`/v1/periods/${period}/approve`).send({}).expect(200));
    conform(
      'POST',
      '/v1/statements/{id}/mark-paid',
      await t.as(payroll).post(`/v1/statements/${first.id}/mark-paid`).send({ payroll_reference: 'PR-9' }).expect(200),
    );
    conform('POST', '/v1/statements/{id}/reopen', await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${second.id}/reopen`).send({}).expect(200));
    conform('GET', '/v1/statements/{id}', await t.as(finance).get(`/v1/statements/${second.id}`).expect(200));
    expect(problems).toEqual([]);
  });

  it('runs and syncs', async () => {
    const runs = conform('GET', '/v1/runs', await t.as(finance).get(`/v1/runs?period=${period}`).expect(200));
    conform('GET', '/v1/runs/{id}', await t.as(finance).get(`/v1/runs/${runs.body.data[0].id}`).expect(200));
    const syncs = conform('GET', '/v1/sync/runs', await t.as(finance).get('/v1/sync/runs').expect(200));
    const syncId = syncs.body.data[0].id as string;
    conform('GET', '/v1/sync/runs/{id}', await t.as(finance).get(`/v1/sync/runs/${syncId}`).expect(200));
    conform('POST', '/v1/sync/runs/{id}/cancel', await t.as(finance).post(`/v1/sync/runs/${syncId}/cancel`).send({}).expect(409));
    const started = conform('POST', '/v1/runs', await t.as(finance).post('/v1/runs').send({ period: '2020-01' }).expect(202));
    await waitForRun(t, finance, started.body.id);
    conform('GET', '/v1/runs/{id}', await t.as(finance).get(`/v1/runs/${started.body.id}`).expect(200));
    expect(problems).toEqual([]);
  });

  it('manual adjustments and the payroll export', async () => {
    const [draft] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=draft`);
    const created = conform(
      'POST',
      '/v1/adjustments',
      await t
        .as(finance)
        .post('/v1/adjustments')
        .send({ payee_id: draft.payee_id, period, amount: '125.00', category: 'bonus', reason: 'Q3 contest' })
        .expect(201),
    );
    conform('GET', '/v1/adjustments', await t.as(finance).get(`/v1/adjustments?period=${period}`).expect(200));
    conform('GET', '/v1/adjustments/{id}', await t.as(finance).get(`/v1/adjustments/${created.body.id}`).expect(200));
    conform('DELETE', '/v1/adjustments/{id}', await t.as(finance).delete(`/v1/adjustments/${created.body.id}`).expect(200));
    conform('GET', '/v1/payroll/exports/{period}', await t.as(payroll).get(`/v1/payroll/exports/${period}`).expect(200));
    expect(problems).toEqual([]);
  });

  it('payees and their balances', async () => {
    const payees = conform('GET', '/v1/payees', await t.as(finance).get('/v1/payees?limit=3').expect(200));
    const id = payees.body.data[0].id as string;
    conform('PUT', '/v1/payees/{id}', await t.as(finance).put(`/v1/payees/${id}`).send({ employee_id: 'E-1', payroll_code: 'COMM' }).expect(200));
    conform('GET', '/v1/payees/{id}', await t.as(finance).get(`/v1/payees/${id}`).expect(200));
    conform('GET', '/v1/payees/{id}/balance', await t.as(finance).get(`/v1/payees/${id}/balance`).expect(200));
    expect(problems).toEqual([]);
  });

  it('API keys, plans and health', async () => {
    const created = conform('POST', '/v1/api-keys', await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'contract', role: 'payroll' }).expect(201));
    conform('GET', '/v1/api-keys', await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200));
    conform('DELETE', '/v1/api-keys/{id}', await t.as(TEST_ADMIN_KEY).delete(`/v1/api-keys/${created.body.id}`).expect(200));
    const plans = conform('GET', '/v1/plans', await t.as(finance).get('/v1/plans').expect(200));
    conform('GET', '/v1/plans/{id}', await t.as(finance).get(`/v1/plans/${plans.body.data[0].id}`).expect(200));
    conform('GET', '/health', await t.http.get('/health').expect(200));
    conform('GET', '/health/ready', await t.http.get('/health/ready').expect(200));
    expect(problems).toEqual([]);
  });

  it('calls', async () => {
    const calls = conform('GET', '/v1/calls', await t.as(finance).get('/v1/calls?commissionable=true&limit=3').expect(200));
    conform(
      'GET',
      '/v1/calls/{id}',
      await t
        .as(finance)
        .get(`/v1/calls/${encodeURIComponent(calls.body.data[0].id)}`)
        .expect(200),
    );
    const unpaid = conform('GET', '/v1/calls', await t.as(finance).get('/v1/calls?commissionable=false&limit=3').expect(200));
    for (const call of unpaid.body.data as { id: string }[])
      conform(
        'GET',
        '/v1/calls/{id}',
        await t
          .as(finance)
          .get(`/v1/calls/${encodeURIComponent(call.id)}`)
          .expect(200),
      );
    expect(problems).toEqual([]);
  });

  it("the audit log, the quarantine and Aura's webhook events", async () => {
    conform('GET', '/v1/audit', await t.as(TEST_ADMIN_KEY).get('/v1/audit?limit=20').expect(200));
    const quarantine = conform('GET', '/v1/sync/quarantine', await t.as(finance).get('/v1/sync/quarantine?limit=20').expect(200));
    expect(quarantine.body.data.length).toBeGreaterThan(0);
    conform('GET', '/v1/webhooks/events', await t.as(finance).get('/v1/webhooks/events').expect(200));
    expect(problems).toEqual([]);
  });

  it('disputes', async () => {
    const [draft] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=draft`);
    const lineId = (await t.as(finance).get(`/v1/statements/${draft.id}`).expect(200)).body.lines[0].id as string;
    const opened = conform(
      'POST',
      '/v1/disputes',
      await t.as(finance).post('/v1/disputes').send({ statement_id: draft.id, line_id: lineId, message: 'Rate looks low' }).expect(201),
    );
    conform('GET', '/v1/disputes', await t.as(finance).get('/v1/disputes?status=open').expect(200));
    conform('GET', '/v1/disputes/{id}', await t.as(finance).get(`/v1/disputes/${opened.body.id}`).expect(200));
    conform('GET', '/v1/statements/{id}', await t.as(finance).get(`/v1/statements/${draft.id}`).expect(200));
    conform(
      'POST',
      '/v1/disputes/{id}/resolve',
      await t.as(finance).post(`/v1/disputes/${opened.body.id}/resolve`).send({ resolution: 'rejected', note: 'The plan says 8 %' }).expect(200),
    );
    expect(problems).toEqual([]);
  });

  it('webhook subscriptions and their deliveries', async () => {
    const created = conform(
      'POST',
      '/v1/webhook-subscriptions',
      await t
        .as(TEST_ADMIN_KEY)
        .post('/v1/webhook-subscriptions')
        .send({ url: 'https://payroll.example.com/hooks', event_types: ['statement.paid'] })
        .expect(201),
    );
    const id = created.body.id as string;
    conform('GET', '/v1/webhook-subscriptions', await t.as(TEST_ADMIN_KEY).get('/v1/webhook-subscriptions').expect(200));
    conform('GET', '/v1/webhook-subscriptions/{id}', await t.as(TEST_ADMIN_KEY).get(`/v1/webhook-subscriptions/${id}`).expect(200));
    const [approved] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}&status=approved`);
    await t.as(payroll).post(`/v1/statements/${approved.id}/mark-paid`).send({ payroll_reference: 'PR-10' }).expect(200);
    conform('GET', '/v1/webhook-subscriptions/{id}/deliveries', await t.as(TEST_ADMIN_KEY).get(`/v1/webhook-subscriptions/${id}/deliveries`).expect(200));
    conform('DELETE', '/v1/webhook-subscriptions/{id}', await t.as(TEST_ADMIN_KEY).delete(`/v1/webhook-subscriptions/${id}`).expect(200));
    expect(problems).toEqual([]);
  });

  it('errors, in the envelope', async () => {
    conform('GET', '/v1/statements/{id}', await t.as(finance).get('/v1/statements/00000000-0000-4000-8000-000000000000').expect(404));
    conform('GET', '/v1/statements/{id}/lines', await t.as(finance).get('/v1/statements/00000000-0000-4000-8000-000000000000/lines?kind=bonus').expect(400));
    conform('GET', '/v1/statements', await t.http.get('/v1/statements').expect(401));
    conform('POST', '/v1/webhook-subscriptions', await t.as(finance).post('/v1/webhook-subscriptions').send({}).expect(403));
    expect(problems).toEqual([]);
  });

  it('fails an answer with a field the document does not declare, or without one it does', () => {
    const answer = {
      id: '00000000-0000-4000-8000-000000000000',
      url: 'https://x',
      event_types: [],
      description: null,
      created_at: 'now',
      created_by: 'k',
      deleted_at: null,
    };
    expect(contract.check('GET', '/v1/webhook-subscriptions/{id}', 200, answer)).toEqual([]);
    expect(contract.check('GET', '/v1/webhook-subscriptions/{id}', 200, { ...answer, secret: 'whsec_leak' })).not.toEqual([]);
    const { created_by: _dropped, ...missing } = answer;
    expect(contract.check('GET', '/v1/webhook-subscriptions/{id}', 200, missing)).not.toEqual([]);
  });

  it('checks nested answers through their references: a line with an extra field fails the statement', async () => {
    const [statement] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}`);
    const body = (await t.as(finance).get(`/v1/statements/${statement.id}`).expect(200)).body as StatementBody & { lines: Record<string, unknown>[] };
    expect(contract.check('GET', '/v1/statements/{id}', 200, body)).toEqual([]);
    const tampered = { ...body, lines: [{ ...body.lines[0], payee_email: 'rep@example.com' }, ...body.lines.slice(1)] };
    expect(contract.check('GET', '/v1/statements/{id}', 200, tampered).join('\n')).toMatch(/lines\/0.*additional/);
  });
});
