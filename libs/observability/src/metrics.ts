import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Seconds: from a fast read to a slow export. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: syncs and runs take from a second to hours. */
const JOB_BUCKETS = [1, 5, 15, 60, 300, 900, 1_800, 3_600, 7_200, 14_400];

export type AuraAttemptStatus = number | 'timeout' | 'network' | 'too_large';

/** What a finished sync reports (its own counters, not the database's totals). */
export interface SyncMeasurement {
  outcome: 'succeeded' | 'failed';
  trigger: string;
  seconds: number;
  calls: { written: number; quarantined: number };
  payments: { written: number; quarantined: number };
}

/** What a finished payout run reports. */
export interface RunMeasurement {
  outcome: 'succeeded' | 'failed';
  trigger: string;
  seconds: number;
  calls: number;
  commissionLines: number;
  adjustments: number;
}

/**
 * The service's Prometheus metrics (docs/operations.md "Metrics"): one
 * registry per application, so two apps in one process (tests) never share
 * counters. Counters count what this replica did; the gauges read from the
 * database (last successful sync and run, open disputes, pending deliveries)
 * are the same on every replica.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'commissions_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpSeconds = new Histogram({
    name: 'commissions_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly syncs = new Counter({
    name: 'commissions_syncs_total',
    help: 'Syncs from Aura finished, by outcome and trigger',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [this.registry],
  });
  private readonly syncSeconds = new Histogram({
    name: 'commissions_sync_duration_seconds',
    help: 'Duration of syncs from Aura, by outcome',
    labelNames: ['outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly syncRecords = new Counter({
    name: 'commissions_sync_records_total',
    help: 'Records a sync wrote (inserted or changed) or quarantined, by resource',
    labelNames: ['resource', 'result'] as const,
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: 'commissions_runs_total',
    help: 'Payout runs finished, by outcome and trigger',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [this.registry],
  });
  private readonly runSeconds = new Histogram({
    name: 'commissions_run_duration_seconds',
    help: 'Duration of payout runs, by outcome',
    labelNames: ['outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly runCalls = new Counter({
    name: 'commissions_run_calls_total',
    help: 'Calls of its own period that succeeded runs computed',
    registers: [this.registry],
  });
  private readonly runLines = new Counter({
    name: 'commissions_run_lines_total',
    help: 'Lines succeeded runs built, by kind (commission or adjustment)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly auraRequests = new Counter({
    name: 'commissions_aura_requests_total',
    help: "Requests to Aura's API, by resource and status (a number, or timeout, network, too_large)",
    labelNames: ['resource', 'status'] as const,
    registers: [this.registry],
  });
  private readonly auraRetries = new Counter({
    name: 'commissions_aura_retries_total',
    help: 'Requests to Aura retried after a 429, a 5xx, a timeout or a network error',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });

  private readonly readErrors = new Counter({
    name: 'commissions_metrics_read_errors_total',
    help: 'Scrapes in which a gauge read from the database failed or was too slow (the gauge showed NaN)',
    labelNames: ['gauge'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'commissions_' });
  }

  /** Express middleware: counts and times every answer under its route template (`unmatched` for a 404 no route took). */
  httpMiddleware(): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
    return (request, response, next) => {
      const stop = process.hrtime.bigint();
      response.once('finish', () => {
        const routed = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
        const route = typeof routed.route?.path === 'string' ? `${routed.baseUrl ?? ''}${routed.route.path}` : 'unmatched';
        const labels = { method: request.method ?? 'GET', route, status: String(response.statusCode) };
        this.httpRequests.inc(labels);
        this.httpSeconds.observe(labels, Number(process.hrtime.bigint() - stop) / 1e9);
      });
      next();
    };
  }

  syncFinished(sync: SyncMeasurement): void {
    this.syncs.inc({ outcome: sync.outcome, trigger: sync.trigger });
    this.syncSeconds.observe({ outcome: sync.outcome }, sync.seconds);
    this.syncRecords.inc({ resource: 'calls', result: 'written' }, sync.calls.written);
    this.syncRecords.inc({ resource: 'calls', result: 'quarantined' }, sync.calls.quarantined);
    this.syncRecords.inc({ resource: 'payments', result: 'written' }, sync.payments.written);
    this.syncRecords.inc({ resource: 'payments', result: 'quarantined' }, sync.payments.quarantined);
  }

  runFinished(run: RunMeasurement): void {
    this.runs.inc({ outcome: run.outcome, trigger: run.trigger });
    this.runSeconds.observe({ outcome: run.outcome }, run.seconds);
    if (run.outcome !== 'succeeded') return;
    this.runCalls.inc(run.calls);
    this.runLines.inc({ kind: 'commission' }, run.commissionLines);
    this.runLines.inc({ kind: 'adjustment' }, run.adjustments);
  }

  /** One attempt of a request to Aura; `retried` when the client will try it again. */
  auraAttempt(path: string, status: AuraAttemptStatus, retried: boolean): void {
    const resource = auraResourceOf(path);
    this.auraRequests.inc({ resource, status: String(status) });
    if (retried) this.auraRetries.inc({ resource });
  }

  /**
   * A gauge read when scraped, from the database: the same value on every
   * replica. A read that fails or takes longer than DATABASE_READ_MS shows
   * NaN (never 0, which would read as "never" or "none pending") and counts
   * in commissions_metrics_read_errors_total; the rest of the scrape is served.
   */
  gaugeFromDatabase(name: string, help: string, read: () => Promise<number | null>): void {
    const readErrors = this.readErrors;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const value = await withinDeadline(read()).catch(() => undefined);
        if (value === undefined) readErrors.inc({ gauge: name });
        this.set(value ?? Number.NaN);
      },
    });
  }

  /** A gauge with one label, read when scraped: each key of the map is a label value (none on a failed read). */
  labelledGaugeFromDatabase(name: string, help: string, label: string, read: () => Promise<Map<string, number>>): void {
    const readErrors = this.readErrors;
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      async collect() {
        this.reset();
        const values = await withinDeadline(read()).catch(() => undefined);
        if (values === undefined) readErrors.inc({ gauge: name });
        for (const [value, count] of values ?? []) this.set({ [label]: value }, count);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A scrape waits this long at most for one database read. */
const DATABASE_READ_MS = 2_000;

async function withinDeadline<T>(read: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_READ_MS} ms`)), DATABASE_READ_MS);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/v1/payments/pay_1?x` → `/v1/payments/:id`: a label per resource, never per record. */
function auraResourceOf(path: string): string {
  const segments = path.split('?')[0].split('/').filter(Boolean);
  return '/' + segments.map((segment, index) => (index >= 2 ? ':id' : segment)).join('/');
}
