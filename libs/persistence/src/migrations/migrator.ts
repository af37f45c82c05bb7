import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { lockKey } from '../exclusive-lock';
import type { DatabaseConnection } from '../database-connection';
import { MigrationError } from '../database-errors';
import { readMigrationList, readSchemaFiles } from './migration-files';
import { MigrationList, NO_EXTERNAL_OBJECTS, withSchemaEngine } from './schema-engine';

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(connection: DatabaseConnection, migrations: MigrationList = readMigrationList()): Promise<string[]> {
  try {
    const { appliedMigrationNames } = await oneMigratorAtATime(connection, () =>
      withSchemaEngine(connection.adapterFactory, (engine) => engine.applyMigrations({ migrationsList: migrations, filters: NO_EXTERNAL_OBJECTS })),
    );
    return appliedMigrationNames;
  } catch (error) {
    throw new MigrationError(`Applying migrations failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const MIGRATION_LOCK = lockKey('migrations');
const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;

/**
 * Replicas starting together queue here. The schema engine takes Prisma's
 * own advisory lock too, but gives up after a few seconds, which would fail
 * every replica but the first; ours waits.
 */
async function oneMigratorAtATime<T>(connection: DatabaseConnection, work: () => Promise<T>): Promise<T> {
  if (connection.target.kind !== 'postgresql') return work();
  const client = new Client({ connectionString: connection.target.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${MIGRATION_LOCK_WAIT_MS}`);
    await client.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** Which of the project's migrations the database has recorded as finished. */
export async function migrationStatus(connection: DatabaseConnection, migrations: MigrationList = readMigrationList()): Promise<MigrationStatus> {
  const known = migrations.migrationDirectories.map((dir) => dir.path);
  let finished: string[];
  try {
    const rows = await connection.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    finished = rows.map((row) => row.migration_name);
  } catch {
    finished = []; // no bookkeeping table yet: nothing applied
  }
  const done = new Set(finished);
  return { applied: known.filter((name) => done.has(name)), pending: known.filter((name) => !done.has(name)) };
}

/**
 * The SQL that would bring the migrations up to `schema.prisma`, or null when
 * they agree. The existing migrations are replayed into a throwaway in-memory
 * PGlite and diffed against the schema (diffing a live PostgreSQL through
 * adapter-pg is not supported by the WASM engine).
 */
export async function pendingSchemaChanges(migrations: MigrationList = readMigrationList(), schemaFiles = readSchemaFiles()): Promise<string | null> {
  const shadow = await PGlite.create('memory://');
  try {
    return await withSchemaEngine(new PrismaPGlite(shadow), async (engine) => {
      if (migrations.migrationDirectories.length > 0) {
        await engine.applyMigrations({ migrationsList: migrations, filters: NO_EXTERNAL_OBJECTS });
      }
      const diff = await engine.diff({
        from: { tag: 'schemaDatasource', files: schemaFiles, configDir: migrations.baseDir },
        to: { tag: 'schemaDatamodel', files: schemaFiles },
        script: true,
        exitCode: true,
        filters: NO_EXTERNAL_OBJECTS,
      });
      return diff.exitCode === 0 || !diff.stdout ? null : diff.stdout;
    });
  } finally {
    await shadow.close();
  }
}
