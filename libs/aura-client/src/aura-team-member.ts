import { PERSON_ID } from './aura-call';
import { describeValue, present, readRecordHead } from './aura-record';

/**
 * A member of Aura's team as `GET /v1/team` returns it. Only the fields that
 * `parseAuraTeamMember` validates are guaranteed to have the declared type;
 * everything else is passed through as Aura delivered it.
 */
export interface AuraTeamMember {
  /** The `user_…` id calls carry as closer_id / setter_id. */
  id: string;
  name?: string | null;
  email?: string | null;
  /** `admin`, `member`, or something undocumented (kept). */
  role?: string | null;
  [key: string]: unknown;
}

export type AuraTeamMemberRejectionReason = 'unstorable_text' | 'too_deep' | 'not_an_object' | 'missing_id' | 'invalid_person_id' | 'invalid_field';

export type ParseAuraTeamMemberResult =
  { ok: true; member: AuraTeamMember } | { ok: false; reason: AuraTeamMemberRejectionReason; field?: string; message: string; id?: string };

/** Longest name, email or role kept: they reach statements and exports. */
export const MAX_TEAM_MEMBER_TEXT_LENGTH = 200;
const TEXT_FIELDS = ['name', 'email', 'role'] as const;

/**
 * Decide whether a raw Aura team member can be used: its id must be one of
 * Aura's person ids (the one calls carry as closer_id / setter_id), its name,
 * email and role text of at most 200 characters when present. Keeps every
 * other key. Never throws, never mutates `raw`.
 */
export function parseAuraTeamMember(raw: unknown): ParseAuraTeamMemberResult {
  const head = readRecordHead(raw, 'team member');
  if (!head.ok) return head;
  const { record, id } = head;
  // Person ids reach statements, exports and payroll: anything but Aura's shapes is refused (a formula in a CSV cell, say).
  if (!(typeof id === 'string' && PERSON_ID.test(id))) {
    return { ok: false, reason: 'invalid_person_id', field: 'id', message: `id is ${describeValue(id)}, not a user_… id or a uuid` };
  }
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (present(value) && typeof value !== 'string') {
      return { ok: false, reason: 'invalid_field', field, message: `team member ${id}: ${field} is ${describeValue(value)}, not a string`, id };
    }
    if (typeof value === 'string' && value.length > MAX_TEAM_MEMBER_TEXT_LENGTH) {
      return { ok: false, reason: 'invalid_field', field, message: `team member ${id}: ${field} is longer than ${MAX_TEAM_MEMBER_TEXT_LENGTH} characters`, id };
    }
  }
  return { ok: true, member: { ...record } as AuraTeamMember };
}
