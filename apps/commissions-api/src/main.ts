import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfiguration } from '@app/configuration';
import { DatabaseUnavailableError, MigrationError, openDatabase } from '@app/persistence';
import { createApp } from './create-app';

/**
 * Validates the environment before anything else; a bad value or an
 * unreachable database stops the process with one line naming the cause.
 */
async function main(): Promise<void> {
  const config = loadConfiguration(process.env);
  if (config.database.target.kind === 'postgresql') {
    await (await openDatabase(config.database.target)).close(); // fail fast, in one line, before Nest starts
  }
  const app = await createApp();
  await app.listen(config.http.port, '0.0.0.0');
  new Logger('Main').log(`Listening on port ${config.http.port}; API docs at /docs`);
}

main().catch((error: unknown) => {
  const expected = error instanceof ConfigurationError || error instanceof DatabaseUnavailableError || error instanceof MigrationError;
  process.stderr.write(
    expected ? `${(error as Error).message}\n` : `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
