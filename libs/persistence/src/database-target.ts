/** Where the service keeps its state: a PostgreSQL server or an embedded PGlite directory. */
export type DatabaseTarget = { kind: 'postgresql'; url: string } | { kind: 'pglite'; dataDir: string /* a directory, or 'memory://' */ };

/** A URL safe to log: the password is replaced. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'pglite') return `embedded PGlite (${target.dataDir})`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = '***';
    return `PostgreSQL (${url.host}${url.pathname})`;
  } catch {
    return 'PostgreSQL';
  }
}
