/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the
 * embedded database in DATA_DIR). Equivalent to `prisma migrate deploy`.
 */
import { ConfigurationError, loadConfiguration } from '@app/configuration';
import { describeTarget } from '../database-target';
import { openDatabase } from '../database-connection';
import { applyMigrations } from '../migrations/migrator';

async function main(): Promise<void> {
  const { target } = loadConfiguration(process.env).database;
  const connection = await openDatabase(target);
  try {
    const applied = await applyMigrations(connection);
    process.stdout.write(
      applied.length > 0
        ? `Applied ${applied.length} migration(s) to ${describeTarget(target)}:\n${applied.map((name) => `  ${name}\n`).join('')}`
        : `${describeTarget(target)} is up to date; no migration applied.\n`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigurationError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
