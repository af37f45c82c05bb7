import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../database-connection';
import { prismaDirectory, readMigrationList, readSchemaFiles } from './migration-files';
import { applyMigrations, migrationStatus, pendingSchemaChanges } from './migrator';

describe('migrations', () => {
  it('agree with schema.prisma (the drift check: add a migration when this fails)', async () => {
    const drift = await pendingSchemaChanges();
    if (drift !== null) {
      throw new Error(`schema.prisma and prisma/migrations differ; run npm run db:migration -- --name <name>. Missing SQL:\n${drift}`);
    }
  });

  it('detect a schema change that has no migration', async () => {
    const [schema] = readSchemaFiles();
    const changed = schema.content.replace('model ApiKey {', 'model ApiKey {\n  colour String?');
    const drift = await pendingSchemaChanges(readMigrationList(), [{ path: schema.path, content: changed }]);
    expect(drift).toMatch(/ALTER TABLE "api_keys" ADD COLUMN\s+"colour" TEXT/);
  });

  it('apply once, record themselves in _prisma_migrations, and do nothing the second time', async () => {
    const connection = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      const all = readMigrationList().migrationDirectories.map((dir) => dir.path);
      expect(await migrationStatus(connection)).toEqual({ applied: [], pending: all });
      expect(await applyMigrations(connection)).toEqual(all);
      expect(await applyMigrations(connection)).toEqual([]);
      expect(await migrationStatus(connection)).toEqual({ applied: all, pending: [] });
    } finally {
      await connection.close();
    }
  });

  it("keep Prisma's own lock file so prisma migrate deploy accepts the folder", () => {
    expect(readFileSync(path.join(prismaDirectory(), 'migrations', 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
  });
});
