import { inspectJson, isStorableText, type JsonProblem } from '@app/untrusted-json';

/** Longest id or reference kept (ids are indexed; a 12 KB one would not fit an index entry). */
export const MAX_ID_LENGTH = 200;

/** What every Aura record parser refuses before it reads a field of its own. */
export type RecordHeadRejection = { ok: false; reason: 'not_an_object' | 'missing_id' | JsonProblem['reason']; field?: string; message: string; id?: string };

/**
 * The checks every Aura record goes through first: an object, storable as
 * it is (no NUL, no lone surrogate, not too deep), with an id. `noun` names
 * the record in messages ("call", "payment", "team member"). The id is
 * returned unchecked beyond being present: each parser has its own rule.
 */
export function readRecordHead(raw: unknown, noun: string): RecordHeadRejection | { ok: true; record: Record<string, unknown>; id: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not_an_object', message: `record is ${describeValue(raw)}, not an object` };
  }
  const record = raw as Record<string, unknown>;
  const readableId = typeof record['id'] === 'string' && record['id'].length <= MAX_ID_LENGTH && isStorableText(record['id']) ? record['id'] : undefined;
  const unstorable = inspectJson(record);
  if (unstorable)
    return {
      ok: false,
      reason: unstorable.reason,
      field: unstorable.field,
      message: `${noun} ${readableId ?? '(no readable id)'}: ${unstorable.message}`,
      id: readableId,
    };
  const id = record['id'];
  if (!present(id) || (typeof id === 'string' && id.trim() === '')) {
    return { ok: false, reason: 'missing_id', field: 'id', message: `${noun} has no id` };
  }
  return { ok: true, record, id };
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A short, safe description of an untrusted value for a quarantine message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
