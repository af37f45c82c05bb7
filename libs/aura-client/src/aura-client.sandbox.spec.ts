/**
 * AuraClient against the local Aura (apps/aura-sandbox) over real HTTP:
 * paging, filters, errors, and the promise that faults and the rate limit
 * change nothing about what the client returns.
 */
import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { parseAuraCall } from './aura-call';
import { AuraClient, AuraClientOptions } from './aura-client';
import { AuraKeyGate } from './aura-key-gate';
import { parseAuraPayment } from './aura-payment';
import { parseAuraTeamMember } from './aura-team-member';
import { AuraAuthError, AuraNotFoundError, AuraRequestError, AuraUnavailableError } from './aura-errors';
import { ListCallsQuery } from './list-calls-query';

const NOW = '2026-05-15T12:00:00Z';

function clientFor(sandbox: AuraSandbox, options: Partial<AuraClientOptions> = {}): AuraClient {
  return new AuraClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, backoff: { baseMs: 10, maxMs: 100 }, ...options });
}

async function collect(client: AuraClient, query: ListCallsQuery & { startCursor?: string | null } = {}) {
  const records: unknown[] = [];
  for await (const page of client.pages(query)) records.push(...page.records);
  return records;
}

function idOf(record: unknown): string {
  return (record as { id: string }).id;
}

