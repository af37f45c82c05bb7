/**
 * `npm run bench` (full sizes) or `npm run bench -- --quick` (scaled down,
 * well under 3 minutes with the build): runs every benchmark in order,
 * prints one block per figure with its method, then a summary table.
 * A benchmark that cannot run prints "skipped: <reason>"; the run still
 * exits 0. Options: --only=engine,sync,pacing,run,history,api  --json=<file>
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { runApiBenchmarks } from './api.bench';
import { BenchmarkOutcome, formatNumber, formatSeconds, printBlock, printSummary, skipped } from './bench-report';
import { runEngineInChildProcess } from './engine-process';
import { runMonthlyRunBenchmark, type RunFixture } from './monthly-run.bench';
import { runPacingBenchmark } from './pacing.bench';
import { BENCH_DATABASE_URL, postgresUnavailable, postgresVersion } from './scratch-postgres';
import { runHistoryBenchmark } from './run-history.bench';
import { runSyncBenchmarks, type SyncMeasurement } from './sync.bench';

interface Sizes {
  engineCalls: number;
  /** Each size is a separate sync into fresh databases. */
  syncCalls: number[];
  pacingWindows: number;
  pacingPageSize: number;
  /** Pacing window ÷ estimated unpaced time of 100 pages. */
  pacingHeadroom: number;
  runCalls: number;
  /** Calls a month in the run-after-history benchmark (25 months). */
  historyCallsPerMonth: number;
  apiSeconds: number;
}

