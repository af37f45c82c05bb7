import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseService } from '@app/persistence';
import { expectedUpstream, syncToEnd } from '../support/sync-helpers';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

async function storedCalls(t: TestApp): Promise<Map<string, string>> {
  const rows = await t.app.get(DatabaseService).client.call.findMany({ select: { id: true, contentHash: true } });
  return new Map(rows.map((row) => [row.id, row.contentHash]));
}

describe('sync from Aura: 10,000 calls', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let expected: Map<string, string> & { malformed: number };

  beforeAll(async () => {
    sandbox = await createAuraSandbox({
      calls: 10_000,
      seed: 7,
      months: 3,
      endMonth: '2026-10',
      now: '2026-11-15T00:00:00Z',
      rateLimit: { perMinute: null },
      faults: { malformedShare: 0.01 },
    });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    expected = await expectedUpstream(sandbox.url, sandbox.apiKey);
  });
  afterAll(async () => {
    await t.close();
    await sandbox.close();
  });

  it('stores each past call exactly once, then finds every call unchanged and writes nothing', async () => {
    const first = await syncToEnd(t);
    expect(first).toMatchObject({ status: 'succeeded', error: null });
    expect(first.counts.inserted).toBe(expected.size);
    expect(expected.malformed).toBeGreaterThan(50);
    expect(first.counts.quarantined).toBe(expected.malformed);
    expect(await storedCalls(t)).toEqual(new Map(expected));

    const db = t.app.get(DatabaseService).client;
    const before = await db.call.aggregate({ _max: { lastChangedAt: true, version: true } });
    const second = await syncToEnd(t);
    expect(second.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: expected.size });
    const after = await db.call.aggregate({ _max: { lastChangedAt: true, version: true } });
    expect(after).toEqual(before);
    expect(await db.callVersion.count()).toBe(0);
  }, 240_000);

  it('quarantines malformed records with their reason and raw payload, lists them, and stores every other record', async () => {
    const listed = await t.as(TEST_ADMIN_KEY).get('/v1/sync/quarantine?limit=100').expect(200);
    expect(listed.body.data).toHaveLength(expected.malformed);
    const reasons = new Set(listed.body.data.map((record: { reason: string }) => record.reason));
    expect(reasons.size).toBeGreaterThan(1);
    for (const record of listed.body.data) {
      expect(record).toEqual(expect.objectContaining({ reason: expect.any(String), message: expect.any(String), raw: expect.anything() }));
    }
    const one = listed.body.data.find((record: { upstream_id: string | null }) => record.upstream_id !== null);
    expect(sandbox.dataset.malformed.map((info) => info.id)).toContain(one.upstream_id);
    await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${one.upstream_id}`).expect(404);
  });

  it('shows derived fields, reasons and the raw record over the API, with filters', async () => {
    const commissionable = await t.as(TEST_ADMIN_KEY).get('/v1/calls?commissionable=true&period=2026-10&limit=5').expect(200);
    expect(commissionable.body.data).toHaveLength(5);
    for (const call of commissionable.body.data) {
      expect(call).toMatchObject({ commissionable: true, reason: null, period: '2026-10', currency: 'USD', status: 'closed' });
      expect(call.base_amount).toMatch(/^\d+\.\d{2}$/);
    }
    const noPayment = await t.as(TEST_ADMIN_KEY).get('/v1/calls?reason=no_payment&limit=3').expect(200);
    expect(noPayment.body.data.length).toBeGreaterThan(0);
    expect(
      noPayment.body.data.every((call: { commissionable: boolean; linked_payment_id: unknown }) => !call.commissionable && call.linked_payment_id === null),
    ).toBe(true);
    const one = await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${commissionable.body.data[0].id}`).expect(200);
    expect(one.body.raw.id).toBe(commissionable.body.data[0].id);
    expect(one.body.history).toEqual([]);
    await t.as(TEST_ADMIN_KEY).get('/v1/calls?commissionable=maybe').expect(400);
    const page2 = await t
      .as(TEST_ADMIN_KEY)
      .get(`/v1/calls?limit=5&cursor=${commissionable.body.pagination.next_cursor}&commissionable=true&period=2026-10`)
      .expect(200);
    expect(page2.body.data[0].id > commissionable.body.data[4].id).toBe(true);
  });

  it('updates a call changed upstream and keeps its previous values in its history', async () => {
    const [paid, revalued, unlinked] = (await t.as(TEST_ADMIN_KEY).get('/v1/calls?commissionable=true&limit=3').expect(200)).body.data;
    sandbox.store.update(paid.id, { status: 'refunded' });
    sandbox.store.update(revalued.id, { expected_deal_value: 123456 });
    sandbox.store.update(unlinked.id, { linked_payment_id: null });
    const run = await syncToEnd(t);
    expect(run.counts).toMatchObject({ updated: 3, inserted: 0 });

    const afterStatus = (await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${paid.id}`).expect(200)).body;
    expect(afterStatus).toMatchObject({ status: 'refunded', commissionable: false, reason: 'not_closed', version: 2 });
    expect(afterStatus.history).toEqual([expect.objectContaining({ version: 1, status: 'closed', commissionable: true, base_amount: paid.base_amount })]);

    const afterValue = (await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${revalued.id}`).expect(200)).body;
    expect(afterValue).toMatchObject({ base_amount: '1234.56', expected_deal_value: '123456' });
    expect(afterValue.history[0]).toMatchObject({ base_amount: revalued.base_amount, expected_deal_value: revalued.expected_deal_value });

    const afterUnlink = (await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${unlinked.id}`).expect(200)).body;
    expect(afterUnlink).toMatchObject({ linked_payment_id: null, reason: 'no_payment' });
    expect(afterUnlink.history[0].linked_payment_id).toBe(unlinked.linked_payment_id);
  });

  it('flags calls upstream no longer returns as missing_upstream without deleting them', async () => {
    const [gone] = (await t.as(TEST_ADMIN_KEY).get('/v1/calls?commissionable=true&limit=1').expect(200)).body.data;
    sandbox.store.delete(gone.id);
    const run = await syncToEnd(t);
    expect(run.counts.missing_upstream).toBe(1);
    const stored = (await t.as(TEST_ADMIN_KEY).get(`/v1/calls/${gone.id}`).expect(200)).body;
    expect(stored).toMatchObject({ missing_upstream: true, commissionable: true });
    const listed = await t.as(TEST_ADMIN_KEY).get('/v1/calls?missing_upstream=true').expect(200);
    expect(listed.body.data.map((call: { id: string }) => call.id)).toEqual([gone.id]);
  });

  it('refuses a second sync while one runs, naming it', async () => {
    sandbox.setFaults({ latencyMs: 30 });
    try {
      const started = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(202);
      const refused = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(409);
      expect(refused.body.details).toEqual([{ running_sync_run_id: started.body.id }]);
    } finally {
      sandbox.setFaults({ latencyMs: 0 });
    }
  });
});

describe('sync under upstream faults and rate limits', () => {
  it('stores exactly what a fault-free pass sees and never exceeds the advertised rate limit', async () => {
    const sandbox = await createAuraSandbox({
      calls: 1_500,
      seed: 11,
      now: '2026-11-15T00:00:00Z',
      rateLimit: { perMinute: 12, timeScale: 30 }, // 12 requests per 2-second window
      faults: { rate429: 0.2, rate5xx: 0.1, latencyMs: 15, retryAfterSeconds: 1 },
    });
    const t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    try {
      const run = await syncToEnd(t, 240_000);
      expect(run.status).toBe('succeeded');
      expect(run.counts.retries).toBeGreaterThan(0);
      const stats = sandbox.stats();
      expect(stats.maxRequestsInAnyWindow).toBeLessThanOrEqual(stats.windowLimit!);
      sandbox.setFaults({ rate429: 0, rate5xx: 0, latencyMs: 0 });
      sandbox.setRateLimit({ perMinute: null });
      const expected = await expectedUpstream(sandbox.url, sandbox.apiKey);
      const rows = await t.app.get(DatabaseService).client.call.findMany({ select: { id: true, contentHash: true } });
      expect(new Map(rows.map((row) => [row.id, row.contentHash]))).toEqual(new Map(expected));
    } finally {
      await t.close();
      await sandbox.close();
    }
  }, 300_000);

  it('fails the sync run naming AURA_API_KEY on an upstream 401 and leaves stored data untouched', async () => {
    const sandbox = await createAuraSandbox({ calls: 300, seed: 3, rateLimit: { perMinute: null } });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'commissions-401-'));
    try {
      const withGoodKey = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, DATA_DIR: dataDir });
      await syncToEnd(withGoodKey);
      await withGoodKey.close();

      const withRevokedKey = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: 'aura_pk_live_revoked0000', DATA_DIR: dataDir });
      try {
        const db = withRevokedKey.app.get(DatabaseService).client;
        const before = await db.call.findMany({ orderBy: { id: 'asc' } });
        expect(before.length).toBeGreaterThan(0);
        const failed = await syncToEnd(withRevokedKey);
        expect(failed.status).toBe('failed');
        expect(failed.error).toMatch(/AURA_API_KEY/);
        expect(failed.counts).toMatchObject({ pages: 0, requests: 1, retries: 0 });
        expect(await db.call.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      } finally {
        await withRevokedKey.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await sandbox.close();
    }
  });
});
