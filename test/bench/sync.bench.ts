/**
 * Sync throughput: N calls (and their payments) from the Aura sandbox (no
 * rate limit) into an empty PGlite and an empty PostgreSQL through the real
 * SyncService, each compared with the same rows (calls and payments) written
 * by a raw multi-row INSERT … ON CONFLICT (id) DO UPDATE in batches of 100
 * (the service's page size).
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { AuraClient, parseAuraCall } from '@app/aura-client';
import { contentHash } from '@app/content-hash';
import { deriveCall, SyncService } from '@app/ingestion';
import { DatabaseService, prismaDirectory } from '@app/persistence';
import { BenchmarkOutcome, formatNumber, formatRatio, formatSeconds, skipped } from './bench-report';
import { rawMultiRowInsert, RawInsertResult, readRowsAsText, TableRows } from './raw-insert';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';
import { createScratchDatabase } from './scratch-postgres';
import { startInProcessApp } from './service-under-test';

export const SYNC_SANDBOX_OPTIONS = {
  seed: 11,
  months: 3,
  endMonth: '2026-10',
  now: '2026-11-15T00:00:00Z',
  upcomingShare: 0, // the sync reads past calls only: every generated call is synced
  faults: { malformedShare: 0 },
};
const PAGE_SIZE = 100;

export interface SyncMeasurement {
  calls: number;
  seconds: number;
  pages: number;
  /** Seconds per page of 100 calls, unpaced: what one rate-limit window's 100 requests cost. */
  secondsPerPage: number;
}

export interface SyncBenchmarkResults {
  outcomes: BenchmarkOutcome[];
  pglite: SyncMeasurement | null;
  postgresql: SyncMeasurement | null;
}

/** `rawPGlite`: also time the raw INSERT into a fresh PGlite (a few seconds of PGlite start-up; off in --quick). */
export async function runSyncBenchmarks(options: { calls: number; postgresSkipReason: string | null; rawPGlite: boolean }): Promise<SyncBenchmarkResults> {
  const sandbox = await startSandboxProcess({ ...SYNC_SANDBOX_OPTIONS, calls: options.calls, rateLimit: { perMinute: null } });
  try {
    const fetchOnly = await fetchAndParseOnly(sandbox);

    const pglite = await syncIntoPGlite(sandbox);
    const pgliteRaw = options.rawPGlite ? await rawIntoPGlite(pglite.tables) : null;
    pglite.tables = emptyTables();

    let postgresql: (SyncRun & { raw: RawInsertResult }) | null = null;
    let postgresError: string | null = options.postgresSkipReason;
    if (!postgresError) {
      try {
        postgresql = await syncIntoPostgres(sandbox);
      } catch (error) {
        postgresError = `PostgreSQL sync failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }

    const calls = sandbox.size;
    const outcomes: BenchmarkOutcome[] = [
      {
        name: `sync reference: fetch + parse only, ${formatNumber(calls)} calls`,
        method:
          `The service's AuraClient pages all ${formatNumber(calls)} calls from the sandbox (its own process, no rate limit) and each record is parsed, ` +
          'derived and hashed as the sync does, but nothing is written. Timed from the first request to the last page; the code is cold.',
        figures: [
          { label: 'calls per second', value: formatNumber(calls / fetchOnly.seconds) },
          { label: 'seconds', value: formatSeconds(fetchOnly.seconds) },
        ],
      },
      syncOutcome(
        `sync → PGlite, ${formatNumber(calls)} calls`,
        'an empty embedded PGlite in a temp directory on disk',
        pglite,
        postgresql?.raw ?? null,
        postgresError,
        pgliteRaw && {
          label: 'raw upsert into PGlite, rows/s',
          raw: pgliteRaw,
        },
      ),
      postgresql
        ? syncOutcome(`sync → PostgreSQL, ${formatNumber(calls)} calls`, 'an empty scratch PostgreSQL database', postgresql, postgresql.raw, null, null)
        : skipped(`sync → PostgreSQL, ${formatNumber(calls)} calls`, 'SyncService.syncAndWait into a scratch PostgreSQL database.', postgresError ?? 'unknown'),
    ];
    return {
      outcomes,
      pglite: measurement(pglite),
      postgresql: postgresql ? measurement(postgresql) : null,
    };
  } finally {
    await sandbox.close();
  }
}

