import type { DatabaseClient } from './database.service';

/** A column a set-based INSERT writes: its name in the table and the SQL type its JSON value is read as. */
export interface JsonColumn {
  name: string;
  type: 'text' | 'bigint' | 'int' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb' | 'uuid';
}

/** A row's values by column name: strings, numbers, booleans, Dates, bigints, JSON values or null. */
export type JsonRow = Record<string, unknown>;

/**
 * Writes `rows` with one INSERT … SELECT FROM jsonb_to_recordset($1): the
 * rows travel as a single JSON parameter and PostgreSQL unpacks them, so a
 * page costs one statement and one parameter however many rows it holds,
 * instead of an ORM building a query with a parameter per value. Dates are
 * sent as ISO strings, bigints as decimal strings (exact past 2^53).
 */
export async function insertJsonRows(tx: DatabaseClient, table: string, columns: readonly JsonColumn[], rows: readonly JsonRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = columns.map((column) => quote(column.name)).join(', ');
  const record = columns.map((column) => `${quote(column.name)} ${column.type}`).join(', ');
  const sql = `INSERT INTO ${quote(table)} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS row_(${record})`;
  return tx.$executeRawUnsafe(sql, rowsJson(rows));
}

/**
 * Inserts the rows whose key (the first of `columns`) is not in the table
 * yet and returns, for the rows that were, the stored values of `returning`:
 * a page of upstream records checked and its new ones written in one
 * statement. Rows must not repeat a key.
 */
export async function insertNewJsonRows<T>(
  tx: DatabaseClient,
  table: string,
  columns: readonly JsonColumn[],
  rows: readonly JsonRow[],
  returning: readonly string[],
): Promise<T[]> {
  if (rows.length === 0) return [];
  const key = quote(columns[0].name);
  const names = columns.map((column) => quote(column.name)).join(', ');
  const record = columns.map((column) => `${quote(column.name)} ${column.type}`).join(', ');
  const stored = returning.map((name) => `stored.${quote(name)}`).join(', ');
  const sql =
    `WITH incoming AS (SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS row_(${record})), ` +
    `existing AS (SELECT ${stored} FROM ${quote(table)} stored WHERE stored.${key} IN (SELECT ${key} FROM incoming)), ` +
    `inserted AS (INSERT INTO ${quote(table)} (${names}) SELECT ${names} FROM incoming WHERE ${key} NOT IN (SELECT ${key} FROM existing) RETURNING 1) ` +
    `SELECT * FROM existing`;
  return tx.$queryRawUnsafe<T[]>(sql, rowsJson(rows));
}

/**
 * Updates many rows with one UPDATE … FROM jsonb_to_recordset($1), matched on
 * `key` (the first of `columns`): each row sets its own values of the other
 * columns. Returns how many rows the database updated.
 */
export async function updateJsonRows(tx: DatabaseClient, table: string, columns: readonly JsonColumn[], rows: readonly JsonRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const [key, ...set] = columns;
  const record = columns.map((column) => `${quote(column.name)} ${column.type}`).join(', ');
  const assignments = set.map((column) => `${quote(column.name)} = row_.${quote(column.name)}`).join(', ');
  const sql = `UPDATE ${quote(table)} SET ${assignments} FROM jsonb_to_recordset($1::jsonb) AS row_(${record}) WHERE ${quote(table)}.${quote(key.name)} = row_.${quote(key.name)}`;
  return tx.$executeRawUnsafe(sql, rowsJson(rows));
}

/**
 * The rows as one JSON text, bigints as decimal strings. Columns hold the
 * bigints, so they are converted row by row first: a replacer function
 * would take V8's JSON.stringify off its fast path for every nested value of
 * the raw records too (it was most of a sync page's own time). A bigint
 * nested deeper still gets through the replacer.
 */
function rowsJson(rows: readonly JsonRow[]): string {
  try {
    return JSON.stringify(rows.map(topLevelBigintsAsText));
  } catch (error) {
    if (error instanceof TypeError) return JSON.stringify(rows, jsonValue);
    throw error;
  }
}

function topLevelBigintsAsText(row: JsonRow): JsonRow {
  const names = Object.keys(row);
  if (!names.some((name) => typeof row[name] === 'bigint')) return row;
  const copy: JsonRow = {};
  for (const name of names) {
    const value = row[name];
    copy[name] = typeof value === 'bigint' ? value.toString() : value;
  }
  return copy;
}

function jsonValue(this: unknown, _key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
