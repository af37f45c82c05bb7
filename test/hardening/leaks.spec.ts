import { loadConfiguration } from '@app/configuration';
import { DatabaseService } from '@app/persistence';
import { copyOfTemplate } from '../support/pglite-template';
import { startService } from '../support/service-process';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/** Issue 10, "Leaks and gaps": each finding, the way a caller or an operator would meet it. */
describe('leaks and gaps', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());
  const db = () => t.app.get(DatabaseService).client;

  it("never keeps or replays a new key's secret through Idempotency-Key", async () => {
    const first = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/api-keys')
      .set('Idempotency-Key', 'create-key-1')
      .send({ name: 'payroll bot', role: 'payroll' })
      .expect(201);
    expect(first.body.secret).toMatch(/^acs_/);
    const stored = await db().idempotencyRecord.findMany();
    expect(JSON.stringify(stored.map((record) => record.responseBody))).not.toContain(first.body.secret);
    const replay = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'create-key-1').send({ name: 'payroll bot', role: 'payroll' });
    expect(replay.status).toBe(409);
    expect(JSON.stringify(replay.body)).not.toContain(first.body.secret);
    expect(replay.body.details).toEqual([{ id: first.body.id }]);
  });

  it('forgets idempotency records past IDEMPOTENCY_TTL_HOURS: the key may be used again', async () => {
    await t.as(TEST_ADMIN_KEY).post('/v1/sync').set('Idempotency-Key', 'old-key').send({}).expect(409); // sync is off: released, nothing kept
    await db().idempotencyRecord.create({
      data: {
        apiKeyId: (await db().apiKey.findFirstOrThrow({ where: { role: 'admin' } })).id,
        key: 'old-key',
        method: 'POST',
        path: '/v1/api-keys',
        requestHash: 'x',
        state: 'completed',
        statusCode: 201,
        responseBody: {},
        createdAt: new Date(Date.now() - 48 * 3_600_000),
      },
    });
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'old-key').send({ name: 'another', role: 'finance' }).expect(201);
  });

  it('never lets an audited write happen without its audit row', async () => {
    const keysBefore = await db().apiKey.count();
    // A body the audit could not store used to create the key and lose the row; now the row is written first, storably.
    const surrogate = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Content-Type', 'application/json').send('{"name":"\\ud800 admin","role":"admin"}');
    expect(surrogate.status).toBe(400);
    const row = await db().auditEntry.findFirst({ where: { requestId: surrogate.headers['x-request-id'] } });
    expect(row).toMatchObject({ action: 'POST /v1/api-keys', statusCode: 400 });
    // When the audit row cannot be written at all, the write does not happen.
    await db().$executeRawUnsafe('ALTER TABLE audit_entries ADD CONSTRAINT audit_refuses CHECK (false) NOT VALID');
    try {
      const refused = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'untraced admin', role: 'admin' });
      expect(refused.status).toBe(500);
    } finally {
      await db().$executeRawUnsafe('ALTER TABLE audit_entries DROP CONSTRAINT audit_refuses');
    }
    expect(await db().apiKey.count()).toBe(keysBefore);
  });

  it('audits a 403 with who tried what', async () => {
    const { secret, id } = await createKey(t, 'payroll');
    await t.as(secret).post('/v1/runs').send({ period: '2026-10' }).expect(403);
    const refusal = await db().auditEntry.findFirst({ where: { resourceType: 'access', statusCode: 403, actorKeyId: id } });
    expect(refusal).toMatchObject({ action: 'POST /v1/runs', actorRole: 'payroll' });
  });

  it('marks responses uncacheable and nosniff, and gives /docs a Content-Security-Policy', async () => {
    const keys = await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200);
    expect(keys.headers['cache-control']).toBe('no-store');
    expect(keys.headers['x-content-type-options']).toBe('nosniff');
    const docs = await t.http.get('/docs/').redirects(1);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it("tells a payroll key nothing about a draft, not even through mark-paid's answer", async () => {
    const { secret } = await createKey(t, 'payroll');
    const draft = await db().statement.create({
      data: {
        payeeId: 'user_2draft',
        period: '2026-10',
        currency: 'USD',
        status: 'draft',
        commissionTotal: '1.00',
        adjustmentTotal: '0',
        total: '1.00',
        hash: 'h'.repeat(64),
      },
    });
    const get = await t.as(secret).get(`/v1/statements/${draft.id}`);
    const markPaid = await t.as(secret).post(`/v1/statements/${draft.id}/mark-paid`).send({ payroll_reference: 'PAY-1' });
    expect([get.status, markPaid.status]).toEqual([404, 404]);
    expect(markPaid.body.error).toBe(get.body.error);
  });

  it('refuses approve {"hash": null} with a 400 naming hash, and the same out-of-range periods everywhere', async () => {
    const draft = await db().statement.findFirstOrThrow({ where: { status: 'draft' } });
    const approve = await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${draft.id}/approve`).send({ hash: null }).expect(400);
    expect(approve.body.details.length).toBeGreaterThan(0);
    expect(approve.body.details.every((detail: { field: string }) => detail.field === 'hash')).toBe(true);
    for (const period of ['0000-01', '9999-12', '1969-12']) {
      const run = await t.as(TEST_ADMIN_KEY).post('/v1/runs').send({ period });
      const preview = await t.as(TEST_ADMIN_KEY).post('/v1/plans/preview').send({ period, plan: {} });
      const approvePeriod = await t.as(TEST_ADMIN_KEY).post(`/v1/periods/${period}/approve`).send({});
      expect([period, run.status, approvePeriod.status]).toEqual([period, 400, 400]);
      expect(preview.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'period' })]));
    }
  });

  it('never prints a password from a malformed DATABASE_URL or AURA_API_URL', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfiguration(env);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const database = attempt({ DATABASE_URL: 'postgresql://app:s3cret-pw@db.internal:notaport/app' });
    const aura = attempt({ AURA_API_URL: 'https://partner:s3cret-pw@api aura.example' });
    expect(database).toContain('DATABASE_URL');
    expect(aura).toContain('AURA_API_URL');
    expect(`${database} ${aura}`).not.toContain('s3cret-pw');
  });

  it('revokes the old bootstrap admin key when ADMIN_API_KEY changes', async () => {
    const scratch = copyOfTemplate()!;
    try {
      const before = await startTestApp({ DATA_DIR: scratch.dataDir, ADMIN_API_KEY: 'first-admin-key-0123456789abcdef' });
      await before.as('first-admin-key-0123456789abcdef').get('/v1/api-keys').expect(200);
      await before.close();
      const after = await startTestApp({ DATA_DIR: scratch.dataDir, ADMIN_API_KEY: 'second-admin-key-0123456789abcdef' });
      try {
        await after.as('first-admin-key-0123456789abcdef').get('/v1/api-keys').expect(401);
        await after.as('second-admin-key-0123456789abcdef').get('/v1/api-keys').expect(200);
      } finally {
        await after.close();
      }
    } finally {
      scratch.remove();
    }
  });

  it('logs no key sent in X-API-Key or in the query string', async () => {
    const scratch = copyOfTemplate()!;
    const service = await startService({ DATA_DIR: scratch.dataDir, ADMIN_API_KEY: TEST_ADMIN_KEY, LOG_LEVEL: 'info' });
    try {
      await fetch(`${service.url}/v1/calls?api_key=query-secret-123&limit=1`, { headers: { 'X-API-Key': 'header-secret-456' } });
      await fetch(`${service.url}/v1/calls?token=query-secret-789`, { headers: { Authorization: 'Bearer bearer-secret-000' } });
      const output = await service.waitForOutput(/query-secret|token=\*\*\*/);
      expect(output).toContain('api_key=***');
      expect(output).not.toMatch(/query-secret|header-secret|bearer-secret/);
    } finally {
      await service.stop();
      scratch.remove();
    }
  });
});
