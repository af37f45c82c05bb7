import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationList, SchemaFiles } from './schema-engine';

/** prisma/ at the project root, found from this file in src or in dist. */
export function prismaDirectory(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'prisma', 'schema.prisma');
    if (existsSync(candidate)) return path.dirname(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('prisma/schema.prisma not found above ' + __dirname);
    dir = parent;
  }
}

export const MIGRATION_LOCK_FILE = 'migration_lock.toml';

/** The migrations directory in the shape the schema engine expects, oldest first. */
export function readMigrationList(migrationsDir = path.join(prismaDirectory(), 'migrations')): MigrationList {
  const lockPath = path.join(migrationsDir, MIGRATION_LOCK_FILE);
  const names = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

export function readSchemaFiles(schemaPath = path.join(prismaDirectory(), 'schema.prisma')): SchemaFiles {
  return [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }];
}
