/**
 * Every query parameter of `GET /v1/payments`. Values are sent as strings;
 * undefined/null are omitted. `from_date`/`to_date` filter on `payment_date`
 * (not on when a payment last changed).
 */
export interface ListPaymentsQuery {
  /** Page size, 1–100. */
  limit?: number | string;
  cursor?: string | null;
  /** `succeeded`, `pending`, `failed` or `refunded`. */
  status?: string;
  /** uuid */
  lead_id?: string;
  /** ISO 8601 date-time. */
  from_date?: string;
  /** ISO 8601 date-time. */
  to_date?: string;
}

export const LIST_PAYMENTS_QUERY_KEYS = [
  'limit',
  'cursor',
  'status',
  'lead_id',
  'from_date',
  'to_date',
] as const satisfies readonly (keyof ListPaymentsQuery)[];

export function toPaymentSearchParams(query: ListPaymentsQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LIST_PAYMENTS_QUERY_KEYS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  return params;
}
