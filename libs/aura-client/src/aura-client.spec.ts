/**
 * AuraClient against a scripted fetch and a virtual clock: exact pacing,
 * retry and error-mapping behaviour. (aura-client.sandbox.spec.ts runs the
 * same client against the local Aura over real HTTP.)
 */
import { AuraClient, AuraClientOptions } from './aura-client';
import { AuraAuthError, AuraError, AuraNotFoundError, AuraProtocolError, AuraRequestError, AuraUnavailableError } from './aura-errors';

type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'timeout' | 'network';

const START = 1_800_000_000_000;

function harness(script: Scripted[], options: Partial<AuraClientOptions> = {}) {
  let clock = START;
  const sleeps: number[] = [];
  const requests: { url: string; headers: Record<string, string>; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: input instanceof Request ? input.url : String(input), headers: (init?.headers ?? {}) as Record<string, string>, at: clock });
    const next = script.shift();
    if (next === undefined) throw new Error('script exhausted');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (next === 'network') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      if (next === 'timeout') {
        return await new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      }
      const body = typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? page([], null));
      return new Response(body, { status: next.status, headers: next.headers });
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  const client = new AuraClient({
    baseUrl: 'https://aura.test/',
    apiKey: 'aura_pk_test_123',
    fetch: fetchImpl,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    timeoutMs: 30,
    ...options,
  });
  return {
    client,
    sleeps,
    requests,
    maxInFlight: () => maxInFlight,
  };
}

function page(data: unknown[], nextCursor: string | null) {
  return { data, pagination: { has_more: nextCursor !== null, next_cursor: nextCursor } };
}

function ok(body: unknown = page([], null), headers: Record<string, string> = {}): Scripted {
  return { status: 200, body, headers };
}

function limitHeaders(limit: number, remaining: number, resetSeconds: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(resetSeconds),
  };
}

function envelope(status: number, code: string, error: string, requestId = 'req_abc123'): { status: number; body: unknown } {
  return { status, body: { success: false, code, error, requestId } };
}

async function caught(promise: Promise<unknown>): Promise<AuraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuraError) return error;
    throw error;
  }
  throw new Error('expected an AuraError');
}

describe('AuraClient requests', () => {
  it('sends the Bearer key and every query parameter as a string', async () => {
    const h = harness([ok()]);
    await h.client.listCalls({
      limit: 25,
      cursor: 'abc',
      status: 'closed',
      lead_id: '650e8400-e29b-41d4-a716-446655440001',
      closer_id: 'user_2abc',
      setter_id: 'user_2def',
      booking_link_id: '850e8400-e29b-41d4-a716-446655440003',
      is_upcoming: false,
    });
    const url = new URL(h.requests[0].url);
    expect(url.origin + url.pathname).toBe('https://aura.test/v1/calls');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      limit: '25',
      cursor: 'abc',
      status: 'closed',
      lead_id: '650e8400-e29b-41d4-a716-446655440001',
      closer_id: 'user_2abc',
      setter_id: 'user_2def',
      booking_link_id: '850e8400-e29b-41d4-a716-446655440003',
      is_upcoming: 'false',
    });
    expect(h.requests[0].headers['authorization']).toBe('Bearer aura_pk_test_123');
  });

  it('omits undefined and null parameters', async () => {
    const h = harness([ok()]);
    await h.client.listCalls({ cursor: null, status: undefined, is_upcoming: true });
    expect(h.requests[0].url).toBe('https://aura.test/v1/calls?is_upcoming=true');
  });

  it('returns raw records untouched, malformed ones included', async () => {
    const records = [{ id: 'a', expected_deal_value: 'abc' }, 'garbage', { no_id: true }];
    const body = page(records, null);
    const h = harness([ok(body)]);
    await expect(h.client.listCalls()).resolves.toEqual({
      data: records,
      pagination: { has_more: false, next_cursor: null },
      bodyLength: JSON.stringify(body).length, // what holding the page costs
    });
  });

  it('getCall unwraps { success, data } and escapes the id', async () => {
    const h = harness([ok({ success: true, data: { id: 'a/b' } })]);
    await expect(h.client.getCall('a/b')).resolves.toEqual({ id: 'a/b' });
    expect(h.requests[0].url).toBe('https://aura.test/v1/calls/a%2Fb');
  });

  it('pages() follows cursors from startCursor and reports the cursor of each page', async () => {
    const h = harness([ok(page([{ id: '1' }], 'c2')), ok(page([{ id: '2' }], 'c3')), ok(page([{ id: '3' }], null))]);
    const pages = [];
    for await (const p of h.client.pages({ status: 'closed', startCursor: 'c1' })) pages.push(p);
    expect(pages).toEqual([
      { cursor: 'c1', records: [{ id: '1' }], nextCursor: 'c2', hasMore: true, bodyLength: JSON.stringify(page([{ id: '1' }], 'c2')).length },
      { cursor: 'c2', records: [{ id: '2' }], nextCursor: 'c3', hasMore: true, bodyLength: JSON.stringify(page([{ id: '2' }], 'c3')).length },
      { cursor: 'c3', records: [{ id: '3' }], nextCursor: null, hasMore: false, bodyLength: JSON.stringify(page([{ id: '3' }], null)).length },
    ]);
    expect(h.requests.map((r) => new URL(r.url).searchParams.get('limit'))).toEqual(['100', '100', '100']);
    expect(new URL(h.requests[0].url).searchParams.get('status')).toBe('closed');
  });

  it('sends concurrent calls one at a time', async () => {
    const h = harness([ok(), ok(), ok()]);
    await Promise.all([h.client.listCalls(), h.client.getCall('x').catch(() => null), h.client.listCalls()]);
    expect(h.requests).toHaveLength(3);
    expect(h.maxInFlight()).toBe(1);
  });

  it('refuses a missing key, naming AURA_API_KEY, and a page size above 100', () => {
    expect(() => new AuraClient({ baseUrl: 'https://aura.test', apiKey: '' })).toThrow(/AURA_API_KEY/);
    expect(() => new AuraClient({ baseUrl: 'https://aura.test', apiKey: 'k', pageSize: 101 })).toThrow(RangeError);
  });
});