describe('AuraClient with the sandbox', () => {
  let sandbox: AuraSandbox;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 2000, seed: 11, now: NOW, rateLimit: { perMinute: null } });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults({ rate429: 0, rate5xx: 0, stallRate: 0, latencyMs: 0 });
    sandbox.setRateLimit({ perMinute: null, timeScale: 1 });
    sandbox.resetStats();
  });

  it('pages through every call exactly once, in (created_at, id) order', async () => {
    const client = clientFor(sandbox);
    const records = await collect(client);
    const ids = records.map(idOf);
    expect(ids).toHaveLength(2000);
    expect(new Set(ids).size).toBe(2000);
    expect(ids).toEqual(sandbox.store.ids());
    expect(records).toEqual(sandbox.store.all());
    const keys = records.map((r) => `${(r as { created_at: string }).created_at} ${idOf(r)}`);
    expect([...keys].sort()).toEqual(keys);
    expect(client.stats()).toMatchObject({ requests: 20, retries: 0, throttled429: 0 });
    expect(records.every((r) => parseAuraCall(r).ok)).toBe(true);
  });

  describe('filters', () => {
    const all = () => sandbox.store.all() as Record<string, unknown>[];
    const nowMs = Date.parse(NOW);
    const upcoming = (r: Record<string, unknown>) => typeof r['scheduled_at'] === 'string' && Date.parse(r['scheduled_at']) > nowMs;

    const cases: [string, () => ListCallsQuery, (r: Record<string, unknown>, q: ListCallsQuery) => boolean][] = [
      ['status', () => ({ status: 'closed' }), (r) => (r['status'] ?? r['outcome']) === 'closed'],
      ['status no_show', () => ({ status: 'no_show' }), (r) => (r['status'] ?? r['outcome']) === 'no_show'],
      ['lead_id', () => ({ lead_id: leadWithSeveralCalls() }), (r, q) => r['lead_id'] === q.lead_id],
      ['closer_id', () => ({ closer_id: sandbox.dataset.closers[3] }), (r, q) => r['closer_id'] === q.closer_id],
      ['setter_id', () => ({ setter_id: sandbox.dataset.setters[2] }), (r, q) => r['setter_id'] === q.setter_id],
      ['booking_link_id', () => ({ booking_link_id: sandbox.dataset.bookingLinks[1] }), (r, q) => r['booking_link_id'] === q.booking_link_id],
      ['is_upcoming=true', () => ({ is_upcoming: true }), (r) => upcoming(r)],
      ['is_upcoming=false', () => ({ is_upcoming: 'false' }), (r) => !upcoming(r)],
      [
        'several at once',
        () => ({ status: 'closed', closer_id: sandbox.dataset.closers[0], is_upcoming: false }),
        (r, q) => (r['status'] ?? r['outcome']) === 'closed' && r['closer_id'] === q.closer_id && !upcoming(r),
      ],
    ];

    function leadWithSeveralCalls(): string {
      const counts = new Map<string, number>();
      for (const r of all()) counts.set(r['lead_id'] as string, (counts.get(r['lead_id'] as string) ?? 0) + 1);
      return [...counts].find(([, n]) => n >= 2)![0];
    }

    it.each(cases)('%s returns exactly the matching calls', async (_name, makeQuery, predicate) => {
      const query = makeQuery();
      const expected = all()
        .filter((r) => predicate(r, query))
        .map(idOf);
      expect(expected.length).toBeGreaterThan(0);
      const got = (await collect(clientFor(sandbox, { pageSize: 37 }), query)).map(idOf);
      expect(got).toEqual(expected);
    });

    it('status also matches records that use the older `outcome` key', async () => {
      const legacy = all().filter((r) => !('status' in r) && r['outcome'] === 'closed');
      expect(legacy.length).toBeGreaterThan(0);
      const got = new Set((await collect(clientFor(sandbox), { status: 'closed' })).map(idOf));
      for (const r of legacy) expect(got.has(idOf(r))).toBe(true);
    });
  });

  it('surfaces limit > 100 as AuraRequestError with the upstream requestId, not retried', async () => {
    const client = clientFor(sandbox);
    const error = await client.listCalls({ limit: 101 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraRequestError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', upstreamRequestId: expect.stringMatching(/^req_/) });
    expect(client.stats().requests).toBe(1);
    expect(sandbox.stats().requests).toBe(1);
  });

  it('surfaces a wrong key as AuraAuthError naming AURA_API_KEY, not retried', async () => {
    const client = clientFor(sandbox, { apiKey: 'aura_pk_live_wrong' });
    const error = await client.listCalls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraAuthError);
    expect((error as Error).message).toMatch(/^Aura rejected the API key \(401 UNAUTHORIZED, requestId req_[0-9a-f]+\): check AURA_API_KEY$/);
    expect(client.stats()).toMatchObject({ requests: 1, retries: 0 });
    expect(sandbox.stats().byStatus).toEqual({ 401: 1 });
  });

  it('gets one call, and a missing one as AuraNotFoundError without retrying', async () => {
    const client = clientFor(sandbox);
    const id = sandbox.store.ids()[10];
    await expect(client.getCall(id)).resolves.toEqual(sandbox.store.get(id));
    const error = await client.getCall('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraNotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', upstreamRequestId: expect.stringMatching(/^req_/) });
    expect(client.stats()).toMatchObject({ requests: 2, retries: 0 });
  });

  it('keeps paging correct when calls are deleted, changed and added between pages', async () => {
    const before = sandbox.store.ids();
    const client = clientFor(sandbox, { pageSize: 50 });
    const seen: Record<string, unknown>[] = [];
    const changedId = before[75];
    const deletedLater = before[160];
    const insertedLate = { id: 'late-call', status: 'closed', created_at: '2099-01-01T00:00:00Z' };
    const insertedEarly = { id: 'early-call', status: 'closed', created_at: '2000-01-01T00:00:00Z' };
    let pageIndex = 0;
    for await (const page of client.pages({})) {
      seen.push(...(page.records as Record<string, unknown>[]));
      if (pageIndex === 0) {
        sandbox.store.delete(before[49]); // the record the cursor points at
        sandbox.store.delete(before[10]); // already seen
        sandbox.store.delete(deletedLater); // not seen yet
        sandbox.store.update(changedId, { status: 'canceled', expected_deal_value: 1, linked_payment_id: null });
        sandbox.store.insert(insertedLate);
        sandbox.store.insert(insertedEarly); // behind the cursor: not seen in this pass
      }
      pageIndex++;
    }
    const ids = seen.map(idOf);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = [...before.filter((id) => id !== deletedLater), 'late-call'];
    expect(ids).toEqual(expected);
    const changed = seen.find((r) => r['id'] === changedId)!;
    expect(changed).toMatchObject({ status: 'canceled', expected_deal_value: 1, linked_payment_id: null });
    // Restore for the other tests.
    sandbox.store.delete('late-call');
    sandbox.store.delete('early-call');
  });
});

