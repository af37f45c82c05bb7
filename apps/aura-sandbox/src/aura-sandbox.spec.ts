/**
 * The local Aura over HTTP: the seed contract (auth, filters, limits, cursors,
 * error envelope), rate-limit headers, faults, admin endpoints, and the
 * generated data set.
 */
import { AuraSandbox, createAuraSandbox } from './index';

const NOW = '2026-05-15T12:00:00Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

function api(sandbox: AuraSandbox) {
  const auth = { authorization: `Bearer ${sandbox.apiKey}` };
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...auth, 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: Json = {};
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = { text };
    }
    return { status: response.status, headers: response.headers, body };
  };
}

function expectEnvelope(body: Json, code: string) {
  expect(body).toEqual({ success: false, code, error: expect.any(String), requestId: expect.stringMatching(/^req_[0-9a-f]+$/) });
}

describe('aura sandbox contract', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 500, seed: 3, now: NOW, rateLimit: { perMinute: null } });
    call = api(sandbox);
  });
  afterAll(() => sandbox.close());

  it('answers /health without a key', async () => {
    const response = await fetch(`${sandbox.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'Bearer aura_pk_live_nope' }],
    ['a non-Bearer scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
  ])('refuses /v1 with %s: 401 envelope, requestId echoed in X-Request-Id', async (_name, headers) => {
    const response = await fetch(`${sandbox.url}/v1/calls`, { headers });
    const body = (await response.json()) as Json;
    expect(response.status).toBe(401);
    expectEnvelope(body, 'UNAUTHORIZED');
    expect(response.headers.get('x-request-id')).toBe(body['requestId']);
  });

  it('refuses /admin without the key', async () => {
    const response = await fetch(`${sandbox.url}/admin/stats`);
    expect(response.status).toBe(401);
  });

  it('lists 50 calls by default, up to 100 on request, in the documented shape', async () => {
    const byDefault = await call('/v1/calls');
    expect(byDefault.status).toBe(200);
    expect(Object.keys(byDefault.body).sort()).toEqual(['data', 'pagination']);
    expect(byDefault.body['data']).toHaveLength(50);
    expect(byDefault.body['pagination']).toEqual({ has_more: true, next_cursor: expect.any(String) });
    const hundred = await call('/v1/calls?limit=100');
    expect(hundred.body['data']).toHaveLength(100);
    const last = await call('/v1/calls?limit=100&is_upcoming=true');
    expect(last.body['pagination']).toEqual({ has_more: false, next_cursor: null });
  });

  it.each([
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=-1', 'limit'],
    ['cursor=not-a-cursor!', 'cursor'],
    [`cursor=${Buffer.from('{"x":1}').toString('base64url')}`, 'cursor'],
    ['closer_id=7c9e6679-7425-40de-944b-e07fc1f90ae7', 'closer_id'],
    ['setter_id=user-123', 'setter_id'],
    ['lead_id=user_2abc', 'lead_id'],
    ['booking_link_id=123', 'booking_link_id'],
    ['is_upcoming=yes', 'is_upcoming'],
  ])('answers %s with a 400 VALIDATION_FAILED envelope', async (query, field) => {
    const response = await call(`/v1/calls?${query}`);
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
    expect(response.body['error']).toContain(field);
  });

  it('gets one call as { success, data } and a missing one as a 404 envelope', async () => {
    const id = sandbox.store.ids()[7];
    const found = await call(`/v1/calls/${id}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ success: true, data: sandbox.store.get(id) });
    const missing = await call('/v1/calls/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectEnvelope(missing.body, 'NOT_FOUND');
  });

  it('answers an undecodable id with a 404 envelope', async () => {
    const response = await call('/v1/calls/%E0%A4%A');
    expect(response.status).toBe(404);
    expectEnvelope(response.body, 'NOT_FOUND');
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const response = await call('/v1/payments');
    expect(response.status).toBe(404);
    expectEnvelope(response.body, 'NOT_FOUND');
  });

  it('sends no X-RateLimit headers when no limit is set', async () => {
    const response = await call('/v1/calls?limit=1');
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('keeps a cursor valid after the record it points at is deleted', async () => {
    const first = await call('/v1/calls?limit=10');
    const cursor = (first.body['pagination'] as Json)['next_cursor'] as string;
    const ids = sandbox.store.ids();
    const tenth = ids[9];
    const removed = sandbox.store.get(tenth);
    sandbox.store.delete(tenth);
    const second = await call(`/v1/calls?limit=10&cursor=${cursor}`);
    expect((second.body['data'] as Json[]).map((r) => r['id'])).toEqual(ids.slice(10, 20));
    sandbox.store.insert(removed);
  });
});

