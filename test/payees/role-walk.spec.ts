import request from 'supertest';
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { allPages, closerPlan, runPeriod, StatementBody } from '../payouts/payouts-helpers';

type Who = 'admin' | 'finance' | 'payroll' | 'payee A' | 'payee B' | 'no key';
const WHO: Who[] = ['admin', 'finance', 'payroll', 'payee A', 'payee B', 'no key'];
const SEP = '2026-09';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  roles: string[] | null;
  public: boolean;
}

/**
 * product.md "Payees", role payee: every route of /docs-json with every kind
 * of caller. A route answers 401 without a key (but for the public ones),
 * 403 to a role it does not declare (x-roles), and lets a declared role
 * through; payee A sees its own statements and calls, and anything of
 * payee B's is a 404, never a 403: nothing to enumerate.
 */
describe('the route × role walk', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  const keys: Partial<Record<Who, string>> = { admin: TEST_ADMIN_KEY };
  let payeeA: string;
  let payeeB: string;
  let statementA: StatementBody;
  let statementB: StatementBody;
  let callA: string;
  let callB: string;
  let operations: Operation[];

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 500, seed: 61, months: 2, endMonth: '2026-10', now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    keys.finance = (await createKey(t, 'finance')).secret;
    keys.payroll = (await createKey(t, 'payroll')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(TEST_ADMIN_KEY).post('/v1/plans').send(closerPlan()).expect(201);
    await runPeriod(t, TEST_ADMIN_KEY, SEP);
    const statements = await allPages<StatementBody>(t, TEST_ADMIN_KEY, `/v1/statements?period=${SEP}`);
    [statementA, statementB] = statements;
    [payeeA, payeeB] = [statementA.payee_id, statementB.payee_id];
    for (const [who, payee] of [
      ['payee A', payeeA],
      ['payee B', payeeB],
    ] as const) {
      keys[who] = (await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: who, role: 'payee', payee_id: payee }).expect(201)).body.secret;
    }
    const calls = await allPages<{ id: string; closer_id: string }>(t, TEST_ADMIN_KEY, `/v1/calls?period=${SEP}&commissionable=true`);
    callA = calls.find((call) => call.closer_id === payeeA)!.id;
    callB = calls.find((call) => call.closer_id === payeeB)!.id;
    const document = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[] }>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        // No x-roles: a route that declares no role, admin-only (the guard refuses by default).
        .map(([method, operation]) => ({
          method: method as Operation['method'],
          path,
          roles: operation['x-roles'] ?? ['admin'],
          public: !path.startsWith('/v1/') || path === '/v1/webhooks/aura',
        })),
    );
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  /** Payee B's resources wherever a route takes an id: what payee A must never see. */
  function concrete(path: string): string {
    return path
      .replace('/v1/statements/{id}', `/v1/statements/${statementB.id}`)
      .replace('/v1/calls/{id}', `/v1/calls/${callB}`)
      .replace('/v1/payees/{id}', `/v1/payees/${payeeB}`)
      .replace('{period}', SEP)
      .replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
  }

  it('finds every operation with its declared roles', () => {
    expect(operations.length).toBeGreaterThan(30);
    for (const operation of operations)
      if (!operation.public) expect([operation.path, operation.roles]).toEqual([operation.path, expect.arrayContaining(['admin'])]);
  });

  it('answers each caller as the matrix says: 401 without a key, 403 for an undeclared role, through for a declared one', async () => {
    const table: string[] = [];
    for (const operation of operations) {
      const row: string[] = [];
      for (const who of WHO) {
        let call = request(t.app.getHttpServer())[operation.method](concrete(operation.path));
        if (keys[who]) call = call.set('Authorization', `Bearer ${keys[who]}`);
        const { status } = await call.send(operation.method === 'get' || operation.method === 'delete' ? undefined : {});
        row.push(String(status));
        const role = who.startsWith('payee') ? 'payee' : who;
        const where = `${operation.method.toUpperCase()} ${operation.path} as ${who}: ${status}`;
        if (operation.public) {
          expect([where, status === 401 || status === 403]).toEqual([where, false]);
        } else if (who === 'no key') {
          expect([where, status]).toEqual([where, 401]);
        } else if (!operation.roles!.includes(role)) {
          expect([where, status]).toEqual([where, 403]);
        } else {
          expect([where, status === 401 || status === 403 || status >= 500]).toEqual([where, false]);
          // Payee A asking for payee B's statement or call: 404, as if it did not exist.
          if (who === 'payee A' && /\{id\}/.test(operation.path) && operation.method === 'get') expect([where, status]).toEqual([where, 404]);
        }
      }
      table.push(`| ${operation.method.toUpperCase()} ${operation.path} | ${row.join(' | ')} |`);
    }
    expect(table.length).toBe(operations.length);
  });

  it("gives payee A its own statements, calls and lines, and nothing of anyone else's", async () => {
    const listed = await allPages<StatementBody>(t, keys['payee A']!, '/v1/statements');
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((statement) => statement.payee_id === payeeA)).toBe(true);
    expect(await allPages<StatementBody>(t, keys['payee A']!, `/v1/statements?payee_id=${payeeB}`)).toEqual([]);
    await t.as(keys['payee A']!).get(`/v1/statements/${statementA.id}`).expect(200);
    await t.as(keys['payee A']!).get(`/v1/statements/${statementB.id}`).expect(404);
    const own = (await t.as(keys['payee A']!).get(`/v1/calls/${callA}`).expect(200)).body as { lines: { payee_id: string }[] };
    expect(own.lines.every((line) => line.payee_id === payeeA)).toBe(true);
    await t.as(keys['payee A']!).get(`/v1/calls/${callB}`).expect(404);
    const calls = await allPages<{ closer_id: string; setter_id: string | null }>(t, keys['payee A']!, '/v1/calls');
    expect(calls.every((call) => call.closer_id === payeeA || call.setter_id === payeeA)).toBe(true);
    await t.as(keys['payee A']!).get('/v1/runs').expect(403);
    await t.as(keys['payee A']!).get(`/v1/payroll/exports/${SEP}`).expect(403);
  });

  it('creates a payee key only with a payee_id, and a payee_id only for a payee key', async () => {
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'rep', role: 'payee' }).expect(400);
    await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'ops', role: 'finance', payee_id: payeeA }).expect(400);
  });
});
