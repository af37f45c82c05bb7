import fc from 'fast-check';
import request from 'supertest';
import { DatabaseService } from '@app/persistence';
import { losslessJsonText } from '@app/untrusted-json';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/**
 * The API fuzz suite (issue 10): driven by /docs-json, for every operation
 * and every role, fast-check sends hostile path parameters, queries, headers
 * and bodies. Whatever arrives, the answer is never a 5xx, a refusal is the
 * error envelope with the X-Request-Id of its header, and a refused request
 * writes nothing (row counts of every table but the audit log, which
 * records refusals on purpose, are the same before and after).
 *
 * Seeded and replayable: FUZZ_SEED picks the seed (printed on failure with
 * the case), FUZZ_CASES the cases per operation. `npm test` runs 200 per
 * operation; `npm run fuzz` runs the long one.
 */
export interface FuzzOptions {
  seed: number;
  casesPerOperation: number;
  /** Run only operations whose index % of === index (FUZZ_SHARD=0/2): a long run split over processes. */
  shard?: { index: number; of: number };
}

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  pathParameters: string[];
  queryParameters: string[];
  hasBody: boolean;
}

const ROLES = ['admin', 'finance', 'payroll', 'none'] as const;
type Role = (typeof ROLES)[number];

const NUL = '\u0000';
const LONE = '\ud800';

/** Values a careless or hostile caller sends. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    NUL,
    `a${NUL}b`,
    LONE,
    `x${LONE}`,
    '\udc00',
    '😀',
    '../../etc/passwd',
    '%00',
    '%',
    '\\',
    "'; DROP TABLE calls; --",
    '<script>',
    '=cmd|',
    'null',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '9'.repeat(40),
    '__proto__',
    'constructor',
  ),
  fc.constantFrom(
    '2026-10',
    '0000-01',
    '9999-12',
    '2026-13',
    '2026-10-01',
    '2026-02-30',
    'user_2abc',
    '00000000-0000-0000-0000-000000000000',
    'c1f3e0e2-6f6e-4a57-9f2e-3b6c1d1f0a11',
  ),
  fc.integer({ min: 1, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

const forgedCursor = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  fc.constantFrom('', 'bm90IGpzb24', '%%%', Buffer.from('["2026-01-01T00:00:00Z","not-a-uuid"]').toString('base64url')),
);

/** encodeURIComponent, but a lone surrogate goes out as its WTF-8 bytes (what a hostile client can send), not a throw. */
function encode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let index = 0; index < levels; index++) value = { a: value };
  return value;
}

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'name', 'role', 'period', 'plan', 'hash', 'payroll_reference', 'effective_to', 'sync'),
    ),
    fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 }), fc.double(), fc.bigInt().map(String)),
    { maxKeys: 6 },
  ),
  fc.constantFrom<unknown>(
    null,
    [],
    {},
    { name: NUL, role: 'finance' },
    { name: LONE, role: 'admin' },
    { period: '0000-01' },
    { period: '2026-10', sync: 'yes' },
    { hash: null },
    { payroll_reference: LONE },
    { effective_to: '2026-02-30' },
    { period: '2026-10', plan: { roles: { ['x'.repeat(100_000)]: 1 } } },
  ),
  fc.integer({ min: 20, max: 3_000 }).map((levels) => deep(levels)),
);

interface FuzzCase {
  role: Role;
  pathValues: string[];
  query: [string, string][];
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };
  idempotencyKey: string | null;
}

