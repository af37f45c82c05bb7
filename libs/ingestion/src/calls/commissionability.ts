import { Decimal, formatMoney, roundMoney, type RoundingMode } from '@app/commission-engine';
import { CALL_ONLY_REASONS, type CallOnlyReason } from './call-derivation';

/**
 * product.md "Payments": a call earns only on money that arrived. The call's
 * own rules come first (not_closed, no_payment, …); then its payment, the
 * stored payment whose id is the call's linked_payment_id.
 */
export const PAYMENT_REASONS = [
  'payment_missing',
  'payment_pending',
  'payment_failed',
  'payment_status_unknown',
  'currency_mismatch',
  'payment_refunded',
] as const;
export type PaymentReason = (typeof PAYMENT_REASONS)[number];

/** Every reason a stored call can give for earning nothing, in the order they are checked. */
export const NOT_COMMISSIONABLE_REASONS = [...CALL_ONLY_REASONS, ...PAYMENT_REASONS] as const;
export type NotCommissionableReason = CallOnlyReason | PaymentReason;

/** What of a payment decides what a call earns. */
export interface PaymentTerms {
  status: string | null;
  /** Aura's latest version of the payment was quarantined: what it says now cannot be read. */
  unreadable?: boolean;
  /** Minor units. */
  amount: bigint;
  currency: string;
  refundedAmount: bigint | null;
}

export interface CallJudgement {
  commissionable: boolean;
  reason: NotCommissionableReason | null;
  /** r, exact, when the call has a base and a stored payment. */
  refundedShare: Decimal | null;
  /** r to 6 places, as stored and shown; null without a stored payment. */
  refundedShareText: string | null;
  /** base × (1 − r) rounded once to the minor unit (the base itself when nothing was refunded); null without a base. */
  effectiveBase: string | null;
}

const EARNING_STATUSES = new Set(['succeeded', 'refunded']);
const ONE = new Decimal(1);

/** r = min(refunded, amount) / amount when both are positive; 1 for a `refunded` payment with no amount refunded; else 0. */
export function refundedShare(payment: PaymentTerms): Decimal {
  const refunded = payment.refundedAmount ?? 0n;
  if (refunded > 0n && payment.amount > 0n) {
    const capped = refunded < payment.amount ? refunded : payment.amount;
    return new Decimal(capped.toString()).div(payment.amount.toString());
  }
  return payment.status === 'refunded' ? ONE : new Decimal(0);
}

function paymentReason(payment: PaymentTerms | null, share: Decimal | null, currency: string): PaymentReason | null {
  if (payment === null) return 'payment_missing';
  if (payment.unreadable) return 'payment_status_unknown';
  if (payment.status === 'pending') return 'payment_pending';
  if (payment.status === 'failed') return 'payment_failed';
  if (payment.status === null || !EARNING_STATUSES.has(payment.status)) return 'payment_status_unknown';
  if (payment.currency.toUpperCase() !== currency.toUpperCase()) return 'currency_mismatch';
  if (share !== null && share.gte(ONE)) return 'payment_refunded';
  return null;
}

/**
 * The whole verdict on a call: its own reason first, then its payment's.
 * `baseAmount` is the call's base (deal value / 10^scale) or null.
 */
export function judgeCall(
  call: { reason: CallOnlyReason | null; baseAmount: string | null },
  payment: PaymentTerms | null,
  settings: { currency: string; roundingMode: RoundingMode },
): CallJudgement {
  const share = payment === null ? null : refundedShare(payment);
  const reason = call.reason ?? paymentReason(payment, share, settings.currency);
  let effectiveBase: string | null = call.baseAmount;
  if (call.baseAmount !== null && share !== null && share.gt(0)) {
    effectiveBase = formatMoney(roundMoney(new Decimal(call.baseAmount).times(ONE.minus(share)), settings.currency, settings.roundingMode), settings.currency);
  }
  return {
    commissionable: reason === null,
    reason,
    refundedShare: share,
    refundedShareText: share === null ? null : share.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(),
    effectiveBase,
  };
}
