import { describeValue, MAX_ID_LENGTH, present, readRecordHead } from './aura-record';

export { describeValue, MAX_ID_LENGTH } from './aura-record';

/**
 * The call record as `GET /v1/calls` returns it (see the seed contract), and
 * the one place that decides whether a raw upstream record is usable.
 *
 * Only the fields that `parseAuraCall` validates are guaranteed to have the
 * declared type (id, status, closer_id, setter_id, the ids and UTM fields,
 * expected_deal_value and the five date-times). The other declared fields are
 * passed through as Aura delivered them: treat them as untrusted.
 */
export interface AuraActionItem {
  due_at?: string | null;
  notes?: string | null;
  owner?: string | null;
  title?: string | null;
  [key: string]: unknown;
}

export interface AuraFormField {
  field_id?: string;
  label?: string;
  value?: unknown;
  [key: string]: unknown;
}

export interface AuraTranscriptSegment {
  start_seconds?: number;
  end_seconds?: number;
  speaker?: string;
  text?: string;
  [key: string]: unknown;
}

export interface AuraTranscript {
  duration_seconds?: number;
  language?: string;
  segments?: AuraTranscriptSegment[];
  [key: string]: unknown;
}

export interface AuraCall {
  id: string;
  /** Normalised from the older `outcome` key when `status` is absent. */
  status?: string | null;
  /** Older revision of the docs; kept as delivered. */
  outcome?: string | null;
  /** Older revision of the docs; kept as delivered. */
  organization_id?: string | null;
  /** Clerk user id (`user_…`); older docs gave a uuid. */
  closer_id?: string | null;
  setter_id?: string | null;
  lead_id?: string | null;
  product_id?: string | null;
  booking_link_id?: string | null;
  linked_payment_id?: string | null;
  /** Integer minor units (cents); null/absent means "no deal value". */
  expected_deal_value?: number | null;
  call_kind?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  scheduled_at?: string | null;
  started_at?: string | null;
  ended_at?: string | null;
  duration_minutes?: number | null;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  utm_content?: string | null;
  utm_term?: string | null;
  referral?: string | null;
  notes?: string | null;
  ai_summary?: string | null;
  conferencing_link?: string | null;
  recording_url?: string | null;
  has_analysis?: boolean | null;
  has_recording?: boolean | null;
  guest_rsvp_status?: string | null;
  guest_rsvp_confirmed_at?: string | null;
  action_items?: AuraActionItem[] | null;
  form_data?: AuraFormField[] | null;
  transcript_data?: AuraTranscript | null;
  [key: string]: unknown;
}

/** Machine-friendly reasons a record is quarantined. */
export type AuraCallRejectionReason =
  | 'unstorable_text'
  | 'too_deep'
  | 'not_an_object'
  | 'missing_id'
  | 'invalid_id'
  | 'invalid_status'
  | 'invalid_deal_value'
  | 'invalid_date'
  | 'invalid_person_id'
  | 'invalid_field';

export type ParseAuraCallResult =
  | { ok: true; call: AuraCall }
  | {
      ok: false;
      reason: AuraCallRejectionReason;
      field?: string;
      message: string;
      /** The record's id when it had a usable one (helps quarantine reports). */
      id?: string;
    };

export const AURA_CALL_DATE_FIELDS = ['created_at', 'updated_at', 'scheduled_at', 'started_at', 'ended_at'] as const;

const PERSON_FIELDS = ['closer_id', 'setter_id'] as const;

/** Aura's person ids: `user_…` (Clerk), or a uuid as an older revision of its docs gave. */
export const PERSON_ID = /^(?:user_[A-Za-z0-9]{1,100}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Longest text a rule may match on. */
const MAX_FIELD_LENGTH = 1_000;

/**
 * Fields a plan rule or the commissionability check may read: a non-string
 * value there would silently change which line a call earns, so it is
 * quarantined rather than guessed at.
 */
const STRING_FIELDS = [
  'lead_id',
  'product_id',
  'booking_link_id',
  'linked_payment_id',
  'call_kind',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
] as const;

// An ISO 8601 date-time with an explicit offset: without one the instant (and
// so the commission period) would depend on the reader's time zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** True for an ISO 8601 date-time with a time zone whose calendar fields exist. */
export function isIsoDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second = '0'] = match;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(Number(year), m, 0)).getUTCDate();
  if (d > daysInMonth) return false;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return false;
  return Number.isFinite(Date.parse(value.replace(' ', 'T')));
}

/**
 * Decide whether a raw Aura record can be used. Rejects (quarantines) what the
 * commission service cannot understand; normalises `outcome` → `status`;
 * keeps every other key untouched. Never throws, never mutates `raw`.
 */
export function parseAuraCall(raw: unknown): ParseAuraCallResult {
  const head = readRecordHead(raw, 'call');
  if (!head.ok) return head;
  const { record, id } = head;
  if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) {
    return { ok: false, reason: 'invalid_id', field: 'id', message: `id is ${describeValue(id)}, not a string of at most ${MAX_ID_LENGTH} characters` };
  }
  const reject = (reason: AuraCallRejectionReason, field: string, message: string): ParseAuraCallResult => ({
    ok: false,
    reason,
    field,
    message: `call ${id}: ${message}`,
    id,
  });

  const status = present(record['status']) ? record['status'] : record['outcome'];
  const statusField = present(record['status']) ? 'status' : 'outcome';
  if (present(status) && typeof status !== 'string') {
    return reject('invalid_status', statusField, `${statusField} is ${describeValue(status)}, not a string`);
  }

  const dealValue = record['expected_deal_value'];
  if (present(dealValue) && !(typeof dealValue === 'number' && Number.isSafeInteger(dealValue) && dealValue >= 0)) {
    return reject('invalid_deal_value', 'expected_deal_value', `expected_deal_value is ${describeValue(dealValue)}, not a non-negative integer`);
  }

  for (const field of AURA_CALL_DATE_FIELDS) {
    const value = record[field];
    if (present(value) && !(typeof value === 'string' && isIsoDateTime(value))) {
      return reject('invalid_date', field, `${field} is ${describeValue(value)}, not an ISO 8601 date-time with a time zone`);
    }
  }

  for (const field of PERSON_FIELDS) {
    const value = record[field];
    // Person ids reach statements, exports and payroll: anything but Aura's shapes is refused (a formula in a CSV cell, say).
    if (present(value) && value !== '' && !(typeof value === 'string' && PERSON_ID.test(value))) {
      return reject('invalid_person_id', field, `${field} is ${describeValue(value)}, not a user_… id or a uuid`);
    }
  }

  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (present(value) && typeof value !== 'string') {
      return reject('invalid_field', field, `${field} is ${describeValue(value)}, not a string`);
    }
    const limit = field.endsWith('_id') ? MAX_ID_LENGTH : MAX_FIELD_LENGTH;
    if (typeof value === 'string' && value.length > limit) {
      return reject('invalid_field', field, `${field} is longer than ${limit} characters`);
    }
  }

  const call = { ...record } as AuraCall;
  if (!present(record['status']) && present(record['outcome'])) {
    call.status = record['outcome'] as string;
  }
  return { ok: true, call };
}