function caseArbitrary(operation: Operation): fc.Arbitrary<FuzzCase> {
  const queryNames = [...operation.queryParameters, 'unknown_param', 'cursor'];
  return fc.record({
    role: fc.constantFrom(...ROLES),
    pathValues: fc.tuple(...operation.pathParameters.map(() => hostileText)).map((values) => values),
    query: fc.array(fc.tuple(fc.constantFrom(...queryNames), fc.oneof(hostileText, forgedCursor)), { maxLength: 4 }),
    body:
      operation.hasBody || operation.method !== 'get'
        ? fc.oneof(
            hostileJson.map((value) => ({ kind: 'json' as const, value })),
            fc.record({
              kind: fc.constant('raw' as const),
              text: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{"a":', '\u0000', '{"name":"\\ud800"}')),
              contentType: fc.constantFrom('application/json', 'application/json; charset=latin-9', 'text/plain', 'application/x-www-form-urlencoded'),
            }),
            fc.constant({ kind: 'none' as const }),
          )
        : fc.constant({ kind: 'none' as const }),
    idempotencyKey: fc.option(fc.oneof(hostileText, fc.constant('fuzz-key')), { nil: null }),
  });
}

function operationsOf(document: {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method as Operation['method'],
        path,
        pathParameters: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
        queryParameters: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return operations;
}

/** Row counts of every table the API writes, but the audit log (it records refusals on purpose). */
async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = [
    'api_keys',
    'idempotency_records',
    'calls',
    'payments',
    'plans',
    'payout_runs',
    'statements',
    'statement_lines',
    'sync_runs',
    'quarantined_records',
    'webhook_events',
  ];
  const rows = await t.app
    .get(DatabaseService)
    .client.$queryRawUnsafe<Record<string, bigint>[]>(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`).join(', ')}`);
  return Object.fromEntries(Object.entries(rows[0]).map(([table, count]) => [table, Number(count)]));
}

export function apiFuzzSuite(options: FuzzOptions): void {
  describe(`API fuzz (seed ${options.seed}, ${options.casesPerOperation} cases per operation)`, () => {
    let t: TestApp;
    const keys: Record<Role, string | null> = { admin: TEST_ADMIN_KEY, finance: null, payroll: null, none: null };
    let operations: Operation[] = [];

    beforeAll(async () => {
      t = await startTestApp();
      keys.finance = (await createKey(t, 'finance')).secret;
      keys.payroll = (await createKey(t, 'payroll')).secret;
      operations = operationsOf((await t.http.get('/docs-json').expect(200)).body);
    }, 120_000);
    afterAll(() => t?.close());

    it('finds the operations of /docs-json', () => {
      expect(operations.length).toBeGreaterThan(25);
    });

    it(
      'answers every hostile request of every operation and role without a 5xx, in the envelope, writing nothing it refused',
      async () => {
        for (const [index, operation] of operations.entries()) {
          if (options.shard && index % options.shard.of !== options.shard.index) continue;
          await fc.assert(
            fc.asyncProperty(caseArbitrary(operation), async (fuzz) => {
              let path = operation.path;
              operation.pathParameters.forEach((name, position) => (path = path.replace(`{${name}}`, encode(fuzz.pathValues[position]))));
              const query = fuzz.query.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
              const url = query ? `${path}?${query}` : path;
              const mutating = operation.method !== 'get';
              const before = mutating ? await rowCounts(t) : null;
              let call = request(t.app.getHttpServer())[operation.method](url);
              const key = keys[fuzz.role];
              if (key) call = call.set('Authorization', `Bearer ${key}`);
              if (fuzz.idempotencyKey !== null) call = call.set('Idempotency-Key', encode(fuzz.idempotencyKey).slice(0, 300));
              let response: request.Response;
              if (fuzz.body.kind === 'json') response = await call.set('Content-Type', 'application/json').send(JSON.stringify(fuzz.body.value) ?? 'null');
              else if (fuzz.body.kind === 'raw') response = await call.set('Content-Type', fuzz.body.contentType).send(fuzz.body.text);
              else response = await call;

              const sent =
                fuzz.body.kind === 'json'
                  ? losslessJsonText(fuzz.body.value).slice(0, 300)
                  : fuzz.body.kind === 'raw'
                    ? `${fuzz.body.contentType} ${JSON.stringify(fuzz.body.text)}`
                    : 'no body';
              const described = `${operation.method.toUpperCase()} ${url.slice(0, 300)} as ${fuzz.role} (body ${sent}, Idempotency-Key ${JSON.stringify(fuzz.idempotencyKey)}): ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
              if (response.status >= 500) throw new Error(`5xx: ${described}`);
              if (response.status >= 400) {
                const requestId = response.headers['x-request-id'];
                if (!(
                  response.body?.success === false &&
                  typeof response.body.code === 'string' &&
                  typeof response.body.error === 'string' &&
                  response.body.requestId === requestId &&
                  /^req_/.test(requestId)
                )) {
                  throw new Error(`not the envelope with the request id: ${described}`);
                }
                if (before) {
                  const after = await rowCounts(t);
                  if (JSON.stringify(after) !== JSON.stringify(before))
                    throw new Error(`a refused request wrote: ${described}\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
                }
              }
            }),
            {
              numRuns: options.casesPerOperation,
              seed: options.seed + index,
              endOnFailure: true,
              // fast-check's own report would print the case, and a case nested 3,000 deep overflows its printer.
              reporter: (details) => {
                if (details.failed)
                  throw new Error(
                    `seed ${options.seed + index}, path ${details.counterexamplePath}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
                  );
              },
            },
          );
        }
        // A budget, not a speed goal: the case count times a generous 3 s, so a loaded machine or a longer list of routes does not fail it.
      },
      options.casesPerOperation * 3_000,
    );
  });
}