describe('AuraClient pacing', () => {
  it('waits for the window reset once the budget is spent, instead of being refused', async () => {
    const reset = START / 1000 + 10;
    const script: Scripted[] = [
      ok(page([], null), limitHeaders(3, 2, reset)),
      ok(page([], null), limitHeaders(3, 1, reset)),
      ok(page([], null), limitHeaders(3, 0, reset)),
      ok(page([], null), limitHeaders(3, 2, reset + 60)),
    ];
    const paced = harness(script, { pacing: { marginMs: 100 } });
    for (let i = 0; i < 3; i++) await paced.client.listCalls();
    expect(paced.sleeps).toEqual([]);
    await paced.client.listCalls();
    expect(paced.sleeps).toEqual([10_100]);
    expect(paced.requests[3].at).toBe(START + 10_100);
    expect(paced.client.stats()).toMatchObject({ requests: 4, retries: 0, rateLimitWaitMs: 10_100, throttled429: 0 });
  });

  it('accepts fractional reset seconds (time-scaled sandboxes)', async () => {
    const reset = START / 1000 + 0.75;
    const h = harness([ok(page([], null), limitHeaders(1, 0, reset)), ok()], { pacing: { marginMs: 10 } });
    await h.client.listCalls();
    await h.client.listCalls();
    expect(h.sleeps).toEqual([760]);
  });

  it('counts a request that timed out against the budget', async () => {
    const reset = START / 1000 + 5;
    const h = harness([ok(page([], null), limitHeaders(2, 1, reset)), 'timeout', ok()], { pacing: { marginMs: 0 } });
    await h.client.listCalls();
    await h.client.listCalls();
    // The timed-out attempt used the last request of the window: the retry waits for the reset
    // (backoff 0.5 × 500 ms first, then the rest of the window).
    expect(h.sleeps).toEqual([250, 4750]);
    expect(h.client.stats()).toMatchObject({ requests: 3, retries: 1, timeouts: 1, rateLimitWaitMs: 4750 });
  });

  it('does not wait when pacing is off', async () => {
    const reset = START / 1000 + 10;
    const h = harness([ok(page([], null), limitHeaders(1, 0, reset)), ok()], { pacing: false });
    await h.client.listCalls();
    await h.client.listCalls();
    expect(h.sleeps).toEqual([]);
  });
});

