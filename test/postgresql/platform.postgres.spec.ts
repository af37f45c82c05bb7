import { startService } from '../support/service-process';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { createKey, startTestApp, TEST_ADMIN_KEY } from '../support/test-app';

describeOnPostgres('platform on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createScratchDatabase();
  });
  afterAll(() => database.drop());

  it('migrates on the first start, applies nothing on the second, and reports PostgreSQL as ready', async () => {
    const first = await startService({ DATABASE_URL: database.url });
    await first.stop();
    expect(first.output()).toMatch(/Applied \d+ migration\(s\) to PostgreSQL/);

    const second = await startService({ DATABASE_URL: database.url });
    try {
      expect(await second.waitForOutput(/is up to date; no migration applied/)).toMatch(/PostgreSQL \(.*\) is up to date; no migration applied/);
      const ready = await (await fetch(`${second.url}/health/ready`)).json();
      expect(ready).toMatchObject({ status: 'ready', database: { kind: 'postgresql', migrations: { pending: [], up_to_date: true } } });
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('enforces keys, roles, revocation and idempotency the same way as on the embedded database', async () => {
    const t = await startTestApp({ DATABASE_URL: database.url });
    try {
      await t.http.get('/v1/api-keys').expect(401);
      const payroll = await createKey(t, 'payroll');
      await t.as(payroll.secret).get('/v1/api-keys').expect(403);
      await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200);
      await t.as(TEST_ADMIN_KEY).delete(`/v1/api-keys/${payroll.id}`).expect(200);
      await t.as(payroll.secret).get('/v1/api-keys').expect(401);

      const body = { name: 'concurrent', role: 'finance' };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Idempotency-Key', 'pg-concurrent').send(body)),
      );
      const created = answers.filter((answer) => answer.status === 201);
      expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
      expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
