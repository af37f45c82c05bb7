import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { mkdirSync } from 'node:fs';
import { Client } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';
import { DatabaseTarget, describeTarget } from './database-target';
import { DatabaseUnavailableError } from './database-errors';

/**
 * An open database: the Prisma client the repositories use, and the adapter
 * factory the migration engine uses. One per process.
 */
export interface DatabaseConnection {
  readonly target: DatabaseTarget;
  readonly prisma: PrismaClient;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseConnection> {
  if (target.kind === 'postgresql') return openPostgres(target);
  return openPGlite(target);
}

async function openPostgres(target: DatabaseTarget & { kind: 'postgresql' }): Promise<DatabaseConnection> {
  // Probe with a plain client first: its errors say what is wrong in one line.
  const probe = new Client({ connectionString: target.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnavailableError(`Cannot connect to ${describeTarget(target)} given by DATABASE_URL: ${reason(error)}`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const adapterFactory = new PrismaPg({
    connectionString: target.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 10,
  });
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return { target, prisma, adapterFactory, close: () => prisma.$disconnect() };
}

async function openPGlite(target: DatabaseTarget & { kind: 'pglite' }): Promise<DatabaseConnection> {
  if (!target.dataDir.startsWith('memory://')) mkdirSync(target.dataDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(target.dataDir);
  } catch (error) {
    throw new DatabaseUnavailableError(`Cannot open the embedded database in ${target.dataDir} (DATA_DIR): ${reason(error)}`);
  }
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    target,
    prisma,
    adapterFactory,
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const errors = (error as { errors?: unknown }).errors; // AggregateError from a refused dual-stack connect
    if (!error.message && Array.isArray(errors) && errors[0] instanceof Error) return errors[0].message;
    return error.message.split('\n')[0] || error.name;
  }
  return String(error);
}
