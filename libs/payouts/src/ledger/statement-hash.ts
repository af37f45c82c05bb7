import { contentHash, sha256Hex } from '@app/content-hash';

/**
 * The statement's fingerprint, recomputable by anyone from GET
 * /v1/statements/:id: for each line in order, the sha256 of the canonical
 * JSON (content-hash) of { line_key, call_id, role, kind, base_amount,
 * amount, plan_id, adjusts_line_id, explanation }; then contentHash of
 * { currency, payee_id, period, lines: [those line hashes] }. No timestamps,
 * no run ids: the same inputs give the same hash.
 */
export interface HashedLine {
  lineKey: string;
  callId: string | null;
  role: string | null;
  kind: string;
  baseAmount: string | null;
  amount: string;
  planId: string | null;
  adjustsLineId: string | null;
  explanation: unknown;
}

export function lineHash(line: HashedLine): string {
  return sha256Hex(
    canonicalJsonMemo({
      line_key: line.lineKey,
      call_id: line.callId,
      role: line.role,
      kind: line.kind,
      base_amount: line.baseAmount,
      amount: line.amount,
      plan_id: line.planId,
      adjusts_line_id: line.adjustsLineId,
      explanation: line.explanation,
    }),
  );
}

export function statementHash(statement: { currency: string; payeeId: string; period: string }, lines: readonly HashedLine[]): string {
  return contentHash({ currency: statement.currency, payee_id: statement.payeeId, period: statement.period, lines: lines.map(lineHash) });
}

const frozenText = new WeakMap<object, string>();

/** An object shape: its keys as Object.keys gives them, sorted, and each sorted key's JSON prefix. */
interface Shape {
  keys: string[];
  sorted: string[];
  prefixes: string[];
}

/** Shapes seen, by their first key (a run's explanations have a few dozen); at most MAX_SHAPES kept, SHAPES_PER_FIRST_KEY of one key. */
const shapesByFirstKey = new Map<string, Shape[]>();
const MAX_SHAPES = 10_000;
const SHAPES_PER_FIRST_KEY = 64;
let shapesKept = 0;

/** A string JSON.stringify would write as it is between quotes: no quote, backslash, control character or surrogate. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Exactly content-hash's canonicalJson for data (its spec proves it; a
 * getter that answers differently on a second read is not data), made cheap for a
 * run's many explanations: the parts the engine shares between lines are
 * frozen, so their text is kept; the sorted key order of each object shape is
 * worked out once and found again without building a string; and a plain
 * string is quoted without JSON.stringify (anything to escape still goes
 * through it).
 */
export function canonicalJsonMemo(value: unknown): string {
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (!value || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = frozenText.get(value);
    if (known !== undefined) return known;
  }
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item: unknown) => canonicalJsonMemo(item ?? null)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const shape = shapeOf(Object.keys(record));
    text = '{';
    let first = true;
    for (let index = 0; index < shape.sorted.length; index++) {
      const item = record[shape.sorted[index]];
      if (item === undefined) continue;
      text += (first ? '' : ',') + shape.prefixes[index] + canonicalJsonMemo(item);
      first = false;
    }
    text += '}';
  }
  if (frozen) frozenText.set(value, text);
  return text;
}

function shapeOf(keys: string[]): Shape {
  const firstKey = keys.length === 0 ? '' : keys[0];
  let candidates = shapesByFirstKey.get(firstKey);
  if (candidates) {
    for (const candidate of candidates) if (sameKeys(candidate.keys, keys)) return candidate;
  }
  const sorted = [...keys].sort();
  const shape = { keys, sorted, prefixes: sorted.map((key) => `${JSON.stringify(key)}:`) };
  if (shapesKept >= MAX_SHAPES || (candidates && candidates.length >= SHAPES_PER_FIRST_KEY)) return shape;
  if (!candidates) shapesByFirstKey.set(firstKey, (candidates = []));
  candidates.push(shape);
  shapesKept += 1;
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
