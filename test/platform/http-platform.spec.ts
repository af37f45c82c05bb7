import { startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REQUEST_BODY_LIMIT: '2kb', API_RATE_LIMIT_PER_MINUTE: '40' });
  });
  afterAll(() => t.close());

  it('reports liveness and readiness with the database kind and migrations', async () => {
    await t.http.get('/health').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: { kind: 'pglite', reachable: true, migrations: { pending: [], up_to_date: true } } });
    expect(ready.body.database.migrations.applied).toBeGreaterThan(0);
  });

  it('answers malformed JSON with a 400 envelope naming the body', async () => {
    const response = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: [{ field: 'body' }] });
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/api-keys')
      .send({ name: 'x'.repeat(5000), role: 'admin' })
      .expect(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with a 404 envelope and keeps a sane incoming request id', async () => {
    const response = await t.as(TEST_ADMIN_KEY).get('/v1/nothing-here').set('X-Request-Id', 'client-trace-123').expect(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND', requestId: 'client-trace-123' });
    expect(response.headers['x-request-id']).toBe('client-trace-123');
  });

  it('serves the OpenAPI document', async () => {
    const response = await t.http.get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/v1/api-keys', '/health/ready']));
  });

  it('limits each key to its per-minute budget with a 429 envelope', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) statuses.push((await t.as(TEST_ADMIN_KEY).get('/v1/api-keys')).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    const limited = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(429);
    expect(limited.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    await t.http.get('/health').expect(200);
  });
});
