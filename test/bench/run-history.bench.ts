/**
 * A run after two years of history: the same month run on a database where
 * the 24 months before it were run and approved, and on one where they were
 * not, both on PostgreSQL through the built service. With nothing changed in
 * the earlier months, the run computes its own month only
 * (docs/payouts.md "What a run recomputes"), so the two should cost the same.
 * For scale, the same run asked to compute every period (recompute: all).
 */
import { BenchmarkOutcome, formatNumber, formatRatio, formatSeconds, skipped } from './bench-report';
import { benchmarkPlans, RUN_PERIOD, seedBySync } from './monthly-run.bench';
import { startSandboxProcess, type SandboxDatasetSummary, type SandboxProcess } from './sandbox-process';
import { createScratchDatabase } from './scratch-postgres';
import { sleep, startServiceProcess, type ServiceProcess } from './service-under-test';

const NAME = 'run after 24 approved months (PostgreSQL)';
const METHOD_SHORT = 'The same month run with and without 24 approved months before it.';
const MONTHS = 25;

interface RunBody {
  id: string;
  status: string;
  error?: string | null;
  counts?: { calls: number; lines: number; periods?: { computed: { period: string; reason: string }[]; skipped: string[] } | null } | null;
}

export async function runHistoryBenchmark(options: { callsPerMonth: number; postgresSkipReason: string | null }): Promise<BenchmarkOutcome> {
  if (options.postgresSkipReason) return skipped(NAME, METHOD_SHORT, options.postgresSkipReason);
  const sandbox = await startSandboxProcess({
    calls: options.callsPerMonth * MONTHS,
    seed: 17,
    months: MONTHS,
    endMonth: RUN_PERIOD,
    now: '2026-11-15T00:00:00Z',
    closedShare: 1,
    paymentShare: 1,
    missingDealValueShare: 0,
    upcomingShare: 0,
    rateLimit: { perMinute: null },
    faults: { malformedShare: 0 },
  });
  try {
    const months = monthsEndingAt(RUN_PERIOD, MONTHS);
    const earlier = months.filter((month) => month < RUN_PERIOD);
    const fresh = await measure(sandbox, async () => undefined);
    const history = await measure(sandbox, async (service) => {
      for (const month of earlier) {
        await runAndWait(service, { period: month });
        const approved = await service.request('POST', `/v1/periods/${month}/approve`, {});
        if (approved.status !== 200) throw new Error(`approving ${month} answered ${approved.status}`);
      }
    });
    const figures = [
      {
        label: 'no history: seconds',
        value: `${formatSeconds(fresh.seconds)} (${formatNumber(fresh.run.counts!.calls)} calls → ${formatNumber(fresh.run.counts!.lines)} lines)`,
      },
      {
        label: '24 approved months: seconds',
        value: `${formatSeconds(history.seconds)} (computed ${history.run.counts!.periods!.computed.map((entry) => entry.period).join(', ')}; left ${history.run.counts!.periods!.skipped.length} as they were)`,
      },
      { label: 'ratio, 24 approved months ÷ no history', value: formatRatio(history.seconds / fresh.seconds) },
      {
        label: 'recompute: all after 24 months, seconds',
        value: `${formatSeconds(history.full.seconds)} (${formatRatio(history.full.seconds / fresh.seconds)} of no history; computed ${history.full.run.counts!.periods!.computed.length} periods)`,
      },
    ];
    return {
      name: NAME,
      method:
        `${formatNumber(options.callsPerMonth)} calls a month over ${MONTHS} months (all closed, paid, priced), synced untimed into two scratch PostgreSQL databases through the built service (own process), ` +
        `with the monthly-run benchmark's plans (in force from 2024). In one database the ${earlier.length} months before ${RUN_PERIOD} are run and approved first (untimed); in the other they are not. ` +
        `Both databases are then analyzed (ANALYZE, standing in for autovacuum over the two years the history stands for). Timed in each: POST /v1/runs for ${RUN_PERIOD} until a 25-ms poll sees succeeded, each service freshly started. Then, on the history database, the same run again with recompute: all.`,
      figures,
      headline: [figures[2], figures[3]],
    };
  } finally {
    await sandbox.close();
  }
}

/** A scratch database seeded from the sandbox, `prepare`d, then the timed run of RUN_PERIOD in a freshly started service (and a full recompute after it). */
async function measure(sandbox: SandboxProcess, prepare: (service: ServiceProcess) => Promise<void>) {
  const scratch = await createScratchDatabase('history');
  let service: ServiceProcess | null = null;
  try {
    const env = { DATABASE_URL: scratch.url, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey };
    service = await startServiceProcess(env);
    await seedBySync(service);
    for (const plan of plansFrom2024(sandbox.dataset)) {
      const created = await service.request('POST', '/v1/plans', plan);
      if (created.status !== 201) throw new Error(`POST /v1/plans answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
    }
    await prepare(service);
    // Two years of history get analyzed by autovacuum as they accumulate; written here in a minute, they would be
    // timed with the planner's statistics of an empty ledger. Both databases are analyzed alike.
    await scratch.analyze();
    await service.stop();
    service = await startServiceProcess(env);
    const started = process.hrtime.bigint();
    const run = await runAndWait(service, { period: RUN_PERIOD });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const fullStarted = process.hrtime.bigint();
    const fullRun = await runAndWait(service, { period: RUN_PERIOD, recompute: 'all' });
    return { seconds, run, full: { seconds: Number(process.hrtime.bigint() - fullStarted) / 1e9, run: fullRun } };
  } finally {
    await service?.stop();
    await scratch.drop();
  }
}

async function runAndWait(service: ServiceProcess, body: Record<string, unknown>): Promise<RunBody> {
  let accepted = await service.request<RunBody>('POST', '/v1/runs', body);
  // The previous run of the period may still be letting go of its lock for a moment after it reported succeeded.
  for (let attempt = 0; accepted.status === 409 && attempt < 50; attempt++) {
    await sleep(100);
    accepted = await service.request<RunBody>('POST', '/v1/runs', body);
  }
  if (accepted.status !== 202) throw new Error(`POST /v1/runs answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 300)}`);
  let run = accepted.body;
  while (run.status !== 'succeeded' && run.status !== 'failed') {
    await sleep(25);
    run = (await service.request<RunBody>('GET', `/v1/runs/${accepted.body.id}`)).body;
  }
  if (run.status !== 'succeeded') throw new Error(`run of ${String(body.period)} failed: ${run.error ?? 'no error given'}`);
  return run;
}

function plansFrom2024(dataset: SandboxDatasetSummary): Record<string, unknown>[] {
  return benchmarkPlans(dataset).map((plan) => ({ ...plan, effective_from: '2024-01-01' }));
}

function monthsEndingAt(last: string, count: number): string[] {
  const [year, month] = last.split('-').map(Number);
  return Array.from({ length: count }, (_, index) => {
    const offset = year * 12 + (month - 1) - (count - 1 - index);
    return `${Math.floor(offset / 12)}-${String((offset % 12) + 1).padStart(2, '0')}`;
  });
}
