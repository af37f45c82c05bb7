/**
 * The local Aura over HTTP: the seed contract (auth, filters, limits, cursors,
 * error envelope), rate-limit headers, faults, admin endpoints, the
 * generated data set, payments and their changes, the team, and signed webhooks.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
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
    let body: Json;
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
    const response = await call('/v1/refunds');
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

  it('counts /v1/calls, /v1/payments and /v1/team against the one limit of the key', async () => {
    sandbox.setRateLimit({ perMinute: 4, timeScale: 30 }); // a two-second window
    const windowMs = 2000;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 20));
    const responses = [];
    for (const path of ['/v1/calls?limit=1', '/v1/payments?limit=1', `/v1/payments/${sandbox.payments.ids()[0]}`, '/v1/team?limit=1', '/v1/team']) {
      responses.push(await call(path));
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(responses.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['3', '2', '1', '0', '0']);
    expectEnvelope(responses[4].body, 'RATE_LIMITED');
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
      expect(again.payments.all()).toEqual(sandbox.payments.all());
      expect(other.store.ids()).not.toEqual(sandbox.store.ids());
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('keeps the calls byte-identical to the ones generated before payments existed', () => {
    // sha256 of the calls this seed, clock and malformedShare produced before payments were added.
    const hash = createHash('sha256').update(JSON.stringify(records)).digest('hex');
    expect(hash).toBe('1b57a43ef642959abc3403f50850142d41e3bd281a9f2524d70e9f1fcdb42e8a');
  });

  it('keeps the payments byte-identical to the ones generated before the team existed', () => {
    const hash = createHash('sha256').update(JSON.stringify(sandbox.payments.all())).digest('hex');
    expect(hash).toBe('8001150c66fa6384111f38af144c7df9e38c84c9e4483817905ee1e4f0e91b5d');
  });

  it('does not change the rest of the data when malformed records are turned on', async () => {
    const clean = await createAuraSandbox({ calls: 2000, now: NOW });
    try {
      const malformed = new Set(sandbox.dataset.malformed.map((m) => m.originalId));
      const cleanRecords = (clean.store.all() as Json[]).filter((r) => !malformed.has(r['id'] as string));
      const rest = records.filter((r) => r['id'] !== undefined && !malformed.has(r['id'] as string));
      expect(rest).toEqual(cleanRecords);
      expect(clean.payments.all()).toEqual(sandbox.payments.all());
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
      expect((r['scheduled_at'] as string) >= '2025-11-01').toBe(true);
      expect((r['scheduled_at'] as string) < '2026-05-01').toBe(true);
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

describe('aura sandbox payments', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;
  let payments: Json[];

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 2000, now: NOW, rateLimit: { perMinute: null } });
    call = api(sandbox);
    payments = sandbox.payments.all() as Json[];
  });
  afterAll(() => sandbox.close());

  async function listAll(query: string): Promise<Json[]> {
    const found: Json[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`/v1/payments?limit=100&${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      found.push(...(page.body['data'] as Json[]));
      cursor = (page.body['pagination'] as Json)['next_cursor'] as string | null;
    } while (cursor);
    return found;
  }

  it("resolves every closed call's linked_payment_id through GET /v1/payments/{id}, consistent with the call", async () => {
    const linked = (sandbox.store.all() as Json[]).filter((r) => typeof r['linked_payment_id'] === 'string');
    expect(linked.length).toBeGreaterThan(500);
    expect(linked.every((r) => (r['status'] ?? r['outcome']) === 'closed')).toBe(true);
    const price = new Map(sandbox.dataset.products.map((p) => [p.id, p.priceCents]));
    for (const r of linked) {
      const response = await call(`/v1/payments/${r['linked_payment_id']}`);
      expect(response.status).toBe(200);
      expect(response.body['success']).toBe(true);
      const payment = response.body['data'] as Json;
      expect(payment).toMatchObject({
        id: r['linked_payment_id'],
        call_id: r['id'],
        lead_id: r['lead_id'],
        matched_product_id: r['product_id'],
        amount: r['expected_deal_value'] ?? price.get(r['product_id'] as string),
        source: payment['provider'],
      });
      expect(['usd', 'eur']).toContain(payment['currency']);
      const paidMs = Date.parse(payment['payment_date'] as string);
      const soldMs = Date.parse((r['ended_at'] ?? r['scheduled_at']) as string);
      expect(payment['payment_date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(paidMs).toBeGreaterThanOrEqual(soldMs);
      expect(paidMs).toBeLessThanOrEqual(Math.min(soldMs + 72 * 3_600_000, Date.parse(NOW)));
    }
    expect(sandbox.payments.size).toBe(linked.length);
    const missing = await call('/v1/payments/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectEnvelope(missing.body, 'NOT_FOUND');
    expect(missing.body['error']).toBe('Payment not found');
  });

  it('mixes every kind of payment: succeeded, pending, failed, refunded in full and in part, a few in eur', () => {
    const { payments: info } = sandbox.dataset;
    const count = (kind: string) => info.filter((p) => p.kind === kind).length;
    expect(count('succeeded') / info.length).toBeGreaterThan(0.7);
    for (const kind of ['pending', 'failed', 'refunded', 'partially_refunded']) expect(count(kind)).toBeGreaterThan(0);
    expect(info.some((p) => p.currency === 'eur')).toBe(true);

    const byId = new Map(payments.map((p) => [p['id'], p]));
    for (const { id, kind } of info) {
      const p = byId.get(id)!;
      const amount = p['amount'] as number;
      if (kind === 'refunded') {
        expect(p).toMatchObject({ status: 'refunded', refund_status: 'full', refunded_amount: amount });
        expect(Date.parse(p['refunded_at'] as string)).toBeGreaterThan(Date.parse(p['payment_date'] as string));
      } else if (kind === 'partially_refunded') {
        expect(p['refund_status']).toBe('partial');
        expect(p['refunded_amount']).toBeGreaterThanOrEqual(amount * 0.1);
        expect(p['refunded_amount']).toBeLessThanOrEqual(amount * 0.6);
        expect(Number.isInteger(p['refunded_amount'])).toBe(true);
      } else {
        expect(p).toMatchObject({ status: kind, refund_status: null, refunded_amount: null, refunded_at: null });
      }
    }
    const partial = info.filter((p) => p.kind === 'partially_refunded').map((p) => byId.get(p.id)!['status']);
    expect(Math.abs(partial.filter((s) => s === 'succeeded').length - partial.filter((s) => s === 'refunded').length)).toBeLessThanOrEqual(1);
    expect(new Set(payments.map((p) => p['provider']))).toEqual(new Set(['stripe', 'fanbasis', 'wop', 'manual']));
  });

  it('takes the mix and the foreign-currency share as options, and refuses bad ones', async () => {
    const allPending = await createAuraSandbox({ calls: 200, now: NOW, paymentMix: { pending: 1 }, paymentForeignCurrencyShare: 1 });
    try {
      expect(allPending.dataset.payments.length).toBeGreaterThan(0);
      expect(allPending.dataset.payments.every((p) => p.kind === 'pending' && p.currency === 'eur')).toBe(true);
      expect((allPending.payments.all() as Json[]).every((p) => p['status'] === 'pending')).toBe(true);
    } finally {
      await allPending.close();
    }
    await expect(createAuraSandbox({ paymentMix: { chargeback: 1 } as never })).rejects.toThrow(/paymentMix/);
    await expect(createAuraSandbox({ paymentMix: { failed: -1 } })).rejects.toThrow(/paymentMix\.failed/);
    await expect(createAuraSandbox({ paymentMix: {} })).rejects.toThrow(/paymentMix/);
    await expect(createAuraSandbox({ paymentForeignCurrencyShare: 2 })).rejects.toThrow(/paymentForeignCurrencyShare/);
  });

  it('pages /v1/payments in (created_at, id) order with cursors, 50 by default', async () => {
    const first = await call('/v1/payments');
    expect(Object.keys(first.body).sort()).toEqual(['data', 'pagination']);
    expect(first.body['data']).toHaveLength(50);
    expect(first.body['pagination']).toEqual({ has_more: true, next_cursor: expect.any(String) });
    const everything = await listAll('');
    expect(everything.map((p) => p['id'])).toEqual(sandbox.payments.ids());
    const keys = everything.map((p) => `${p['created_at']}|${p['id']}`);
    expect([...keys].sort()).toEqual(keys);
  });

  it('filters /v1/payments by status and lead_id', async () => {
    for (const status of ['succeeded', 'pending', 'failed', 'refunded']) {
      const found = await listAll(`status=${status}`);
      expect(found.length).toBe(payments.filter((p) => p['status'] === status).length);
      expect(found.every((p) => p['status'] === status)).toBe(true);
    }
    const leadId = payments[10]['lead_id'] as string;
    const byLead = await listAll(`lead_id=${leadId}`);
    expect(byLead.map((p) => p['id'])).toEqual(payments.filter((p) => p['lead_id'] === leadId).map((p) => p['id']));
    expect(byLead.length).toBeGreaterThan(0);
  });

  it('filters /v1/payments on payment_date: from_date inclusive, to_date exclusive', async () => {
    const from = '2026-02-01T00:00:00Z';
    const to = '2026-03-01T00:00:00Z';
    const [atFrom, atTo] = payments.filter((p) => p['status'] === 'succeeded').map((p) => p['id'] as string);
    sandbox.payments.update(atFrom, { payment_date: from });
    sandbox.payments.update(atTo, { payment_date: to });
    try {
      const found = await listAll(`from_date=${from}&to_date=${encodeURIComponent('2026-03-01T01:00:00+01:00')}`);
      const expected = (sandbox.payments.all() as Json[]).filter((p) => (p['payment_date'] as string) >= from && (p['payment_date'] as string) < to);
      expect(found.map((p) => p['id'])).toEqual(expected.map((p) => p['id']));
      expect(found.length).toBeGreaterThan(50);
      expect(found.map((p) => p['id'])).toContain(atFrom);
      expect(found.map((p) => p['id'])).not.toContain(atTo);
      const since = await listAll(`from_date=${to}&status=failed`);
      expect(since.every((p) => (p['payment_date'] as string) >= to && p['status'] === 'failed')).toBe(true);
    } finally {
      sandbox.payments.update(atFrom, { payment_date: payments.find((p) => p['id'] === atFrom)!['payment_date'] });
      sandbox.payments.update(atTo, { payment_date: payments.find((p) => p['id'] === atTo)!['payment_date'] });
    }
  });

  it.each([
    ['from_date=2026-02-30T00:00:00Z', 'from_date'],
    ['from_date=yesterday', 'from_date'],
    ['from_date=2026-02-01', 'from_date'],
    ['to_date=2026-02-01T00:00:00', 'to_date'],
    ['lead_id=abc', 'lead_id'],
    ['limit=101', 'limit'],
    ['cursor=nope!', 'cursor'],
  ])('answers /v1/payments?%s with a 400 VALIDATION_FAILED envelope naming it', async (query, field) => {
    const response = await call(`/v1/payments?${query}`);
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
    expect(response.body['error']).toContain(field);
  });

  it('needs the key and suffers the same injected faults as /v1/calls', async () => {
    const anonymous = await fetch(`${sandbox.url}/v1/payments`);
    expect(anonymous.status).toBe(401);
    sandbox.setFaults({ rate5xx: 1 });
    try {
      const failing = await call('/v1/payments?limit=1');
      expect(failing.status).toBe(500);
      expectEnvelope(failing.body, 'INTERNAL');
    } finally {
      sandbox.setFaults({ rate5xx: 0 });
    }
  });
});

describe('aura sandbox payment changes', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;

  beforeEach(async () => {
    sandbox = await createAuraSandbox({ calls: 300, seed: 5, now: NOW, rateLimit: { perMinute: null } });
    call = api(sandbox);
  });
  afterEach(() => sandbox.close());

  function paymentOf(kind: string): Json {
    const info = sandbox.dataset.payments.find((p) => p.kind === kind)!;
    return sandbox.payments.get(info.id) as Json;
  }

  it('refunds part, then the rest: partial keeps succeeded, full turns refunded; a third refund is a 409', async () => {
    const payment = paymentOf('succeeded');
    const id = payment['id'] as string;
    const amount = payment['amount'] as number;
    const part = Math.round(amount * 0.3);

    const partial = await call(`/admin/payments/${id}/refund`, {
      method: 'POST',
      body: { amount: part, refunded_at: '2026-05-10T09:30:00Z', reason: 'Moved to a cheaper plan.' },
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({ success: true, data: expect.any(Object) });
    expect(partial.body['data']).toMatchObject({
      status: 'succeeded',
      refund_status: 'partial',
      refunded_amount: part,
      refunded_at: '2026-05-10T09:30:00Z',
      refund_reason: 'Moved to a cheaper plan.',
      amount,
      payment_date: payment['payment_date'],
    });
    expect(Date.parse((partial.body['data'] as Json)['updated_at'] as string)).toBeGreaterThan(Date.parse(payment['updated_at'] as string));

    const full = await call(`/admin/payments/${id}/refund`, { method: 'POST' });
    expect(full.status).toBe(200);
    expect(full.body['data']).toMatchObject({
      status: 'refunded',
      refund_status: 'full',
      refunded_amount: amount,
      refunded_at: '2026-05-15T12:00:00Z',
      refund_reason: 'Moved to a cheaper plan.',
    });
    expect((await call(`/v1/payments/${id}`)).body['data']).toEqual(full.body['data']);

    const again = await call(`/admin/payments/${id}/refund`, { method: 'POST', body: { amount: 100 } });
    expect(again.status).toBe(409);
    expectEnvelope(again.body, 'CONFLICT');

    // A refund long after the payment does not move it into a recent payment_date window.
    const recent = await call(`/v1/payments?limit=100&from_date=2026-05-01T00:00:00Z`);
    expect((recent.body['data'] as Json[]).map((p) => p['id'])).not.toContain(id);
  });

  it('caps a refund at what remains, and refunds programmatically too', () => {
    const payment = paymentOf('partially_refunded');
    const id = payment['id'] as string;
    const refunded = sandbox.refundPayment(id, { amount: 10 * (payment['amount'] as number), refundedAt: new Date('2026-05-01T08:00:00Z') });
    expect(refunded).toMatchObject({ status: 'refunded', refund_status: 'full', refunded_amount: payment['amount'], refunded_at: '2026-05-01T08:00:00Z' });
    expect(sandbox.payments.get(id)).toEqual(refunded);
  });

  it.each([
    [{ amount: -5 }, 'amount'],
    [{ amount: 12.5 }, 'amount'],
    [{ amount: 'abc' }, 'amount'],
    [{ refunded_at: 'yesterday' }, 'refunded_at'],
    [{ reason: 42 }, 'reason'],
    [{ refundedAt: '2026-05-01T00:00:00Z' }, 'refundedAt'],
    [[1], 'body'],
  ])('refuses a refund of %j with a 400 naming %s', async (body, field) => {
    const id = paymentOf('succeeded')['id'] as string;
    const response = await call(`/admin/payments/${id}/refund`, { method: 'POST', body });
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
    expect(response.body['error']).toContain(field);
    expect(sandbox.payments.get(id)).toMatchObject({ refund_status: null });
  });

  it('refuses to refund a pending or failed payment (409) and an unknown one (404)', async () => {
    for (const kind of ['pending', 'failed']) {
      const response = await call(`/admin/payments/${paymentOf(kind)['id']}/refund`, { method: 'POST' });
      expect(response.status).toBe(409);
    }
    const missing = await call('/admin/payments/00000000-0000-4000-8000-000000000000/refund', { method: 'POST' });
    expect(missing.status).toBe(404);
    expectEnvelope(missing.body, 'NOT_FOUND');
  });

  it('settles a pending payment as succeeded or failed, over HTTP and programmatically', async () => {
    const pending = sandbox.dataset.payments.filter((p) => p.kind === 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(2);
    const succeeded = await call(`/admin/payments/${pending[0].id}/succeed`, { method: 'POST' });
    expect(succeeded.status).toBe(200);
    expect(succeeded.body['data']).toMatchObject({ id: pending[0].id, status: 'succeeded' });
    const failed = await call(`/admin/payments/${pending[1].id}/fail`, { method: 'POST' });
    expect(failed.body['data']).toMatchObject({ id: pending[1].id, status: 'failed' });
    expect(sandbox.succeedPayment(pending[1].id)).toMatchObject({ status: 'succeeded' });
    expect(sandbox.failPayment(pending[0].id)).toMatchObject({ status: 'failed' });
    expect(((await call(`/v1/payments/${pending[0].id}`)).body['data'] as Json)['status']).toBe('failed');
    expect((await call(`/admin/payments/${pending[0].id}/succeed`, { method: 'GET' })).status).toBe(405);
  });

  it('PATCH merges and bumps updated_at; POST inserts any JSON as-is; GET reads one', async () => {
    const payment = paymentOf('succeeded');
    const id = payment['id'] as string;
    const patched = await call(`/admin/payments/${id}`, { method: 'PATCH', body: { amount: 123400, currency: 'eur', call_id: null } });
    expect(patched.status).toBe(200);
    const after = (await call(`/admin/payments/${id}`)).body['data'] as Json;
    expect(after).toMatchObject({ amount: 123400, currency: 'eur', call_id: null, created_at: payment['created_at'] });
    expect(Date.parse(after['updated_at'] as string)).toBeGreaterThan(Date.parse(payment['updated_at'] as string));

    const raw = { id: 'pay-raw-1', amount: '12.50', currency: 'USD', created_at: '2026-05-01T00:00:00Z', extra: { a: 1 } };
    expect((await call('/admin/payments', { method: 'POST', body: raw })).status).toBe(201);
    expect((await call('/admin/payments', { method: 'POST', body: raw })).status).toBe(409);
    expect((await call('/v1/payments/pay-raw-1')).body['data']).toEqual(raw);
    expect((await call('/admin/payments/nope')).status).toBe(404);
  });
});

describe('aura sandbox team', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;
  let members: Json[];

  beforeEach(async () => {
    sandbox = await createAuraSandbox({ calls: 300, seed: 6, now: NOW, rateLimit: { perMinute: null } });
    call = api(sandbox);
    members = sandbox.team.all() as Json[];
  });
  afterEach(() => sandbox.close());

  async function listTeam(query: string): Promise<Json[]> {
    const found: Json[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`/v1/team?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      found.push(...(page.body['data'] as Json[]));
      cursor = (page.body['pagination'] as Json)['next_cursor'] as string | null;
    } while (cursor);
    return found;
  }

  it("lists the closers and setters in Aura's shape, paged in (created_at, id) order, 50 by default", async () => {
    const { closers, setters } = sandbox.dataset;
    expect(members).toHaveLength(closers.length + setters.length - sandbox.dataset.teamMissing.length);
    const first = await call('/v1/team');
    expect(first.body['data']).toHaveLength(members.length); // 36 of the default 40 people: one page
    expect(first.body['pagination']).toEqual({ has_more: false, next_cursor: null });

    const paged = await listTeam('limit=10');
    expect(paged).toEqual(members);
    expect(paged.map((m) => m['id'])).toEqual(sandbox.team.ids());
    const keys = paged.map((m) => `${m['created_at']}|${m['id']}`);
    expect([...keys].sort()).toEqual(keys);
    const page = await call('/v1/team?limit=10');
    expect(page.body['pagination']).toEqual({ has_more: true, next_cursor: expect.any(String) });

    const people = new Set([...closers, ...setters]);
    for (const member of paged) {
      expect(Object.keys(member).sort()).toEqual(['created_at', 'email', 'id', 'name', 'role', 'updated_at']);
      expect(people.has(member['id'] as string)).toBe(true);
      const [firstName, lastName] = (member['name'] as string).split(' ');
      expect(member['email']).toMatch(new RegExp(`^${firstName.toLowerCase()}\\.${lastName.toLowerCase()}\\d*@example\\.test$`));
      expect(member['created_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect((member['updated_at'] as string) >= (member['created_at'] as string)).toBe(true);
      expect((member['created_at'] as string) < sandbox.dataset.from).toBe(true);
    }
    expect(new Set(paged.map((m) => m['email'])).size).toBe(paged.length);
  });

  it('leaves out the people Aura does not list (every ninth from the fifth), listed in dataset.teamMissing', async () => {
    const people = [...sandbox.dataset.closers, ...sandbox.dataset.setters];
    const missing = people.filter((_, index) => index % 9 === 4);
    expect(sandbox.dataset.teamMissing).toEqual(missing);
    expect(missing.length).toBeGreaterThan(0);
    const listed = new Set((await listTeam('limit=100')).map((m) => m['id']));
    expect(missing.some((id) => listed.has(id))).toBe(false);
    expect(people.filter((id) => !listed.has(id))).toEqual(missing);
    // Some of them sell or set: their calls name a person the team does not know.
    const callPeople = new Set((sandbox.store.all() as Json[]).flatMap((r) => [r['closer_id'], r['setter_id']]));
    expect(missing.some((id) => callPeople.has(id))).toBe(true);

    const small = await createAuraSandbox({ calls: 10, closers: 3, setters: 2, seed: 6, now: NOW });
    try {
      expect(small.dataset.teamMissing).toEqual([small.dataset.setters[1]]);
      expect(small.team.size).toBe(4);
    } finally {
      await small.close();
    }
  });

  it('filters by role: a couple of admins, the rest members', async () => {
    const admins = await listTeam('role=admin&limit=100');
    const plain = await listTeam('role=member&limit=10');
    expect(admins).toHaveLength(2);
    expect(admins.every((m) => m['role'] === 'admin')).toBe(true);
    expect(plain.every((m) => m['role'] === 'member')).toBe(true);
    expect(admins.length + plain.length).toBe(members.length);
    expect(admins.map((m) => m['id'])).toEqual(members.filter((m) => m['role'] === 'admin').map((m) => m['id']));
    expect(await listTeam('role=')).toEqual(members);
  });

  it.each([
    ['role=owner', 'role'],
    ['role=ADMIN', 'role'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['cursor=nope!', 'cursor'],
  ])('answers /v1/team?%s with a 400 VALIDATION_FAILED envelope naming it', async (query, field) => {
    const response = await call(`/v1/team?${query}`);
    expect(response.status).toBe(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
    expect(response.body['error']).toContain(field);
  });

  it('renames a member (updated_at bumped, shown by /v1/team) and removes one, in-process and over /admin/team', async () => {
    const [first, second, third] = members;
    const renamed = sandbox.renameTeamMember(first['id'] as string, 'Ada Lovelace');
    expect(renamed).toMatchObject({ id: first['id'], name: 'Ada Lovelace', email: first['email'], created_at: first['created_at'] });
    expect(Date.parse(renamed['updated_at'] as string)).toBeGreaterThan(Date.parse(first['updated_at'] as string));
    expect((await listTeam('limit=100')).find((m) => m['id'] === first['id'])).toEqual(renamed);
    expect(() => sandbox.renameTeamMember('user_nobody', 'X')).toThrow(/Team member not found/);

    const patched = await call(`/admin/team/${second['id']}`, { method: 'PATCH', body: { role: 'admin', title: 'Head of Sales' } });
    expect(patched.status).toBe(200);
    const read = (await call(`/admin/team/${second['id']}`)).body['data'] as Json;
    expect(read).toMatchObject({ role: 'admin', title: 'Head of Sales', name: second['name'] });
    expect(Date.parse(read['updated_at'] as string)).toBeGreaterThan(Date.parse(second['updated_at'] as string));
    expect((await listTeam('role=admin')).map((m) => m['id'])).toContain(second['id']);

    expect(sandbox.removeTeamMember(third['id'] as string)).toBe(true);
    expect(sandbox.removeTeamMember(third['id'] as string)).toBe(false);
    expect((await call(`/admin/team/${second['id']}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/admin/team/${second['id']}`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(`/admin/team/${second['id']}`)).status).toBe(404);
    expect((await call('/admin/team/user_nobody', { method: 'PATCH', body: { name: 'X' } })).status).toBe(404);
    const left = (await listTeam('limit=100')).map((m) => m['id']);
    expect(left).toHaveLength(members.length - 2);
    expect(left).not.toContain(second['id']);
    expect(left).not.toContain(third['id']);

    const raw = { id: 'user_2RawMember', name: 42, created_at: '2026-05-01T00:00:00Z' };
    expect((await call('/admin/team', { method: 'POST', body: raw })).status).toBe(201);
    expect((await call('/admin/team', { method: 'POST', body: raw })).status).toBe(409);
    expect((await listTeam('limit=100')).at(-1)).toEqual(raw);
  });

  it('is the same for a seed and clock, needs the key and suffers the faults of /v1', async () => {
    const again = await createAuraSandbox({ calls: 300, seed: 6, now: NOW });
    const other = await createAuraSandbox({ calls: 300, seed: 7, now: NOW });
    try {
      expect(again.team.all()).toEqual(members);
      expect(other.team.all()).not.toEqual(members);
    } finally {
      await again.close();
      await other.close();
    }
    expect((await fetch(`${sandbox.url}/v1/team`)).status).toBe(401);
    sandbox.setFaults({ rate5xx: 1 });
    try {
      const failing = await call('/v1/team?limit=1');
      expect(failing.status).toBe(500);
      expectEnvelope(failing.body, 'INTERNAL');
    } finally {
      sandbox.setFaults({ rate5xx: 0 });
    }
    expect(sandbox.stats().byStatus).toMatchObject({ 401: 1, 500: 1 });
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver on a free port; answers with `statuses` in turn, then 200. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/aura`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function hmac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

describe('aura sandbox webhooks', () => {
  let sandbox: AuraSandbox;
  let call: ReturnType<typeof api>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    // timeScale 100: retries after 10, 50 and 150 ms instead of 1, 5 and 15 s.
    sandbox = await createAuraSandbox({ calls: 300, seed: 6, now: NOW, rateLimit: { perMinute: null, timeScale: 100 } });
    call = api(sandbox);
  });
  afterEach(async () => {
    await sandbox.close();
    await receiver?.close();
  });

  it('sends payment and call changes, signed with the subscription secret, as Aura does', async () => {
    receiver = await startReceiver();
    const subscribed = await call('/admin/webhooks', { method: 'POST', body: { target_url: receiver.url, secret: 'whsec_test' } });
    expect(subscribed.status).toBe(201);
    expect(subscribed.body).toEqual({ success: true, data: { id: expect.any(String), target_url: receiver.url, secret: 'whsec_test' } });

    const pending = sandbox.dataset.payments.find((p) => p.kind === 'pending')!.id;
    const succeeded = sandbox.dataset.payments.find((p) => p.kind === 'succeeded')!.id;
    const callId = sandbox.store.ids()[3];
    await call(`/admin/payments/${pending}/succeed`, { method: 'POST' });
    await call(`/admin/payments/${succeeded}/refund`, { method: 'POST', body: { amount: 5000 } });
    await call(`/admin/payments/${pending}/fail`, { method: 'POST' });
    await call(`/admin/calls/${callId}`, { method: 'PATCH', body: { status: 'canceled' } });
    await sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(4);
    const events = receiver.received.map((r) => JSON.parse(r.body) as Json);
    expect(events.map((e) => [e['event'], (e['data'] as Json)['id']]).sort()).toEqual(
      [
        ['payment.succeeded', pending],
        ['payment.refunded', succeeded],
        ['payment.failed', pending],
        ['call.updated', callId],
      ].sort(),
    );
    for (const [index, r] of receiver.received.entries()) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-aura-signature']).toBe(hmac('whsec_test', r.body));
      expect(Object.keys(events[index]).sort()).toEqual(['created_at', 'data', 'event', 'organization_id']);
      expect(events[index]['organization_id']).toBe(sandbox.organizationId);
      expect(events[index]['created_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(sandbox.organizationId).toMatch(UUID);
    expect(new Set(events.map((e) => e['created_at'])).size).toBe(4);
    const refunded = events.find((e) => e['event'] === 'payment.refunded')!['data'];
    expect(refunded).toEqual(sandbox.payments.get(succeeded));
    expect(refunded).toMatchObject({ refund_status: 'partial', refunded_amount: 5000 });
    const updated = events.find((e) => e['event'] === 'call.updated')!['data'];
    expect(updated).toEqual(sandbox.store.get(callId));

    const log = sandbox.webhookDeliveries();
    expect(log).toHaveLength(4);
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200)).toBe(true);
    expect(log.map((d) => d.dataId).sort()).toEqual([pending, succeeded, pending, callId].sort());
  });

  it('sends nothing for silent store changes, generates a secret, lists and deletes subscriptions', async () => {
    receiver = await startReceiver();
    const generated = await call('/admin/webhooks', { method: 'POST', body: { target_url: receiver.url } });
    const { id, secret } = generated.body['data'] as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    expect((await call('/admin/webhooks')).body['data']).toEqual([{ id, target_url: receiver.url, secret }]);

    sandbox.store.update(sandbox.store.ids()[0], { notes: 'silent' });
    sandbox.payments.update(sandbox.payments.ids()[0], { status: 'failed' });
    sandbox.updateCall(sandbox.store.ids()[1], { notes: 'announced' });
    await sandbox.flushWebhooks();
    expect(receiver.received.map((r) => JSON.parse(r.body)['event'])).toEqual(['call.updated']);
    expect(receiver.received[0].headers['x-aura-signature']).toBe(hmac(secret, receiver.received[0].body));

    expect((await call(`/admin/webhooks/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/admin/webhooks/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect(sandbox.webhookSubscriptions()).toEqual([]);
    expect(sandbox.emitWebhook('payment.succeeded', { id: 'x' })).toEqual([]);
    for (const body of [{}, { target_url: 'ftp://example.test/x' }, { target_url: 'not a url' }, { target_url: receiver.url, secret: '' }]) {
      const refused = await call('/admin/webhooks', { method: 'POST', body });
      expect(refused.status).toBe(400);
      expectEnvelope(refused.body, 'VALIDATION_FAILED');
    }
  });

  it('retries a delivery the receiver first answers 500, with the same body and signature', async () => {
    receiver = await startReceiver([500]);
    const subscription = sandbox.subscribeWebhook(receiver.url, 'whsec_retry');
    const payment = sandbox.payments.get(sandbox.payments.ids()[0]);
    const [started] = sandbox.emitWebhook('payment.succeeded', payment);
    expect(started).toMatchObject({ subscriptionId: subscription.id, status: 'pending', dataId: (payment as Json)['id'] });
    await sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    expect(receiver.received[1].headers['x-aura-signature']).toBe(hmac('whsec_retry', receiver.received[0].body));
    // 1 s of sandbox time at timeScale 100.
    expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(9);
    expect(sandbox.webhookDeliveries()).toEqual([{ ...started, status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null }]);
  });

  it('gives up after 3 retries, whether the receiver fails or cannot be reached', async () => {
    receiver = await startReceiver([503, 503, 503, 503, 503]);
    sandbox.subscribeWebhook(receiver.url);
    const unreachable = await startReceiver();
    await unreachable.close();
    sandbox.subscribeWebhook(unreachable.url);
    sandbox.emitWebhook('call.updated', { id: 'call-1' });
    await sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(4);
    const [answered, refused] = sandbox.webhookDeliveries();
    expect(answered).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 503 });
    expect(refused).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });
  });

  it('sends bursts in full and replays an event byte for byte when given its created_at', async () => {
    receiver = await startReceiver();
    sandbox.subscribeWebhook(receiver.url, 'whsec_burst');
    for (let i = 0; i < 60; i++) sandbox.emitWebhook('payment.succeeded', { id: `pay-${i}` });
    const [original] = sandbox.emitWebhook('payment.refunded', { id: 'pay-0', refunded_amount: 100 });
    const createdAt = (JSON.parse(original.body) as Json)['created_at'] as string;
    const [replay] = sandbox.emitWebhook('payment.refunded', { id: 'pay-0', refunded_amount: 100 }, { createdAt });
    await sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(62);
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Json);
    expect(new Set(bodies.map((b) => `${(b['data'] as Json)['id']}|${b['created_at']}`)).size).toBe(61);
    expect(replay.body).toBe(original.body);
    expect(replay.signature).toBe(original.signature);
    expect(sandbox.webhookDeliveries().every((d) => d.status === 'delivered')).toBe(true);
  });

  it('close() gives up pending retries, so nothing is sent after it', async () => {
    await sandbox.close();
    sandbox = await createAuraSandbox({ calls: 10, now: NOW, rateLimit: { perMinute: null } }); // retries after 1 s
    receiver = await startReceiver([500]);
    sandbox.subscribeWebhook(receiver.url);
    sandbox.emitWebhook('payment.failed', { id: 'pay-1' });
    while (sandbox.webhookDeliveries()[0].lastStatusCode === null) await new Promise((resolve) => setImmediate(resolve));
    expect(sandbox.webhookDeliveries()[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    await sandbox.close();
    await sandbox.flushWebhooks();
    expect(sandbox.webhookDeliveries()[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
  });
});
