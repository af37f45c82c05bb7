/**
 * Every query parameter of `GET /v1/calls` (the seed). Values are sent as
 * strings; numbers and booleans are stringified, undefined/null are omitted.
 */
export interface ListCallsQuery {
  /** Page size, 1–100 upstream (default 50 upstream; the client's pages() uses its pageSize). */
  limit?: number | string;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string | null;
  status?: string;
  /** uuid */
  lead_id?: string;
  /** `^user_[A-Za-z0-9]+$` */
  closer_id?: string;
  /** `^user_[A-Za-z0-9]+$` */
  setter_id?: string;
  /** uuid */
  booking_link_id?: string;
  is_upcoming?: boolean | 'true' | 'false';
}

export const LIST_CALLS_QUERY_KEYS = [
  'limit',
  'cursor',
  'status',
  'lead_id',
  'closer_id',
  'setter_id',
  'booking_link_id',
  'is_upcoming',
] as const satisfies readonly (keyof ListCallsQuery)[];

export interface ListCallsPage {
  /** Raw records: validate each with `parseAuraCall`. */
  data: unknown[];
  pagination: { has_more: boolean; next_cursor: string | null };
  /** Characters of the response body: what holding the page costs, before parsing. */
  bodyLength: number;
}

export interface CallsPage {
  /** The cursor used to fetch this page (null for the first page). */
  cursor: string | null;
  records: unknown[];
  nextCursor: string | null;
  hasMore: boolean;
  /** Characters of the response body it came in. */
  bodyLength: number;
}

export function toSearchParams(query: ListCallsQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LIST_CALLS_QUERY_KEYS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  return params;
}
