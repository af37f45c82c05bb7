import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('access control (embedded PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 in the error envelope, with the requestId also in X-Request-Id, when no key is sent', async () => {
    const response = await t.http.get('/v1/api-keys').expect(401);
    expect(response.body).toMatchObject({ success: false, code: 'UNAUTHORIZED', details: [] });
    expect(response.body.requestId).toMatch(/^req_/);
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  });

  it('answers 401 for a key it does not know', async () => {
    await t.as('acs_not-a-real-key-at-all-000000').get('/v1/api-keys').expect(401);
  });

  it('lets the admin list keys, and forbids payroll and finance keys from doing so', async () => {
    const payroll = await createKey(t, 'payroll');
    const finance = await createKey(t, 'finance');
    const forbidden = await t.as(payroll.secret).get('/v1/api-keys').expect(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    await t.as(finance.secret).get('/v1/api-keys').expect(403);
    const listed = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200);
    expect(listed.body.data.map((key: { role: string }) => key.role)).toEqual(expect.arrayContaining(['admin', 'payroll', 'finance']));
  });

  it('shows a new secret once and stores only a hash and a prefix', async () => {
    const created = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'export job', role: 'payroll' }).expect(201);
    expect(created.body.secret).toMatch(/^acs_/);
    expect(created.body.prefix).toBe(created.body.secret.slice(0, 12));
    const listed = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys?limit=100').expect(200);
    const shown = listed.body.data.find((key: { id: string }) => key.id === created.body.id);
    expect(shown).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(shown).not.toHaveProperty('hash');
  });

  it('refuses a revoked key with 401', async () => {
    const payroll = await createKey(t, 'payroll', 'to revoke');
    await t.as(payroll.secret).get('/v1/payroll-probe-unknown').expect(404);
    await t.as(TEST_ADMIN_KEY).delete(`/v1/api-keys/${payroll.id}`).expect(200);
    const refused = await t.as(payroll.secret).get('/v1/api-keys').expect(401);
    expect(refused.body.error).toMatch(/revoked/);
  });

  it('names the bad field in a 400', async () => {
    const response = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'x', role: 'superuser' }).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'role' })]);
    const badId = await t.as(TEST_ADMIN_KEY).delete('/v1/api-keys/not-a-uuid').expect(400);
    expect(badId.body.details).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    const badLimit = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys?limit=101').expect(400);
    expect(badLimit.body.details[0].field).toBe('limit');
  });

  it('writes mutating calls, successful or refused, to the audit log', async () => {
    const created = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'audited', role: 'finance' }).expect(201);
    await t.as(TEST_ADMIN_KEY).delete(`/v1/api-keys/${created.body.id}`).expect(200);
    const audit = await t.as(TEST_ADMIN_KEY).get(`/v1/audit?resource_type=api_key&resource_id=${created.body.id}`).expect(200);
    expect(audit.body.data.map((entry: { action: string; status_code: number }) => [entry.action, entry.status_code])).toEqual([
      ['DELETE /v1/api-keys/:id', 200],
      ['POST /v1/api-keys', 201],
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.secret);
    const payroll = await createKey(t, 'payroll', 'auditor');
    await t.as(payroll.secret).get('/v1/audit').expect(403);
  });

  it('replays the first response for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const plan = { name: 'Once', effective_from: '2031-01-01', roles: { closer: { rate: '0.1' } } };
    const first = await t.as(TEST_ADMIN_KEY).post('/v1/plans').set('Idempotency-Key', 'create-once-1').send(plan).expect(201);
    const replay = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/plans')
      .set('Idempotency-Key', 'create-once-1')
      .send({ roles: plan.roles, effective_from: plan.effective_from, name: plan.name })
      .expect(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const conflict = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/plans')
      .set('Idempotency-Key', 'create-once-1')
      .send({ ...plan, name: 'Twice' })
      .expect(409);
    expect(conflict.body.code).toBe('CONFLICT');
    const plans = await t.as(TEST_ADMIN_KEY).get('/v1/plans?limit=100').expect(200);
    expect(plans.body.data.filter((entry: { name: string }) => entry.name === 'Once')).toHaveLength(1);
  });

  it('creates a key once for a repeated Idempotency-Key but never replays its secret', async () => {
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'key-once').send({ name: 'once', role: 'finance' }).expect(201);
    const again = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'key-once').send({ name: 'once', role: 'finance' }).expect(409);
    expect(again.body).not.toHaveProperty('secret');
    const keys = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys?limit=100').expect(200);
    expect(keys.body.data.filter((key: { name: string }) => key.name === 'once')).toHaveLength(1);
  });

  it('releases the Idempotency-Key of a failed request so it can be retried', async () => {
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'retry-me').send({ name: 'x', role: 'bad' }).expect(400);
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'retry-me').send({ name: 'x', role: 'payroll' }).expect(201);
  });
});