describe('AuraClient under faults and a rate limit', () => {
  let sandbox: AuraSandbox;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 3000, seed: 5, now: NOW, rateLimit: { perMinute: null }, faults: { malformedShare: 0.01 } });
  });
  afterAll(() => sandbox.close());

  it('returns exactly the fault-free records and never exceeds the advertised limit', async () => {
    const baseline = await collect(clientFor(sandbox));
    expect(baseline).toHaveLength(3000);

    // 12 requests per sandbox minute; a minute lasts 1.2 s, so X-RateLimit-Reset is fractional.
    sandbox.setRateLimit({ perMinute: 12, timeScale: 50 });
    sandbox.setFaults({ rate429: 0.2, rate5xx: 0.1, serverErrorStatuses: [500, 502, 503], latencyMs: 5 });
    sandbox.resetStats();
    const client = clientFor(sandbox, { maxRetries: 8, logger: { warn: () => undefined } });
    const faulty = await collect(client);

    expect(faulty).toEqual(baseline);
    const server = sandbox.stats();
    expect(server.windowLimit).toBe(12);
    expect(server.maxRequestsInAnyWindow).toBeLessThanOrEqual(12);
    expect(server.rateLimited).toBe(0);
    expect(server.injected.throttled).toBeGreaterThan(0);
    expect(server.injected.serverErrors).toBeGreaterThan(0);
    const stats = client.stats();
    expect(stats.throttled429).toBe(server.injected.throttled);
    expect(stats.requests).toBe(server.requests);
    expect(stats.retries).toBe(stats.requests - 30);
    expect(stats.rateLimitWaitMs).toBeGreaterThan(0);

    // The malformed records came through untouched for the caller to quarantine.
    const rejected = faulty.filter((r) => !parseAuraCall(r).ok);
    expect(rejected).toHaveLength(sandbox.dataset.malformed.length);
  }, 30_000);

  it('without pacing it is refused by the limit, and still recovers every record via Retry-After', async () => {
    // 8 requests per 5-second window (a minute at 12× speed): the ~15 pages go over it however slow a loaded machine
    // answers (a 1-second window let a slow run stay under the limit and refuse nothing).
    sandbox.setRateLimit({ perMinute: 8, timeScale: 12 });
    sandbox.setFaults({ rate429: 0, rate5xx: 0, latencyMs: 0 });
    sandbox.resetStats();
    const client = clientFor(sandbox, { pacing: false, maxRetries: 20 });
    const records = await collect(client, { status: 'closed' });
    expect(records.map(idOf)).toEqual((sandbox.store.all() as Record<string, unknown>[]).filter((r) => (r['status'] ?? r['outcome']) === 'closed').map(idOf));
    expect(sandbox.stats().rateLimited).toBeGreaterThan(0);
    expect(client.stats().throttled429).toBe(sandbox.stats().rateLimited);
  }, 30_000);

  it('retries requests that time out', async () => {
    sandbox.setRateLimit({ perMinute: null, timeScale: 1 });
    sandbox.setFaults({ rate429: 0, rate5xx: 0, latencyMs: 0, stallRate: 0.3, stallMs: 2_000 });
    sandbox.resetStats();
    const client = clientFor(sandbox, { timeoutMs: 150, pageSize: 100 });
    const records = await collect(client, { status: 'closed' });
    expect(records.map(idOf)).toEqual((sandbox.store.all() as Record<string, unknown>[]).filter((r) => (r['status'] ?? r['outcome']) === 'closed').map(idOf));
    expect(client.stats().timeouts).toBeGreaterThan(0);
    expect(client.stats().timeouts).toBe(sandbox.stats().injected.stalled);
  }, 30_000);

  it('gives up with AuraUnavailableError saying how many attempts it made', async () => {
    sandbox.setFaults({ rate429: 0, rate5xx: 1, stallRate: 0 });
    const client = clientFor(sandbox, { maxRetries: 3 });
    const error = await client.listCalls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraUnavailableError);
    expect(error).toMatchObject({ attempts: 4, retryable: true });
    expect((error as Error).message).toMatch(/failed after 4 attempts/);
    expect(client.stats()).toMatchObject({ requests: 4, retries: 3, serverErrors: 4 });
  });

  it('retries network errors, then gives up', async () => {
    const closed = await createAuraSandbox({ calls: 0 });
    const url = closed.url;
    await closed.close();
    const client = new AuraClient({ baseUrl: url, apiKey: 'k', maxRetries: 2, backoff: { baseMs: 1, maxMs: 5 } });
    const error = await client.listCalls().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuraUnavailableError);
    expect((error as Error).message).toMatch(/after 3 attempts; last: network error \(ECONNREFUSED\)/);
    expect(client.stats().networkErrors).toBe(3);
  });
});

