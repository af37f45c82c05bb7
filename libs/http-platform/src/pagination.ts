import { ApiPropertyOptional } from '@nestjs/swagger';
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

export interface Page<T> {
  data: T[];
  pagination: { has_more: boolean; next_cursor: string | null };
}

/** Keyset cursors: the last row's sort key, base64url JSON, opaque to clients. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string' || typeof part === 'number')) {
      return key;
    }
  } catch {
    /* fall through */
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => (string | number)[], present: (row: Row) => Item): Page<Item> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: shown.map(present),
    pagination: { has_more: hasMore, next_cursor: hasMore ? encodeCursor(keyOf(shown[shown.length - 1])) : null },
  };
}
