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
const keyOrders = new Map<string, { keys: string[]; prefixes: string[] }>();

/**
 * Exactly content-hash's canonicalJson (its spec proves it), made cheap for a
 * run's many explanations: the parts the engine shares between lines are
 * frozen, so their text is kept; and the sorted key order of each object
 * shape is worked out once.
 */
export function canonicalJsonMemo(value: unknown): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = frozenText.get(value);
    if (known !== undefined) return known;
  }
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item) => canonicalJsonMemo(item ?? null)).join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const present = Object.keys(record).filter((key) => record[key] !== undefined);
    const shape = present.join('\u0000');
    let order = keyOrders.get(shape);
    if (!order) {
      const keys = [...present].sort();
      order = { keys, prefixes: keys.map((key) => `${JSON.stringify(key)}:`) };
      if (keyOrders.size < 10_000) keyOrders.set(shape, order);
    }
    const parts = new Array<string>(order.keys.length);
    for (let index = 0; index < order.keys.length; index++) parts[index] = order.prefixes[index] + canonicalJsonMemo(record[order.keys[index]]);
    text = `{${parts.join(',')}}`;
  }
  if (frozen) frozenText.set(value, text);
  return text;
}
