import type { PrismaClient } from './generated/prisma/client';
import type { DatabaseConnection } from './database-connection';
import { describeTarget, DatabaseTarget } from './database-target';
import { migrationStatus, MigrationStatus } from './migrations/migrator';

/** A Prisma client or the transaction client handed to repositories inside `transaction`. */
export type DatabaseClient = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface TransactionOptions {
  /** Seconds; long runs write many rows in one transaction. */
  timeoutSeconds?: number;
  isolation?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
}

/**
 * The process's one database. Services open explicit transactions here and
 * hand the transaction client to repository methods.
 */
export class DatabaseService {
  constructor(private readonly connection: DatabaseConnection) {}

  get client(): DatabaseClient {
    return this.connection.prisma;
  }

  get target(): DatabaseTarget {
    return this.connection.target;
  }

  get kind(): DatabaseTarget['kind'] {
    return this.connection.target.kind;
  }

  describe(): string {
    return describeTarget(this.connection.target);
  }

  transaction<T>(work: (tx: DatabaseClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.connection.prisma.$transaction(work, {
      timeout: (options.timeoutSeconds ?? 30) * 1000,
      maxWait: 10_000,
      isolationLevel: options.isolation,
    });
  }

  async ping(): Promise<void> {
    await this.connection.prisma.$queryRawUnsafe('SELECT 1');
  }

  migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(this.connection);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
