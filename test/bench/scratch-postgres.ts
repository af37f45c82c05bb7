import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The admin connection the benchmarks create scratch databases with. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  url: string;
  name: string;
  /** ANALYZE the whole database: the planner's statistics as autovacuum would have kept them. */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

/** Why PostgreSQL cannot be used, or null when the admin connection works. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL unreachable at ${redact(BENCH_DATABASE_URL)} (${error instanceof Error ? error.message || error.name : String(error)}); set BENCH_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's version string, e.g. "PostgreSQL 15.20". */
export async function postgresVersion(): Promise<string | null> {
  const client = new Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0].version.split(' on ')[0];
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, empty database on the benchmark server (like test/support/postgres.ts). */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const name = `commissions_bench_${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  // BENCH_KEEP_DATABASES=1 leaves the databases in place afterwards, to look into a slow query with EXPLAIN.
  const keep = process.env.BENCH_KEEP_DATABASES === '1';
  return {
    url: url.toString(),
    name,
    analyze: () => query(url.toString(), 'ANALYZE'),
    drop: () => (keep ? Promise.resolve(void process.stderr.write(`kept database ${name}\n`)) : adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

function adminQuery(sql: string): Promise<void> {
  return query(BENCH_DATABASE_URL, sql);
}

async function query(connectionString: string, sql: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'BENCH_DATABASE_URL';
  }
}
