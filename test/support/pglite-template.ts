import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';

/**
 * PGlite spends seconds in its first start (initdb inside WebAssembly);
 * reopening a data directory takes well under one. Jest's global setup makes
 * one migrated directory per set of migrations; each test app starts from a
 * copy of it.
 */
const ROOT = path.resolve(__dirname, '../..');

export function templateDirectory(): string {
  const migrations = path.join(ROOT, 'prisma/migrations');
  const hash = createHash('sha256');
  for (const name of readdirSync(migrations).sort()) {
    const file = path.join(migrations, name, 'migration.sql');
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return path.join(tmpdir(), `aura-commissions-pglite-template-${hash.digest('hex').slice(0, 16)}`);
}

/** A fresh copy of the migrated template for one test app, or null without a template (then: in memory). */
export function copyOfTemplate(): { dataDir: string; remove(): void } | null {
  const template = templateDirectory();
  if (!existsSync(template)) return null;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'aura-commissions-test-'));
  cpSync(template, dataDir, { recursive: true });
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * Builds the template once, with the compiled persistence library (Jest's
 * global setup runs outside its module mapper; `npm test` builds first).
 * Concurrent runs each build their own and the first rename wins.
 */
export async function ensureTemplate(): Promise<void> {
  const template = templateDirectory();
  const compiled = path.join(ROOT, 'dist/libs/persistence/src/index.js');
  if (existsSync(template) || !existsSync(compiled)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openDatabase, applyMigrations } = require(compiled) as typeof import('../../libs/persistence/src');
  const building = mkdtempSync(`${template}-building-`);
  const connection = await openDatabase({ kind: 'pglite', dataDir: building });
  await applyMigrations(connection);
  await connection.close();
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run made it first
  }
}
