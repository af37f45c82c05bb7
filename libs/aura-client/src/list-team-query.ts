/**
 * Every query parameter of `GET /v1/team` (alpha upstream). Values are sent
 * as strings; undefined/null are omitted.
 */
export interface ListTeamQuery {
  /** Page size, 1–100. */
  limit?: number | string;
  cursor?: string | null;
  /** `admin` or `member`. */
  role?: string;
}

export const LIST_TEAM_QUERY_KEYS = ['limit', 'cursor', 'role'] as const satisfies readonly (keyof ListTeamQuery)[];

export function toTeamSearchParams(query: ListTeamQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LIST_TEAM_QUERY_KEYS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  return params;
}
