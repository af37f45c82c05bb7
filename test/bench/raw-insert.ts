/**
 * The floor the service's writes are compared with: the same rows written by
 * hand as parameterised multi-row INSERTs, one statement per batch, each in
 * its own implicit transaction, with nothing else going on.
 */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface TableRows {
  /** Column names and their SQL types (format_type), in table order. */
  columns: { name: string; type: string }[];
  /** Every value as PostgreSQL's text form (null stays null). */
  rows: (string | null)[][];
}

export interface RawInsertResult {
  rows: number;
  batches: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Runs a SELECT and returns its rows as objects (pg's `client.query(...).rows`, Prisma's `$queryRawUnsafe`). */
export type RowReader = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Reads a table's rows (every column, as text) in `orderBy` order. */
export async function readRowsAsText(read: RowReader, table: string, orderBy: string, where = 'true', params: unknown[] = []): Promise<TableRows> {
  const columns = (await read(
    `SELECT attname::text AS name, format_type(atttypid, atttypmod) AS type
       FROM pg_attribute WHERE attrelid = '${quote(table)}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  )) as { name: string; type: string }[];
  const select = columns.map((column) => `${quote(column.name)}::text AS ${quote(column.name)}`).join(', ');
  const objects = await read(`SELECT ${select} FROM ${quote(table)} WHERE ${where} ORDER BY ${orderBy}`, params);
  const rows = objects.map((object) => columns.map((column) => (object[column.name] ?? null) as string | null));
  return { columns, rows };
}

/**
 * INSERT … VALUES (…), (…) in batches of `batchSize` rows. With `upsertOn`,
 * `ON CONFLICT (<column>) DO UPDATE SET` every other column (as the service's
 * idempotent writes would need); without, a plain INSERT.
 */
export async function rawMultiRowInsert(
  db: SqlExecutor,
  table: string,
  data: TableRows,
  options: { batchSize: number; upsertOn?: string },
): Promise<RawInsertResult> {
  const { columns, rows } = data;
  const columnList = columns.map((column) => quote(column.name)).join(', ');
  const conflict = options.upsertOn
    ? ` ON CONFLICT (${quote(options.upsertOn)}) DO UPDATE SET ${columns
        .filter((column) => column.name !== options.upsertOn)
        .map((column) => `${quote(column.name)} = EXCLUDED.${quote(column.name)}`)
        .join(', ')}`
    : '';
  const statementFor = (count: number): string => {
    const tuples: string[] = [];
    for (let row = 0; row < count; row++) {
      tuples.push(`(${columns.map((column, index) => `$${row * columns.length + index + 1}::${column.type}`).join(', ')})`);
    }
    return `INSERT INTO ${quote(table)} (${columnList}) VALUES ${tuples.join(', ')}${conflict}`;
  };
  const fullStatement = statementFor(options.batchSize);
  let batches = 0;
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < rows.length; offset += options.batchSize) {
    const batch = rows.slice(offset, offset + options.batchSize);
    await db.query(batch.length === options.batchSize ? fullStatement : statementFor(batch.length), batch.flat());
    batches += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows: rows.length, batches, seconds, rowsPerSecond: rows.length / seconds };
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
