/** The database cannot be reached or opened; the process should not start. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Migrations could not be read or applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * A failure as an operator may read it in a run's or sync's `error`: the
 * message of an error the service raised on purpose, and for anything else
 * (a database error, a bug) its kind and first line, with file paths and
 * source excerpts removed. The whole error still goes to the log.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'Unexpected failure';
  const code = (error as { code?: unknown }).code;
  const fromDatabase = /Prisma|DriverAdapter|Database|PGlite|pg/i.test(error.name) || (typeof code === 'string' && /^P\d{4}$/.test(code));
  const lines = error.message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/(^|\s)(\/|[A-Za-z]:\\)[^\s]*\.(ts|js)\b|^\d+\s*[|│]|^→|invocation in|^at\s/.test(line));
  const summary = (lines[lines.length - 1] ?? error.name).replace(/\s+/g, ' ').slice(0, 500);
  return fromDatabase ? `The database refused the write${typeof code === 'string' ? ` (${code})` : ''}: ${summary}` : summary;
}
