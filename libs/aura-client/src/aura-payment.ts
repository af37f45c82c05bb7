import { isIsoDateTime } from './aura-call';
import { describeValue, MAX_ID_LENGTH, present, readRecordHead } from './aura-record';

/**
 * A payment as `GET /v1/payments` returns it. Only the fields that
 * `parseAuraPayment` validates are guaranteed to have the declared type;
 * everything else is passed through as Aura delivered it.
 */
export interface AuraPayment {
  id: string;
  /** Integer minor units (cents). */
  amount: number;
  /** ISO 4217, lower case upstream (`usd`). */
  currency: string;
  /** `succeeded`, `pending`, `failed`, `refunded`, or something undocumented (kept; it earns nothing). */
  status?: string | null;
  call_id?: string | null;
  lead_id?: string | null;
  payment_date?: string | null;
  refund_status?: string | null;
  /** Integer minor units refunded so far; a refund can be partial. */
  refunded_amount?: number | null;
  refunded_at?: string | null;
  refund_reason?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  [key: string]: unknown;
}

export type AuraPaymentRejectionReason =
  | 'unstorable_text'
  | 'too_deep'
  | 'not_an_object'
  | 'missing_id'
  | 'invalid_id'
  | 'invalid_status'
  | 'invalid_amount'
  | 'invalid_currency'
  | 'invalid_refunded_amount'
  | 'invalid_date'
  | 'invalid_field';

export type ParseAuraPaymentResult =
  { ok: true; payment: AuraPayment } | { ok: false; reason: AuraPaymentRejectionReason; field?: string; message: string; id?: string };

/** Dates that decide money or its timing: unreadable, the payment is quarantined. Others (created_at, payment_date …) are only kept. */
export const AURA_PAYMENT_DATE_FIELDS = ['refunded_at'] as const;
const STRING_FIELDS = ['call_id', 'lead_id', 'refund_status'] as const;

function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Decide whether a raw Aura payment can be used for money. A payment whose
 * amount, currency or refund cannot be read is quarantined, never guessed
 * at: paying on it would be paying on money the service cannot see. An
 * unknown status is kept (the call then earns nothing, `payment_status_unknown`).
 * Never throws, never mutates `raw`.
 */
export function parseAuraPayment(raw: unknown): ParseAuraPaymentResult {
  const head = readRecordHead(raw, 'payment');
  if (!head.ok) return head;
  const { record, id } = head;
  if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) {
    return { ok: false, reason: 'invalid_id', field: 'id', message: `id is ${describeValue(id)}, not a string of at most ${MAX_ID_LENGTH} characters` };
  }
  const reject = (reason: AuraPaymentRejectionReason, field: string, message: string): ParseAuraPaymentResult => ({
    ok: false,
    reason,
    field,
    message: `payment ${id}: ${message}`,
    id,
  });

  const status = record['status'];
  if (present(status) && typeof status !== 'string') return reject('invalid_status', 'status', `status is ${describeValue(status)}, not a string`);
  const amount = record['amount'];
  if (!isMinorUnits(amount)) return reject('invalid_amount', 'amount', `amount is ${describeValue(amount)}, not a non-negative integer of cents`);
  const currency = record['currency'];
  if (!(typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency))) {
    return reject('invalid_currency', 'currency', `currency is ${describeValue(currency)}, not an ISO 4217 code`);
  }
  const refunded = record['refunded_amount'];
  if (present(refunded) && !isMinorUnits(refunded)) {
    return reject('invalid_refunded_amount', 'refunded_amount', `refunded_amount is ${describeValue(refunded)}, not a non-negative integer of cents`);
  }
  for (const field of AURA_PAYMENT_DATE_FIELDS) {
    const value = record[field];
    if (present(value) && !(typeof value === 'string' && isIsoDateTime(value))) {
      return reject('invalid_date', field, `${field} is ${describeValue(value)}, not an ISO 8601 date-time with a time zone`);
    }
  }
  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (present(value) && typeof value !== 'string') return reject('invalid_field', field, `${field} is ${describeValue(value)}, not a string`);
    if (typeof value === 'string' && value.length > MAX_ID_LENGTH) return reject('invalid_field', field, `${field} is longer than ${MAX_ID_LENGTH} characters`);
  }
  return { ok: true, payment: { ...record } as AuraPayment };
}
