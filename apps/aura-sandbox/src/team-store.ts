import { RecordKind, SortedRecordStore } from './record-store';

/** Filters of `GET /v1/team`, already validated. */
export interface TeamFilter {
  role?: string;
}

interface TeamIndex {
  role: unknown;
}

const TEAM_KIND: RecordKind<TeamIndex, TeamFilter> = {
  noun: 'Team member',
  index: (fields) => ({ role: fields['role'] }),
  matches: (member, filter) => filter.role === undefined || member.role === filter.role,
};

/** Aura's team, in (created_at, id) order like calls and payments (see SortedRecordStore). */
export class TeamStore extends SortedRecordStore<TeamIndex, TeamFilter> {
  constructor(records: readonly unknown[], clock: () => number) {
    super(TEAM_KIND, records, clock);
  }
}