describe('AuraClient retries', () => {
  it('honours Retry-After (seconds) on 429', async () => {
    const h = harness([{ ...envelope(429, 'RATE_LIMITED', 'slow down'), headers: { 'Retry-After': '2' } }, ok()]);
    await h.client.listCalls();
    expect(h.sleeps).toEqual([2000]);
    expect(h.client.stats()).toMatchObject({ requests: 2, retries: 1, throttled429: 1, rateLimitWaitMs: 2000 });
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const at = new Date(START + 3000).toUTCString();
    const h = harness([{ status: 429, headers: { 'Retry-After': at } }, ok()]);
    await h.client.listCalls();
    expect(h.sleeps).toEqual([3000]);
  });

  it('falls back to X-RateLimit-Reset on a 429 without Retry-After', async () => {
    const reset = START / 1000 + 7;
    const h = harness([{ status: 429, headers: limitHeaders(100, 0, reset) }, ok()], { pacing: { marginMs: 0 } });
    await h.client.listCalls();
    expect(h.sleeps).toEqual([7000]);
  });

  it('backs off exponentially with full jitter, capped, on 5xx, network errors and timeouts', async () => {
    const h = harness([{ status: 500 }, { status: 502, body: '<html>Bad Gateway</html>' }, 'network', 'timeout', { status: 503 }, ok()], {
      backoff: { baseMs: 100, maxMs: 500 },
      random: () => 0.999,
    });
    await h.client.listCalls();
    expect(h.sleeps.map(Math.round)).toEqual([100, 200, 400, 500, 500]);
    expect(h.client.stats()).toMatchObject({ requests: 6, retries: 5, serverErrors: 3, networkErrors: 1, timeouts: 1, rateLimitWaitMs: 0 });
  });

  it('waits at least the Retry-After of a 503', async () => {
    const h = harness([{ status: 503, headers: { 'Retry-After': '4' } }, ok()]);
    await h.client.listCalls();
    expect(h.sleeps).toEqual([4000]);
  });

  it('gives up after maxRetries with AuraUnavailableError carrying the last status and requestId', async () => {
    const h = harness([envelope(500, 'INTERNAL', 'boom', 'req_1'), envelope(500, 'INTERNAL', 'boom', 'req_2'), envelope(503, 'UNAVAILABLE', 'down', 'req_3')], {
      maxRetries: 2,
    });
    const error = await caught(h.client.listCalls());
    expect(error).toBeInstanceOf(AuraUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', upstreamRequestId: 'req_3', retryable: true, attempts: 3 });
    expect(error.message).toMatch(/after 3 attempts/);
    expect(h.requests).toHaveLength(3);
  });

  it('gives up on repeated network errors', async () => {
    const h = harness(['network', 'network'], { maxRetries: 1 });
    const error = await caught(h.client.listCalls());
    expect(error).toBeInstanceOf(AuraUnavailableError);
    expect(error.message).toMatch(/after 2 attempts; last: network error \(ECONNRESET\)/);
  });
});

describe('AuraClient errors', () => {
  it.each([401, 403])('turns %s into AuraAuthError naming AURA_API_KEY, without retrying', async (status) => {
    const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
    const h = harness([envelope(status, code, 'Invalid API key', 'req_auth1')]);
    const error = await caught(h.client.listCalls());
    expect(error).toBeInstanceOf(AuraAuthError);
    expect(error.message).toBe(`Aura rejected the API key (${status} ${code}, requestId req_auth1): check AURA_API_KEY`);
    expect(error).toMatchObject({ status, code, upstreamRequestId: 'req_auth1', retryable: false });
    expect(h.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('turns other 4xx into AuraRequestError without retrying', async () => {
    const h = harness([envelope(400, 'VALIDATION_FAILED', 'limit must be at most 100', 'req_v1')]);
    const error = await caught(h.client.listCalls({ limit: 101 }));
    expect(error).toBeInstanceOf(AuraRequestError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', upstreamRequestId: 'req_v1' });
    expect(error.message).toContain('limit must be at most 100');
    expect(h.requests).toHaveLength(1);
  });

  it('turns 404 into AuraNotFoundError and takes the requestId from X-Request-Id when the body has none', async () => {
    const h = harness([{ status: 404, body: 'not json', headers: { 'X-Request-Id': 'req_hdr' } }]);
    const error = await caught(h.client.getCall('gone'));
    expect(error).toBeInstanceOf(AuraNotFoundError);
    expect(error).toBeInstanceOf(AuraRequestError);
    expect(error).toMatchObject({ status: 404, upstreamRequestId: 'req_hdr' });
    expect(h.requests).toHaveLength(1);
  });

  it.each<[string, unknown]>([
    ['a body that is not JSON', '<html>'],
    ['no data array', { data: {}, pagination: { has_more: false, next_cursor: null } }],
    ['no pagination', { data: [] }],
    ['has_more without a cursor', { data: [], pagination: { has_more: true, next_cursor: null } }],
    ['a numeric cursor', { data: [], pagination: { has_more: true, next_cursor: 5 } }],
  ])('raises AuraProtocolError for a 200 with %s', async (_name, body) => {
    const h = harness([ok(body)]);
    await expect(h.client.listCalls()).rejects.toBeInstanceOf(AuraProtocolError);
  });

  it.each([
    ['a NUL', 'c\u0000d'],
    ['a lone surrogate', 'c\ud800d'],
  ])('refuses a page whose next_cursor holds %s, which could not be stored as the checkpoint', async (_name, cursor) => {
    const h = harness([ok(page([], cursor)), ok(page([], null))]);
    const pages: unknown[] = [];
    const run = async () => {
      for await (const each of h.client.pages({})) pages.push(each);
    };
    await expect(run()).rejects.toThrow('next_cursor holding a NUL character or a lone surrogate');
    expect(pages).toHaveLength(0); // refused before the page is handed on: it would be stored with its cursor
    expect(h.requests).toHaveLength(1);
  });

  it('refuses a page whose next_cursor is longer than any cursor the sync stores', async () => {
    const h = harness([ok(page([{ id: '1' }], 'c'.repeat(2_049)))]);
    await expect(h.client.listCalls()).rejects.toThrow('next_cursor of 2049 characters');
  });

  it('stops pages() when upstream repeats a cursor', async () => {
    const h = harness([ok(page([], 'c1')), ok(page([], 'c2')), ok(page([], 'c1'))]);
    const run = async () => {
      for await (const _ of h.client.pages({})) void _;
    };
    await expect(run()).rejects.toBeInstanceOf(AuraProtocolError);
  });
});
