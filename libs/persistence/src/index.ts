export * from './database-target';
export * from './database-errors';
export * from './database-connection';
export * from './database.service';
export * from './exclusive-lock';
export * from './persistence.module';
export * from './migrations/migrator';
export * from './migrations/migration-files';
export { Prisma } from './generated/prisma/client';
