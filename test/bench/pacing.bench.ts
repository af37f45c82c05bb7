/**
 * Pacing: the sandbox enforces Aura's 100 requests a minute, time-scaled so a
 * "minute" lasts a few real seconds, and the real SyncService syncs enough
 * calls to need several windows. How much of the allowed budget does the
 * sync use, and is it ever refused (429)?
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SyncService } from '@app/ingestion';
import { BenchmarkOutcome, formatNumber, formatSeconds } from './bench-report';
import { startSandboxProcess } from './sandbox-process';
import { createScratchDatabase, type ScratchDatabase } from './scratch-postgres';
import { sleep, startInProcessApp } from './service-under-test';
import { SYNC_SANDBOX_OPTIONS } from './sync.bench';

const PER_MINUTE = 100;

export interface PacingOptions {
  /** Rate-limit windows the sync should need (calls = windows × 100 × pageSize). */
  windows: number;
  /** AURA_PAGE_SIZE: 100 in production (ceiling 10,000 calls a minute); smaller keeps --quick short. */
  pageSize: number;
  target: 'pglite' | 'postgresql';
  /** Estimated unpaced seconds per page of `pageSize` calls on this target (from the sync benchmark). */
  secondsPerPage: number;
  /** Window length ÷ the estimated unpaced time of its 100 pages (2 in a full run). */
  headroom: number;
}

export async function runPacingBenchmark(options: PacingOptions): Promise<BenchmarkOutcome> {
  // One window must outlast the unpaced work of its 100 requests with room to
  // spare, as a real minute does (100 pages take seconds, not a minute);
  // otherwise the figure would measure the database, not the pacing.
  const workMs = PER_MINUTE * options.secondsPerPage * 1000;
  const windowMs = Math.max(1_000, Math.ceil((options.headroom * workMs) / 500) * 500);
  const timeScale = 60_000 / windowMs;
  const calls = options.windows * PER_MINUTE * options.pageSize;
  const ceiling = PER_MINUTE * options.pageSize;

  const sandbox = await startSandboxProcess({ ...SYNC_SANDBOX_OPTIONS, seed: 12, calls, rateLimit: { perMinute: PER_MINUTE, timeScale } });
  let scratch: ScratchDatabase | null = null;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pacing-'));
  try {
    if (options.target === 'postgresql') scratch = await createScratchDatabase('pacing');
    const service = await startInProcessApp({
      AURA_API_URL: sandbox.url,
      AURA_API_KEY: sandbox.apiKey,
      AURA_PAGE_SIZE: String(options.pageSize),
      ...(scratch ? { DATABASE_URL: scratch.url } : { DATA_DIR: dataDir }),
    });
    try {
      // Start just after a window boundary so the first window is a whole one.
      const now = Date.now();
      await sleep(Math.ceil(now / windowMs) * windowMs - now + 5);
      await sandbox.resetStats();
      const startedAt = Date.now();
      const run = await service.app.get(SyncService).syncAndWait('manual');
      const endedAt = Date.now();
      if (!run || run.status !== 'succeeded') throw new Error(`sync ended ${run?.status ?? 'without a run'}: ${run?.error ?? ''}`);
      const stats = await sandbox.stats();

      const windowsTouched = Math.floor(endedAt / windowMs) - Math.floor(startedAt / windowMs) + 1;
      const allowed = windowsTouched * PER_MINUTE;
      const share = stats.requests / allowed;
      const throttled = stats.byStatus[429] ?? 0;
      const figures = [
        {
          label: 'share of allowed requests used',
          value: `${formatNumber(share * 100, 1)} % (${formatNumber(stats.requests)} requests of ${formatNumber(allowed)} allowed in ${windowsTouched} windows)`,
        },
        { label: '429 responses', value: `${formatNumber(throttled)} (target 0; refused by the limiter: ${formatNumber(stats.rateLimited)})` },
        {
          label: 'calls per window overlapped',
          value: `${formatNumber(run.inserted / windowsTouched)} (ceiling ${formatNumber(ceiling)}: 100 requests × ${options.pageSize} calls a page)`,
        },
        { label: 'most requests in one window', value: `${formatNumber(stats.maxRequestsInAnyWindow)} (limit ${PER_MINUTE})` },
        {
          label: 'window',
          value: `${formatSeconds(windowMs / 1000)} (time scale ${formatNumber(timeScale, 2)}); sync took ${formatSeconds((endedAt - startedAt) / 1000)}, waited ${formatSeconds(run.rateLimitWaitMs / 1000)} for resets${run.rateLimitWaitMs > 0 ? ' (limit-bound)' : ' (never waited: database-bound, the share understates the pacing)'}`,
        },
      ];
      return {
        name: `pacing (100 requests/minute, ${options.target === 'postgresql' ? 'PostgreSQL' : 'PGlite'})`,
        method:
          `The sandbox (own process) allows 100 requests per window and the real SyncService (bench process, pacing on, AURA_PAGE_SIZE=${options.pageSize}${options.pageSize === 100 ? ' as in production' : ' to keep --quick short'}) ` +
          `syncs ${formatNumber(calls)} calls = ${options.windows} windows of 100 pages into an empty database, ` +
          `starting on a window boundary. The window is scaled to ${formatSeconds(windowMs / 1000)}, ${formatNumber(options.headroom, 1)}× the estimated unpaced time of 100 pages on this database, so the limit, not the database, is what binds (as with a real 60-s minute). ` +
          'Share = requests the sandbox received ÷ (100 × windows the sync overlapped); 429s from sandbox.stats().',
        figures,
        headline: figures.slice(0, 3),
      };
    } finally {
      await service.close();
    }
  } finally {
    await sandbox.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