interface SyncRun {
  calls: number;
  seconds: number;
  pages: number;
  runDurationMs: number | null;
  /** Every row the sync stored, table by table (calls, payments), read back as text. */
  tables: { calls: TableRows; payments: TableRows };
}

function measurement(run: SyncRun): SyncMeasurement {
  return { calls: run.calls, seconds: run.seconds, pages: run.pages, secondsPerPage: run.seconds / run.pages };
}

function syncOutcome(
  name: string,
  into: string,
  run: SyncRun,
  postgresRaw: RawInsertResult | null,
  postgresRawMissing: string | null,
  local: { label: string; raw: RawInsertResult } | null,
): BenchmarkOutcome {
  const callsPerSecond = run.calls / run.seconds;
  const figures = [
    { label: 'calls per second', value: formatNumber(callsPerSecond) },
    { label: 'seconds', value: `${formatSeconds(run.seconds)} (${formatNumber(run.pages)} pages; sync run's own duration_ms ${run.runDurationMs ?? '?'})` },
  ];
  if (postgresRaw) {
    figures.push(
      {
        label: 'raw upsert into PostgreSQL, rows/s',
        value: `${formatNumber(postgresRaw.rowsPerSecond)} (${formatNumber(postgresRaw.rows)} rows in ${formatSeconds(postgresRaw.seconds)})`,
      },
      { label: 'sync throughput ÷ raw PostgreSQL upsert throughput', value: formatRatio(postgresRaw.seconds / run.seconds) },
    );
  } else {
    figures.push({ label: 'ratio to raw PostgreSQL INSERT', value: `skipped: ${postgresRawMissing ?? 'not measured'}` });
  }
  if (local) {
    figures.push(
      { label: local.label, value: `${formatNumber(local.raw.rowsPerSecond)} (${formatNumber(local.raw.rows)} rows in ${formatSeconds(local.raw.seconds)})` },
      { label: 'sync throughput ÷ raw PGlite upsert throughput', value: formatRatio(local.raw.seconds / run.seconds) },
    );
  }
  return {
    name,
    method:
      `SyncService.syncAndWait('manual') of ${formatNumber(run.calls)} calls from the sandbox (own process, no rate limit) into ${into}, booted by createApp() ` +
      'in the bench process; timed from the call to the finished run (fetch, parse, derive, hash, one transaction per 100-call page, final missing-upstream pass), app boot and migrations excluded. ' +
      'The raw upsert writes the same rows (every column of every call and payment as the sync stored them, read back) into empty copies of `calls` and `payments` (same indexes), ' +
      '100 rows per multi-row INSERT … ON CONFLICT (id) DO UPDATE, one statement per batch, autocommit, through one connection.',
    figures,
    headline: figures.filter((figure) => !figure.label.startsWith('seconds')),
  };
}

async function fetchAndParseOnly(sandbox: SandboxProcess): Promise<{ seconds: number; calls: number }> {
  const client = new AuraClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, pacing: false });
  const settings = {
    amountScale: 2,
    currency: 'USD',
    roundingMode: 'half_up' as const,
    timezone: 'UTC',
    commissionableStatuses: ['closed'],
    commissionDateFields: ['ended_at', 'scheduled_at', 'created_at'],
  };
  let calls = 0;
  const started = process.hrtime.bigint();
  for await (const page of client.pages({ is_upcoming: 'false' })) {
    for (const raw of page.records) {
      const parsed = parseAuraCall(raw);
      if (parsed.ok) {
        deriveCall(parsed.call, settings);
        contentHash(raw);
        calls += 1;
      }
    }
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, calls };
}

