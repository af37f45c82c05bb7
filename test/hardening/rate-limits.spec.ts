import { DatabaseService } from '@app/persistence';
import { createKey, startTestApp, TestApp } from '../support/test-app';

/** Issue 10, "Rate limits": one budget per key across routes, health never throttled, wrong keys throttled per address. */
describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ API_RATE_LIMIT_PER_MINUTE: '12', AUTH_FAILURES_PER_MINUTE: '5' })));
  afterAll(() => t.close());

  it('gives a key N requests a minute across all routes together, then 429 with a standard Retry-After', async () => {
    const { secret } = await createKey(t, 'finance');
    const routes = ['/v1/calls', '/v1/statements', '/v1/plans', '/v1/runs'];
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++) statuses.push((await t.as(secret).get(routes[index % routes.length])).status);
    expect(statuses).toEqual(Array(12).fill(200));
    const refused = await t.as(secret).get('/v1/sync/runs');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, code: 'RATE_LIMITED', requestId: refused.headers['x-request-id'] });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('never throttles /health or /health/ready', async () => {
    for (let index = 0; index < 60; index++) {
      await t.http.get('/health').expect(200);
      await t.http.get('/health/ready').expect(200);
    }
  });

  it('throttles a burst of wrong keys per client address, audits the refusals, and answers before looking the key up', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) statuses.push((await t.http.get('/v1/calls').set('Authorization', `Bearer wrong-key-${index}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await t.http.get('/v1/calls').set('Authorization', 'Bearer wrong-again');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Someone else's guessing from the same address (a NAT, a load balancer) never locks out a valid key.
    const { secret } = await createKey(t, 'finance');
    await t.as(secret).get('/v1/statements').expect(200);
    const refusals = await t.app.get(DatabaseService).client.auditEntry.findMany({ where: { resourceType: 'access', statusCode: 401 } });
    expect(refusals).toHaveLength(5);
    expect(refusals[0]).toMatchObject({ action: 'GET /v1/calls', actorKeyId: null });
  });
});