describe('aura sandbox admin endpoints', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;

  beforeEach(async () => {
    sandbox = await createAuraSandbox({ calls: 200, seed: 4, now: NOW, rateLimit: { perMinute: null } });
    call = api(sandbox);
  });
  afterEach(() => sandbox.close());

  it('PATCH merges fields, bumps updated_at, and the change shows in /v1', async () => {
    const closed = (sandbox.store.all() as Json[]).find((r) => r['status'] === 'closed' && r['linked_payment_id'])!;
    const id = closed['id'] as string;
    const patched = await call(`/admin/calls/${id}`, {
      method: 'PATCH',
      body: { status: 'refunded', expected_deal_value: 123400, linked_payment_id: null, custom_flag: true },
    });
    expect(patched.status).toBe(200);
    const after = (await call(`/v1/calls/${id}`)).body['data'] as Json;
    expect(after).toMatchObject({ status: 'refunded', expected_deal_value: 123400, linked_payment_id: null, custom_flag: true });
    expect(Date.parse(after['updated_at'] as string)).toBeGreaterThan(Date.parse(closed['updated_at'] as string));
    expect(after['created_at']).toBe(closed['created_at']);
  });

  it('DELETE removes a call; a second DELETE is a 404', async () => {
    const id = sandbox.store.ids()[0];
    expect((await call(`/admin/calls/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/v1/calls/${id}`)).status).toBe(404);
    expect((await call(`/admin/calls/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect(sandbox.store.size).toBe(199);
  });

  it('POST inserts raw records as-is, malformed ones included; a duplicate id is a 409', async () => {
    const raw = { id: 'raw-1', expected_deal_value: 'abc', created_at: '2026-05-01T00:00:00Z', extra: { a: 1 } };
    expect((await call('/admin/calls', { method: 'POST', body: raw })).status).toBe(201);
    expect((await call('/admin/calls', { method: 'POST', body: 'garbage' })).status).toBe(201);
    expect((await call('/admin/calls', { method: 'POST', body: { status: 'closed' } })).status).toBe(201);
    expect((await call('/admin/calls', { method: 'POST', body: raw })).status).toBe(409);
    expect((await call('/v1/calls/raw-1')).body['data']).toEqual(raw);
    const everything: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`/v1/calls?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      everything.push(...(page.body['data'] as unknown[]));
      cursor = (page.body['pagination'] as Json)['next_cursor'] as string | null;
    } while (cursor);
    expect(everything).toHaveLength(203);
    expect(everything).toContain('garbage');
    expect(everything).toContainEqual({ status: 'closed' });
    expect(everything).toContainEqual(raw);
  });

  it('PUT /admin/faults and /admin/rate-limit change behaviour; GET /admin/stats reports it', async () => {
    const faults = await call('/admin/faults', { method: 'PUT', body: { rate5xx: 1 } });
    expect(faults.body['data']).toMatchObject({ rate5xx: 1, rate429: 0, serverErrorStatuses: [500] });
    const failing = await call('/v1/calls?limit=1');
    expect(failing.status).toBe(500);
    expectEnvelope(failing.body, 'INTERNAL');
    sandbox.setFaults({ serverErrorStatuses: [502] });
    const gateway = await call('/v1/calls?limit=1');
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toMatch(/^text\/html/);
    sandbox.setFaults({ serverErrorStatuses: [500] });
    await call('/admin/faults', { method: 'PUT', body: { rate5xx: 0, rate429: 1 } });
    const throttled = await call('/v1/calls?limit=1');
    expect(throttled.status).toBe(429);
    expectEnvelope(throttled.body, 'RATE_LIMITED');
    expect(throttled.headers.get('retry-after')).toBe('1');
    await call('/admin/faults', { method: 'PUT', body: { rate429: 0 } });

    const limited = await call('/admin/rate-limit', { method: 'PUT', body: { perMinute: 2 } });
    expect(limited.body['data']).toEqual({ perMinute: 2, timeScale: 1 });
    const stats = await call('/admin/stats');
    expect(stats.body['data']).toMatchObject({
      requests: 3,
      byStatus: { 500: 1, 502: 1, 429: 1 },
      windowLimit: 2,
      injected: { throttled: 1, serverErrors: 2 },
    });

    expect((await call('/admin/faults', { method: 'PUT', body: { rate429: 2 } })).status).toBe(400);
    expect((await call('/admin/faults', { method: 'PUT', body: { malformedShare: 0.1 } })).status).toBe(400);
    expect((await call('/admin/faults', { method: 'PUT', body: { serverErrorStatuses: [418] } })).status).toBe(400);
    expect((await call('/admin/rate-limit', { method: 'PUT', body: { perMinute: -1 } })).status).toBe(400);
  });

  it('adds latency when asked', async () => {
    sandbox.setFaults({ latencyMs: 120 });
    const started = Date.now();
    await call('/v1/calls?limit=1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('aura sandbox rate limit', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 50, seed: 2, now: NOW });
    call = api(sandbox);
  });
  afterAll(() => sandbox.close());

  it('advertises 100 requests per minute by default, as Aura documents', async () => {
    const response = await call('/v1/calls?limit=1');
    expect(response.headers.get('x-ratelimit-limit')).toBe('100');
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('counts down X-RateLimit-Remaining and refuses with 429 + Retry-After beyond the limit', async () => {
    sandbox.setRateLimit({ perMinute: 3, timeScale: 30 }); // a two-second window
    // Start at the beginning of a window so the four requests share it.
    const windowMs = 2000;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 20));
    sandbox.resetStats();
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await call('/v1/calls?limit=1'));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(responses.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(new Set(responses.map((r) => r.headers.get('x-ratelimit-reset'))).size).toBe(1);
    const retryAfter = Number(responses[3].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expectEnvelope(responses[3].body, 'RATE_LIMITED');
    expect(sandbox.stats()).toMatchObject({ rateLimited: 1, maxRequestsInAnyWindow: 4, windowLimit: 3 });

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 20));
    expect((await call('/v1/calls?limit=1')).status).toBe(200);
  });
});

describe('aura sandbox data set', () => {
  let sandbox: AuraSandbox;
  let records: Json[];

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 2000, now: NOW, rateLimit: { perMinute: null }, faults: { malformedShare: 0.01 } });
    records = sandbox.store.all() as Json[];
  });
  afterAll(() => sandbox.close());

  it('is deterministic for a seed and clock, and differs for another seed', async () => {
    const again = await createAuraSandbox({ calls: 2000, now: NOW, faults: { malformedShare: 0.01 } });
    const other = await createAuraSandbox({ calls: 2000, now: NOW, seed: 2 });
    try {
      expect(again.store.all()).toEqual(records);
      expect(other.store.ids()).not.toEqual(sandbox.store.ids());
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('does not change the rest of the data when malformed records are turned on', async () => {
    const clean = await createAuraSandbox({ calls: 2000, now: NOW });
    try {
      const malformed = new Set(sandbox.dataset.malformed.map((m) => m.originalId));
      const cleanRecords = (clean.store.all() as Json[]).filter((r) => !malformed.has(r['id'] as string));
      const rest = records.filter((r) => r['id'] !== undefined && !malformed.has(r['id'] as string));
      expect(rest).toEqual(cleanRecords);
    } finally {
      await clean.close();
    }
  });

  it('spans the requested months, ending the month before the clock', () => {
    // Six months by default: November to April.
    expect(sandbox.dataset.from).toBe('2025-11-01T00:00:00.000Z');
    expect(sandbox.dataset.to).toBe('2026-05-01T00:00:00.000Z');
    const past = records.filter((r) => (r['status'] ?? r['outcome']) !== 'scheduled');
    for (const r of past) {
      expect(r['scheduled_at'] as string >= '2025-11-01').toBe(true);
      expect(r['scheduled_at'] as string < '2026-05-01').toBe(true);
    }
  });

  it('looks like a real sales team: ids, statuses, payments, setters, money, UTM mix', () => {
    const status = (r: Json) => (r['status'] ?? r['outcome']) as string;
    const malformed = new Set(sandbox.dataset.malformed.map((m) => m.originalId));
    const good = records.filter((r) => typeof r['id'] === 'string' && !malformed.has(r['id']));
    for (const r of good) {
      expect(r['id']).toMatch(UUID);
      expect(r['lead_id']).toMatch(UUID);
      expect(r['product_id']).toMatch(UUID);
      expect(r['booking_link_id']).toMatch(UUID);
      expect(r['closer_id']).toMatch(/^user_[A-Za-z0-9]+$/);
      if (r['setter_id'] !== null) expect(r['setter_id']).toMatch(/^user_[A-Za-z0-9]+$/);
      expect(r['created_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    const past = records.filter((r) => status(r) !== 'scheduled');
    const closed = past.filter((r) => status(r) === 'closed');
    const counts = new Map<string, number>();
    for (const r of past) counts.set(status(r), (counts.get(status(r)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(closed.length);
    expect([...counts.keys()].sort()).toEqual(['canceled', 'closed', 'completed', 'no_show']);
    const unpaid = closed.filter((r) => r['linked_payment_id'] === null);
    expect(unpaid.length).toBeGreaterThan(0);
    expect(unpaid.length).toBeLessThan(closed.length * 0.3);

    const values = good.map((r) => r['expected_deal_value']).filter((v) => v !== null) as number[];
    expect(values.every((v) => Number.isInteger(v) && v >= 100_000 && v <= 3_000_000)).toBe(true);
    expect(good.some((r) => r['expected_deal_value'] === null)).toBe(true);

    expect(good.some((r) => r['setter_id'] === null)).toBe(true);
    expect(good.some((r) => r['setter_id'] === r['closer_id'])).toBe(true);
    const people = new Set(good.flatMap((r) => [r['closer_id'], r['setter_id']]).filter(Boolean));
    expect(people.size).toBe(40);

    const upcoming = records.filter((r) => Date.parse(r['scheduled_at'] as string) > Date.parse(NOW));
    expect(upcoming.length).toBe(100);
    expect(upcoming.every((r) => status(r) === 'scheduled' && Date.parse(r['created_at'] as string) < Date.parse(NOW))).toBe(true);

    const sources = new Set(records.map((r) => r['utm_source']));
    expect(sources).toEqual(new Set(['google', 'facebook', 'instagram', 'youtube', 'newsletter', null]));
    expect(records.some((r) => 'outcome' in r && !('status' in r) && typeof r['organization_id'] === 'string')).toBe(true);
  });

  it('makes the malformed share out of the kinds a client must quarantine, most findable by id', async () => {
    const { malformed } = sandbox.dataset;
    expect(malformed).toHaveLength(20);
    expect(new Set(malformed.map((m) => m.kind))).toEqual(
      new Set(['missing_id', 'deal_value_text', 'deal_value_negative', 'deal_value_fraction', 'ended_at_not_a_date']),
    );
    const withIds = malformed.filter((m) => m.id !== null);
    expect(withIds).toHaveLength(16);
    const call = api(sandbox);
    for (const m of withIds) {
      const found = (await call(`/v1/calls/${m.id}`)).body['data'] as Json;
      if (m.kind === 'deal_value_text') expect(found['expected_deal_value']).toBe('abc');
      if (m.kind === 'deal_value_negative') expect(found['expected_deal_value']).toBe(-5);
      if (m.kind === 'deal_value_fraction') expect(found['expected_deal_value']).toBe(12.5);
      if (m.kind === 'ended_at_not_a_date') expect(found['ended_at']).toBe('not-a-date');
    }
    expect(records.filter((r) => !('id' in r))).toHaveLength(4);
  });

  it('defaults endMonth to the month before the real clock when no clock is given', async () => {
    const live = await createAuraSandbox({ calls: 10 });
    try {
      const now = new Date();
      const expected = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).getTime();
      expect(Date.parse(live.dataset.to)).toBeLessThanOrEqual(expected);
    } finally {
      await live.close();
    }
  });
});

describe('aura sandbox throughput', () => {
  it('pages 20,000 calls at limit 100 at thousands of calls per second', async () => {
    const sandbox = await createAuraSandbox({ calls: 20_000, now: NOW, rateLimit: { perMinute: null } });
    try {
      const auth = { authorization: `Bearer ${sandbox.apiKey}` };
      let cursor: string | null = null;
      let count = 0;
      const started = performance.now();
      do {
        const response = await fetch(`${sandbox.url}/v1/calls?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
        const body = (await response.json()) as { data: unknown[]; pagination: { next_cursor: string | null } };
        count += body.data.length;
        cursor = body.pagination.next_cursor;
      } while (cursor);
      const perSecond = count / ((performance.now() - started) / 1000);
      expect(count).toBe(20_000);
      expect(perSecond).toBeGreaterThan(2_000);
    } finally {
      await sandbox.close();
    }
  });
});
