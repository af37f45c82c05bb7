/** The database cannot be reached or opened; the process should not start. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Migrations could not be read or applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}