async function syncOnce(sandbox: SandboxProcess, env: Record<string, string>, expectedKind: 'pglite' | 'postgresql'): Promise<SyncRun> {
  const service = await startInProcessApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, ...env });
  try {
    const database = service.app.get(DatabaseService);
    if (database.kind !== expectedKind) throw new Error(`expected ${expectedKind}, the app opened ${database.describe()}`);
    const started = process.hrtime.bigint();
    const run = await service.app.get(SyncService).syncAndWait('manual');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!run || run.status !== 'succeeded') throw new Error(`sync ended ${run?.status ?? 'without a run'}: ${run?.error ?? ''}`);
    if (run.inserted !== sandbox.size) throw new Error(`sync inserted ${run.inserted} of ${sandbox.size} calls`);
    const read = (sql: string, params: unknown[] = []) => database.client.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
    const tables = { calls: await readRowsAsText(read, 'calls', 'first_seen_at, id'), payments: await readRowsAsText(read, 'payments', 'first_seen_at, id') };
    return { calls: run.inserted, seconds, pages: run.pages, runDurationMs: run.durationMs, tables };
  } finally {
    await service.close();
  }
}

async function syncIntoPGlite(sandbox: SandboxProcess): Promise<SyncRun> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-sync-pglite-'));
  try {
    return await syncOnce(sandbox, { DATA_DIR: dataDir }, 'pglite');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function syncIntoPostgres(sandbox: SandboxProcess): Promise<SyncRun & { raw: RawInsertResult }> {
  const scratch = await createScratchDatabase('sync');
  try {
    const run = await syncOnce(sandbox, { DATABASE_URL: scratch.url }, 'postgresql');
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    try {
      // The sync just filled these tables: without this, autovacuum (and the flush of their pages) may run while the raw insert is timed.
      await client.query('VACUUM ANALYZE calls, payments');
      await client.query('CHECKPOINT');
      const written: RawInsertResult[] = [];
      for (const table of ['calls', 'payments'] as const) {
        await client.query(`CREATE TABLE ${table}_raw (LIKE ${table} INCLUDING ALL)`);
        await client.query(`VACUUM ANALYZE ${table}_raw`);
        written.push(await rawMultiRowInsert(client, `${table}_raw`, run.tables[table], { batchSize: PAGE_SIZE, upsertOn: 'id' }));
        const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM ${table}_raw`);
        if (Number(rows[0].count) !== run.tables[table].rows.length) throw new Error(`raw insert wrote ${rows[0].count} rows into ${table}_raw`);
      }
      return { ...run, tables: emptyTables(), raw: combined(written) };
    } finally {
      await client.end();
    }
  } finally {
    await scratch.drop();
  }
}

/** The same rows into a fresh PGlite (temp directory) holding the service's tables (every migration, in order). */
async function rawIntoPGlite(tables: SyncRun['tables']): Promise<RawInsertResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-raw-pglite-'));
  const pglite = await PGlite.create(dataDir);
  try {
    const migrations = path.join(prismaDirectory(), 'migrations');
    for (const name of readdirSync(migrations)
      .filter((entry) => /^\d+_/.test(entry))
      .sort()) {
      await pglite.exec(readFileSync(path.join(migrations, name, 'migration.sql'), 'utf8'));
    }
    const written: RawInsertResult[] = [];
    for (const table of ['calls', 'payments'] as const) {
      written.push(await rawMultiRowInsert(pglite, table, tables[table], { batchSize: PAGE_SIZE, upsertOn: 'id' }));
    }
    return combined(written);
  } finally {
    await pglite.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function emptyTables(): SyncRun['tables'] {
  return { calls: { columns: [], rows: [] }, payments: { columns: [], rows: [] } };
}

/** Several raw INSERT passes as one: their rows and time added up. */
function combined(results: RawInsertResult[]): RawInsertResult {
  const rows = results.reduce((sum, result) => sum + result.rows, 0);
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  return { rows, batches: results.reduce((sum, result) => sum + result.batches, 0), seconds, rowsPerSecond: rows / seconds };
}
