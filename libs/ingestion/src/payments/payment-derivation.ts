import { isIsoDateTime, type AuraPayment } from '@app/aura-client';
import type { PaymentTerms } from '../calls/commissionability';

/** What the service reads from a payment (`parseAuraPayment` has vouched for the types). */
export interface DerivedPayment extends PaymentTerms {
  id: string;
  callId: string | null;
  leadId: string | null;
  paymentDate: Date | null;
  refundedAt: Date | null;
  refundStatus: string | null;
  /** Aura's updated_at, when readable. */
  upstreamUpdatedAt: Date | null;
}

export function derivePayment(payment: AuraPayment): DerivedPayment {
  return {
    id: payment.id,
    status: text(payment.status),
    amount: BigInt(payment.amount),
    currency: payment.currency,
    callId: text(payment.call_id),
    leadId: text(payment.lead_id),
    paymentDate: date(payment.payment_date),
    refundedAmount: typeof payment.refunded_amount === 'number' ? BigInt(payment.refunded_amount) : null,
    refundedAt: date(payment.refunded_at),
    refundStatus: text(payment.refund_status),
    upstreamUpdatedAt: date(payment.updated_at),
  };
}

function refundOf(terms: PaymentTerms): string {
  return `${terms.status === 'refunded'}:${terms.refundedAmount ?? 0n}`;
}

/**
 * When what the payment means for money last changed (product.md "Changes
 * after approval"): Aura's `refunded_at` when the change is a refund (never
 * later than when the service stored it: a refund dated in the future is
 * dated when it was seen), else when the service first stored the changed
 * version. A first version is a change too (it decides what its calls earn).
 * A new version whose status, amount, currency and refund are as before
 * keeps the earlier time.
 */
export function termsChangedAt(previous: (PaymentTerms & { termsChangedAt: Date | null }) | null, next: DerivedPayment, storedAt: Date): Date {
  const refundChanged = refundOf(previous ?? { ...next, status: null, refundedAmount: null }) !== refundOf(next);
  if (
    previous !== null &&
    previous.termsChangedAt !== null &&
    !refundChanged &&
    previous.status === next.status &&
    previous.amount === next.amount &&
    previous.currency === next.currency
  ) {
    return previous.termsChangedAt;
  }
  return refundChanged && next.refundedAt !== null && next.refundedAt < storedAt ? next.refundedAt : storedAt;
}

/** The later of two change times (a call's and its payment's); null when neither is known. */
export function laterOf(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function date(value: unknown): Date | null {
  if (typeof value !== 'string' || !isIsoDateTime(value)) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