describe('AuraClient: payments, with the sandbox', () => {
  let sandbox: AuraSandbox;
  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 1500, seed: 13, now: NOW, rateLimit: { perMinute: null } });
  });
  afterAll(() => sandbox.close());

  describe('payments', () => {
    it('pages through every payment once, each one parsing, and reads one by id', async () => {
      const client = clientFor(sandbox);
      const records: unknown[] = [];
      for await (const page of client.paymentPages()) records.push(...page.records);
      expect(records.map(idOf)).toEqual(sandbox.payments.ids());
      expect(records.every((record) => parseAuraPayment(record).ok)).toBe(true);
      const first = records[0] as { id: string };
      expect(await client.getPayment(first.id)).toEqual(first);
      await expect(client.getPayment('no-such-payment')).rejects.toBeInstanceOf(AuraNotFoundError);
    });

    it('sends every filter: status, lead_id and the payment_date window', async () => {
      const client = clientFor(sandbox);
      const all = sandbox.payments.all() as { id: string; status: string; lead_id: string; payment_date: string }[];
      const pending = (await client.listPayments({ status: 'pending', limit: 100 })).data as typeof all;
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.every((payment) => payment.status === 'pending')).toBe(true);
      const lead = all[0].lead_id;
      expect(((await client.listPayments({ lead_id: lead })).data as typeof all).map((payment) => payment.id)).toEqual(
        all.filter((payment) => payment.lead_id === lead).map((payment) => payment.id),
      );
      const from = '2026-03-01T00:00:00Z';
      const to = '2026-04-01T00:00:00Z';
      const windowed: typeof all = [];
      for await (const page of client.paymentPages({ from_date: from, to_date: to })) windowed.push(...(page.records as typeof all));
      const expected = all.filter((payment) => payment.payment_date >= from && payment.payment_date < to);
      expect(expected.length).toBeGreaterThan(0);
      expect(windowed.map((payment) => payment.id)).toEqual(expected.map((payment) => payment.id));
    });

    it("keeps calls and payments together inside the key's window when their clients share its gate", async () => {
      sandbox.setRateLimit({ perMinute: 6, timeScale: 30 }); // six requests per two-second window
      sandbox.resetStats();
      const gate = new AuraKeyGate();
      const calls = clientFor(sandbox, { gate, pageSize: 100 });
      const payments = clientFor(sandbox, { gate, pageSize: 100 });
      const pages = async (walk: AsyncGenerator<unknown>, most: number) => {
        let count = 0;
        for await (const _page of walk) if (++count === most) break;
      };
      await Promise.all([pages(calls.pages(), 6), pages(payments.paymentPages(), 6)]);
      expect(sandbox.stats().maxRequestsInAnyWindow).toBeLessThanOrEqual(6);
      expect(sandbox.stats().rateLimited).toBe(0);
      expect(calls.stats().throttled429 + payments.stats().throttled429).toBe(0);
    });
  });
});

describe('AuraClient: team, with the sandbox', () => {
  let sandbox: AuraSandbox;
  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 300, seed: 17, now: NOW, rateLimit: { perMinute: null } });
  });
  afterAll(() => sandbox.close());

  it('pages through every member once, each one parsing, and never lists the people Aura leaves out', async () => {
    const client = clientFor(sandbox);
    const records: unknown[] = [];
    const cursors: (string | null)[] = [];
    for await (const page of client.teamPages({ limit: 7 })) {
      cursors.push(page.cursor);
      records.push(...page.records);
    }
    expect(records).toEqual(sandbox.team.all());
    expect(new Set(records.map(idOf)).size).toBe(records.length);
    expect(cursors.length).toBe(Math.ceil(records.length / 7));
    expect(cursors[0]).toBeNull();
    expect(records.every((record) => parseAuraTeamMember(record).ok)).toBe(true);
    const people = [...sandbox.dataset.closers, ...sandbox.dataset.setters];
    expect(records.map(idOf).sort()).toEqual(people.filter((id) => !sandbox.dataset.teamMissing.includes(id)).sort());

    const resumed: unknown[] = [];
    for await (const page of client.teamPages({ limit: 7, startCursor: cursors[2] })) resumed.push(...page.records);
    expect(resumed).toEqual(records.slice(14));
  });

  it('filters by role, and surfaces a role Aura does not know as AuraRequestError', async () => {
    const client = clientFor(sandbox);
    const admins = await client.listTeam({ role: 'admin' });
    expect(admins.pagination).toEqual({ has_more: false, next_cursor: null });
    expect((admins.data as { role: string }[]).map((member) => member.role)).toEqual(['admin', 'admin']);
    const members: unknown[] = [];
    for await (const page of client.teamPages({ role: 'member', limit: 100 })) members.push(...page.records);
    expect(members.every((member) => (member as { role: string }).role === 'member')).toBe(true);
    expect(members.length + admins.data.length).toBe(sandbox.team.size);
    await expect(client.listTeam({ role: 'owner' })).rejects.toBeInstanceOf(AuraRequestError);
    expect(client.stats().retries).toBe(0);
  });
});
