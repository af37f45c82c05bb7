import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { databaseConfig, DatabaseConfig } from '@app/configuration';
import { openDatabase } from './database-connection';
import { DatabaseService } from './database.service';
import { describeTarget } from './database-target';
import { ExclusiveLock } from './exclusive-lock';
import { applyMigrations, migrationStatus } from './migrations/migrator';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [databaseConfig.KEY],
      useFactory: async (config: DatabaseConfig) => {
        const logger = new Logger('Database');
        const connection = await openDatabase(config.target);
        if (config.migrateOnStart) {
          // The schema engine (WebAssembly, about a second to load) only when there is something to apply:
          // a start on an up-to-date database reads one table.
          const applied = (await migrationStatus(connection)).pending.length > 0 ? await applyMigrations(connection) : [];
          logger.log(
            applied.length > 0
              ? `Applied ${applied.length} migration(s) to ${describeTarget(config.target)}: ${applied.join(', ')}`
              : `${describeTarget(config.target)} is up to date; no migration applied`,
          );
        } else {
          logger.log(`Using ${describeTarget(config.target)}; MIGRATE_ON_START=false, migrations not applied`);
        }
        return new DatabaseService(connection);
      },
    },
    {
      provide: ExclusiveLock,
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => new ExclusiveLock(config.target),
    },
  ],
  exports: [DatabaseService, ExclusiveLock],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    new Logger('Database').log(`Closing ${this.database.describe()}${signal ? ` on ${signal}` : ''}`);
    await this.database.close();
  }
}