const FULL: Sizes = {
  engineCalls: 1_000_000,
  syncCalls: [5_000, 100_000],
  pacingWindows: 4,
  pacingPageSize: 100,
  pacingHeadroom: 2,
  runCalls: 100_000,
  historyCallsPerMonth: 2_000,
  apiSeconds: 20,
};
const QUICK: Sizes = {
  engineCalls: 100_000,
  syncCalls: [2_000],
  pacingWindows: 3,
  pacingPageSize: 10,
  pacingHeadroom: 1.5,
  runCalls: 3_000,
  historyCallsPerMonth: 100,
  apiSeconds: 3,
};
const ALL = ['engine', 'sync', 'pacing', 'run', 'history', 'api'] as const;
type Part = (typeof ALL)[number];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyArgument = argv.find((arg) => arg.startsWith('--only='));
  const only = new Set<Part>(onlyArgument ? (onlyArgument.slice('--only='.length).split(',') as Part[]) : ALL);
  const jsonArgument = argv.find((arg) => arg.startsWith('--json='));
  const sizes = quick ? QUICK : FULL;
  const began = Date.now();

  const postgresSkipReason = await postgresUnavailable();
  const machine = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${formatNumber(os.totalmem() / 2 ** 30, 1)} GiB`,
    node: process.version,
    postgres: postgresSkipReason
      ? `unavailable (${postgresSkipReason})`
      : `${(await postgresVersion()) ?? 'unknown version'} via ${new URL(BENCH_DATABASE_URL).host}`,
    loadAverageAtStart: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  };
  process.stdout.write(
    [
      `commission service benchmarks (${machine.mode}) — ${machine.date}`,
      `machine: ${machine.cpus}, ${machine.memory}, node ${machine.node}, ${machine.postgres}`,
      `load average at start: ${machine.loadAverageAtStart}`,
      `sizes: engine ${formatNumber(sizes.engineCalls)} calls, sync ${sizes.syncCalls.map((calls) => formatNumber(calls)).join(' and ')} calls, pacing ${sizes.pacingWindows} windows of 100 pages of ${sizes.pacingPageSize}, ` +
        `monthly run ${formatNumber(sizes.runCalls)} calls, run after history ${formatNumber(sizes.historyCallsPerMonth)} calls a month × 25, API ${sizes.apiSeconds} s per route`,
      '',
    ].join('\n'),
  );

  const outcomes: BenchmarkOutcome[] = [];
  const attempt = async (name: string, method: string, work: () => Promise<BenchmarkOutcome[]>) => {
    const startedAt = Date.now();
    let results: BenchmarkOutcome[];
    try {
      results = await work();
    } catch (error) {
      results = [skipped(name, method, error instanceof Error ? error.message.split('\n')[0] : String(error))];
    }
    for (const outcome of results) {
      printBlock(outcome);
      outcomes.push(outcome);
    }
    process.stdout.write(`   (${name}: ${formatSeconds((Date.now() - startedAt) / 1000)} wall time, set-up included)\n`);
  };

  if (only.has('engine')) {
    await attempt('engine', 'computePayouts in a child process.', async () => [await runEngineInChildProcess(sizes.engineCalls, { streamed: !quick })]);
  }

  let syncMeasured: { pglite: SyncMeasurement | null; postgresql: SyncMeasurement | null } = { pglite: null, postgresql: null };
  if (only.has('sync')) {
    await attempt('sync', 'SyncService.syncAndWait from the sandbox.', async () => {
      // Each size against its own baseline; pacing takes its page time from the largest.
      const outcomes: BenchmarkOutcome[] = [];
      for (const calls of sizes.syncCalls) {
        const results = await runSyncBenchmarks({ calls, postgresSkipReason, rawPGlite: !quick });
        syncMeasured = results;
        outcomes.push(...results.outcomes);
      }
      return outcomes;
    });
  }

  if (only.has('pacing')) {
    // Pacing is the client's behaviour, not the database's: PostgreSQL when reachable (it boots in a second; PGlite
    // takes many), else PGlite. The window is sized from that database's measured page time (a guess when not measured).
    const measured = syncMeasured.postgresql ?? syncMeasured.pglite;
    const choice = {
      target: postgresSkipReason ? ('pglite' as const) : ('postgresql' as const),
      secondsPerPage: (postgresSkipReason ? syncMeasured.pglite : syncMeasured.postgresql)?.secondsPerPage ?? measured?.secondsPerPage ?? 0.3,
    };
    // A page of 10 calls costs about a fifth of a page of 100 (per-transaction overhead dominates; measured on this machine).
    const secondsPerPage = choice.secondsPerPage * (sizes.pacingPageSize >= 100 ? 1 : 0.2);
    await attempt('pacing', 'SyncService against a rate-limited sandbox.', async () => [
      await runPacingBenchmark({
        windows: sizes.pacingWindows,
        pageSize: sizes.pacingPageSize,
        target: choice.target,
        secondsPerPage,
        headroom: sizes.pacingHeadroom,
      }),
    ]);
  }

  let fixture: RunFixture | null = null;
  let runSkipReason: string | null = only.has('run') ? null : 'the monthly run, whose statements it reads, was not selected';
  if (only.has('run')) {
    await attempt('monthly run (PostgreSQL)', 'POST /v1/runs on PostgreSQL.', async () => {
      const result = await runMonthlyRunBenchmark({ calls: sizes.runCalls, postgresSkipReason });
      fixture = result.fixture;
      if (result.outcome.skipped) runSkipReason = result.outcome.skipped;
      return [result.outcome];
    });
    if (!fixture && !runSkipReason) runSkipReason = 'the monthly run did not complete';
  }

  if (only.has('api')) {
    const apiFixture = fixture as RunFixture | null;
    await attempt('API: statements', 'autocannon against the statements routes.', async () => {
      if (!apiFixture)
        return [skipped('API: statements', 'autocannon against GET /v1/statements/:id and the statement list.', `no statements to read: ${runSkipReason}`)];
      return runApiBenchmarks(apiFixture, sizes.apiSeconds);
    });
  }
  await (fixture as RunFixture | null)?.close().catch(() => undefined);

  if (only.has('history')) {
    await attempt('run after 24 approved months (PostgreSQL)', 'POST /v1/runs with and without history.', async () => [
      await runHistoryBenchmark({ callsPerMonth: sizes.historyCallsPerMonth, postgresSkipReason }),
    ]);
  }

  printSummary(outcomes);
  const total = (Date.now() - began) / 1000;
  process.stdout.write(
    `\ntotal benchmark time ${formatSeconds(total)} (build excluded); load average at end: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}\n`,
  );
  if (jsonArgument) {
    writeFileSync(
      jsonArgument.slice('--json='.length),
      JSON.stringify({ machine, sizes, outcomes, totalSeconds: total, loadAverageAtEnd: os.loadavg() }, null, 2),
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
