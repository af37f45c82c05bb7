import request from 'supertest';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/**
 * Input that used to end in a 500 (issue 10, "500s from input"): forged
 * cursors, a NUL or a lone surrogate in a filter, a path parameter or a
 * body field, and the body parsers' refusals. Each must be a 4xx in the
 * envelope, with the request id of the X-Request-Id header.
 */
const LISTS = [
  '/v1/audit',
  '/v1/sync/runs',
  '/v1/sync/quarantine',
  '/v1/api-keys',
  '/v1/statements',
  '/v1/calls',
  '/v1/runs',
  '/v1/plans',
  '/v1/webhooks/events',
];

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const FORGED = [
  cursorOf(['not-a-date', 'x']),
  cursorOf(['abc']),
  cursorOf([1.5]),
  cursorOf([{}]),
  cursorOf(['99999999999999999999999999']),
  cursorOf(['2026-01', 'x\u0000', 1]),
  cursorOf([]),
  cursorOf(['0000-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000']),
  'bm90IGpzb24',
  '%%%',
];

function expectEnvelope(response: request.Response, status: number, field?: string): void {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ success: false, requestId: response.headers['x-request-id'] });
  expect(response.headers['x-request-id']).toMatch(/^req_/);
  if (field) expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}

describe('hostile requests', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it.each(LISTS)('answers a forged cursor on %s with a 400 naming cursor', async (path) => {
    // A call id is any text, so ["abc"] is a cursor /v1/calls could have issued.
    const issuable = [cursorOf(['abc']), cursorOf(['99999999999999999999999999'])];
    for (const cursor of FORGED.filter((forged) => path !== '/v1/calls' || !issuable.includes(forged))) {
      const response = await t.as(TEST_ADMIN_KEY).get(`${path}?cursor=${encodeURIComponent(cursor)}`);
      expectEnvelope(response, 400, 'cursor');
    }
  });

  // (A lone surrogate cannot arrive in a URL: its UTF-8 does not decode. It can in a JSON body, below.)
  it.each([
    ['/v1/calls?closer_id=a%00b', 'closer_id'],
    ['/v1/calls?status=closed%00', 'status'],
    ['/v1/statements?payee_id=user_%00', 'payee_id'],
    ['/v1/audit?resource_type=x%00', 'resource_type'],
    ['/v1/calls/abc%00def', 'id'],
    ['/v1/webhooks/events?data_id=%00', 'data_id'],
  ])('refuses a NUL or a lone surrogate in %s with a 400 naming it', async (path, field) => {
    const response = await t.as(TEST_ADMIN_KEY).get(path);
    expectEnvelope(response, 400, field);
  });

  it('refuses a NUL or a lone surrogate in a body field, and deep nesting, with a 400, writing nothing', async () => {
    const before = (await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200)).body.data.length;
    const nul = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Content-Type', 'application/json').send('{"name":"a\\u0000b","role":"finance"}');
    expectEnvelope(nul, 400, 'name');
    const surrogate = await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').set('Content-Type', 'application/json').send('{"name":"\\ud800","role":"finance"}');
    expectEnvelope(surrogate, 400, 'name');
    const deep = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/plans')
      .set('Content-Type', 'application/json')
      .send(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    expectEnvelope(deep, 400);
    // A NUL before a 50,000-deep part, with an Idempotency-Key: the request hash must not walk it recursively.
    const deepWithKey = await t
      .as(TEST_ADMIN_KEY)
      .post('/v1/plans')
      .set('Idempotency-Key', 'deep-1')
      .set('Content-Type', 'application/json')
      .send(`{"name":"a\\u0000","zz":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    expectEnvelope(deepWithKey, 400);
    expect((await t.as(TEST_ADMIN_KEY).get('/v1/api-keys').expect(200)).body.data.length).toBe(before);
  });

  it.each([
    ['an unknown charset', { 'Content-Type': 'application/json; charset=latin-9' }, '{"name":"x","role":"finance"}', 'Content-Type'],
    [
      'an unknown Content-Encoding',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'compress-x' },
      '{"name":"x","role":"finance"}',
      'Content-Encoding',
    ],
    ['broken gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, 'this is not gzip at all', 'body'],
    ['broken JSON', { 'Content-Type': 'application/json' }, '{"name":', 'body'],
  ])('answers %s with a 4xx envelope carrying the request id', async (_what, headers, body, field) => {
    let call = request(t.app.getHttpServer()).post('/v1/api-keys').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
    for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
    const response = await call.send(body);
    expectEnvelope(response, 400, field);
  });
});
