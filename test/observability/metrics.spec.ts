import { createAuraSandbox, type AuraSandbox } from '@app/aura-sandbox';
import { previousMonth } from '@app/payouts';
import { DisputesRepository } from '../../libs/payouts/src/disputes/disputes.repository';
import { LedgerRepository } from '../../libs/payouts/src/ledger/ledger.repository';
import { closerPlan, runPeriod } from '../payouts/payouts-helpers';
import { parsePrometheus, sampleTotal, type PrometheusFamily } from '../support/prometheus';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123456789';

/** docs/operations.md "Metrics": what Prometheus scrapes, and that it moves with the work. */
describe('GET /metrics', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  const period = previousMonth(new Date(), 'UTC');

  const scrape = async (): Promise<Map<string, PrometheusFamily>> => {
    const response = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(response.text);
  };
  /** Metrics are counted as a job ends, a moment after its row says so: look again for a little while. */
  const scrapeUntil = async (moved: (families: Map<string, PrometheusFamily>) => boolean): Promise<Map<string, PrometheusFamily>> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const families = await scrape();
      if (moved(families) || Date.now() > deadline) return families;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    // A share of requests is answered 429 (seeded, so the same ones every time): the Aura counters see throttling and retries.
    sandbox = await createAuraSandbox({
      calls: 300,
      seed: 81,
      months: 2,
      endMonth: period,
      rateLimit: { perMinute: null },
      faults: { rate429: 0.5, retryAfterSeconds: 0 },
    });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, METRICS_TOKEN });
    finance = (await createKey(t, 'finance')).secret;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('answers only METRICS_TOKEN or an admin key', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer not-the-token').expect(401);
    const refused = await t.http.get('/metrics').set('Authorization', `Bearer ${finance}`).expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    await t.http.get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).expect(200);
  });

  it('parses as Prometheus text, and its counters move as a sync and a run happen', async () => {
    const before = await scrape();
    for (const gauge of [
      'commissions_last_successful_sync_timestamp_seconds',
      'commissions_last_successful_run_timestamp_seconds',
      'commissions_open_disputes',
      'commissions_webhook_oldest_pending_seconds',
    ]) {
      expect(before.get(gauge)?.type).toBe('GAUGE');
    }
    expect(sampleTotal(before, 'commissions_syncs_total')).toBe(0);
    expect(sampleTotal(before, 'commissions_last_successful_sync_timestamp_seconds')).toBe(0);

    const synced = await syncToEnd(t);
    expect(synced.status).toBe('succeeded');
    const afterSync = await scrapeUntil((families) => sampleTotal(families, 'commissions_syncs_total') > 0);
    expect(sampleTotal(afterSync, 'commissions_syncs_total', { outcome: 'succeeded', trigger: 'manual' })).toBe(1);
    expect(sampleTotal(afterSync, 'commissions_sync_duration_seconds')).toBe(1);
    expect(sampleTotal(afterSync, 'commissions_sync_records_total', { resource: 'calls', result: 'written' })).toBe(
      synced.counts.inserted + synced.counts.updated,
    );
    expect(sampleTotal(afterSync, 'commissions_sync_records_total', { resource: 'calls', result: 'quarantined' })).toBe(synced.counts.quarantined);
    expect(sampleTotal(afterSync, 'commissions_aura_requests_total', { resource: '/v1/calls', status: '200' })).toBeGreaterThan(0);
    expect(sampleTotal(afterSync, 'commissions_aura_requests_total', { resource: '/v1/payments', status: '200' })).toBeGreaterThan(0);
    const throttled = sandbox.stats().injected.throttled;
    expect(throttled).toBeGreaterThan(0);
    expect(sampleTotal(afterSync, 'commissions_aura_requests_total', { status: '429' })).toBe(throttled);
    expect(sampleTotal(afterSync, 'commissions_aura_retries_total')).toBe(throttled);
    const lastSync = sampleTotal(afterSync, 'commissions_last_successful_sync_timestamp_seconds');
    expect(Math.abs(lastSync * 1_000 - Date.now())).toBeLessThan(60_000);

    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
    const run = await runPeriod(t, finance, period);
    expect(run.status).toBe('succeeded');
    const afterRun = await scrapeUntil((families) => sampleTotal(families, 'commissions_runs_total') > 0);
    expect(sampleTotal(afterRun, 'commissions_runs_total', { outcome: 'succeeded', trigger: 'manual' })).toBe(1);
    expect(sampleTotal(afterRun, 'commissions_run_calls_total')).toBe(run.counts!.calls);
    expect(sampleTotal(afterRun, 'commissions_run_lines_total', { kind: 'commission' })).toBe(run.counts!.commission_lines);
    expect(sampleTotal(afterRun, 'commissions_last_successful_run_timestamp_seconds')).toBeGreaterThan(0);
    expect(sampleTotal(afterRun, 'commissions_open_disputes')).toBe(0);

    // Requests are counted under their route template, never under a record's id.
    const requests = afterRun.get('commissions_http_requests_total')!;
    expect(requests.type).toBe('COUNTER');
    const routes = new Set(requests.metrics.map((sample) => sample.labels!.route));
    expect(routes).toContain('/v1/runs/:id');
    expect([...routes].some((route) => route.includes(run.id))).toBe(false);
    expect(sampleTotal(afterRun, 'commissions_http_requests_total', { method: 'POST', route: '/v1/runs', status: '202' })).toBe(1);
    expect(afterRun.get('commissions_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
  }, 180_000);

  it('shows NaN, not 0, for a gauge whose database read failed, and counts the failure; the rest of the scrape is served', async () => {
    const failing = jest.spyOn(t.app.get(DisputesRepository), 'countOpen').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const families = await scrape();
    failing.mockRestore();
    expect(Number(families.get('commissions_open_disputes')!.metrics[0].value)).toBeNaN();
    expect(sampleTotal(families, 'commissions_runs_total')).toBeGreaterThan(0);
    // Counters are read as the scrape starts: the failure shows from the next one on.
    const next = await scrape();
    expect(sampleTotal(next, 'commissions_metrics_read_errors_total', { gauge: 'commissions_open_disputes' })).toBe(1);
    expect(sampleTotal(next, 'commissions_open_disputes')).toBe(0);
  });

  it('counts a failed run under its outcome', async () => {
    const before = sampleTotal(await scrape(), 'commissions_runs_total', { outcome: 'failed' });
    const fingerprint = jest.spyOn(t.app.get(LedgerRepository), 'fingerprint').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const run = await runPeriod(t, finance, period);
    fingerprint.mockRestore();
    expect(run.status).toBe('failed');
    const after = await scrapeUntil((families) => sampleTotal(families, 'commissions_runs_total', { outcome: 'failed' }) > before);
    expect(sampleTotal(after, 'commissions_runs_total', { outcome: 'failed', trigger: 'manual' })).toBe(before + 1);
  }, 180_000);
});
