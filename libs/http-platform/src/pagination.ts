import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from './domain-errors';

/** `limit` and opaque `cursor`, shared by every list endpoint. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from pagination.next_cursor' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** Where a list stops: `next_cursor` asks for the rest. */
export class PaginationView {
  @ApiProperty() has_more: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) next_cursor: string | null;
}

export interface Page<T> {
  data: T[];
  pagination: { has_more: boolean; next_cursor: string | null };
}

/**
 * The one cursor codec of every list: a cursor is the last row's sort key as
 * base64url JSON, opaque to clients. Decoding checks each part against the
 * list's shape, so a forged cursor is a 400 naming `cursor`, never a query
 * the database refuses.
 */
export type CursorPart = 'text' | 'uuid' | 'instant' | 'day' | 'period' | 'sequence' | 'integer';

type PartValue<P extends CursorPart> = P extends 'instant' ? Date : P extends 'sequence' ? bigint : P extends 'integer' ? number : string;
export type CursorKey<S extends readonly CursorPart[]> = { -readonly [K in keyof S]: S[K] extends CursorPart ? PartValue<S[K]> : never };

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_TEXT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const PERIOD_TEXT = /^\d{4}-(0[1-9]|1[0-2])$/;
// Years the service's own rows can have (a cursor of year 0 would be a query PostgreSQL refuses).
const ISO_INSTANT = /^(19[7-9]\d|2\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
// NUL or a lone surrogate: text the database cannot compare against.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function encodeCursor(key: readonly (string | number | bigint | Date)[]): string {
  const parts = key.map((part) => (part instanceof Date ? part.toISOString() : typeof part === 'bigint' ? part.toString() : part));
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodePart(part: unknown, kind: CursorPart): unknown {
  switch (kind) {
    case 'text':
      return typeof part === 'string' && part.length <= 300 && !UNSTORABLE.test(part) ? part : undefined;
    case 'uuid':
      return typeof part === 'string' && UUID_TEXT.test(part) ? part : undefined;
    case 'day':
      return typeof part === 'string' && DAY_TEXT.test(part) ? part : undefined;
    case 'period':
      return typeof part === 'string' && PERIOD_TEXT.test(part) ? part : undefined;
    case 'instant': {
      if (typeof part !== 'string' || !ISO_INSTANT.test(part)) return undefined;
      const date = new Date(part);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
    case 'sequence':
      return typeof part === 'string' && /^\d{1,18}$/.test(part) ? BigInt(part) : undefined;
    case 'integer':
      return typeof part === 'number' && Number.isSafeInteger(part) && Math.abs(part) <= 2_147_483_647 ? part : undefined;
  }
}

/** The sort key inside a cursor this API issued for a list of `shape`; null without a cursor; a 400 naming `cursor` for anything else. */
export function decodeCursor<const S extends readonly CursorPart[]>(cursor: string | undefined, shape: S): CursorKey<S> | null {
  if (cursor === undefined) return null;
  const refuse = () => new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
  let parts: unknown;
  try {
    parts = /^[A-Za-z0-9_-]{1,1000}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length) throw refuse();
  const key = parts.map((part, index) => decodePart(part, shape[index]));
  if (key.some((part) => part === undefined)) throw refuse();
  return key as CursorKey<S>;
}

/** Builds a page from `limit + 1` fetched rows. */
/** A list with nothing in it (a filter that can match nothing for this caller). */
export function emptyPage<Item>(): Page<Item> {
  return { data: [], pagination: { has_more: false, next_cursor: null } };
}

export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => (string | number | bigint | Date)[],
  present: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: shown.map(present),
    pagination: { has_more: hasMore, next_cursor: hasMore ? encodeCursor(keyOf(shown[shown.length - 1])) : null },
  };
}
