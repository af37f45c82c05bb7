import Decimal from 'decimal.js';
import type { AuraCall } from '@app/aura-client';
import type { RoundingMode } from '@app/commission-engine';

/** Why a call earns nothing judged on its own fields, in the order checked; the payment's reasons come after (commissionability.ts). */
export const CALL_ONLY_REASONS = ['not_closed', 'no_payment', 'no_closer', 'no_deal_value', 'no_commission_date'] as const;
export type CallOnlyReason = (typeof CALL_ONLY_REASONS)[number];

export interface DerivationSettings {
  amountScale: number;
  currency: string;
  roundingMode: RoundingMode;
  timezone: string;
  commissionableStatuses: readonly string[];
  /** Date fields tried in order; the first present one is the commission date. */
  commissionDateFields: readonly string[];
}

/** What the service reads from a call, derived per product.md "Calls and commissionability". */
export interface DerivedCall {
  id: string;
  status: string | null;
  closerId: string | null;
  setterId: string | null;
  leadId: string | null;
  productId: string | null;
  bookingLinkId: string | null;
  linkedPaymentId: string | null;
  callKind: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  referral: string | null;
  expectedDealValue: bigint | null;
  /** expected_deal_value / 10^scale, a decimal string with `scale` places; null without a deal value. */
  baseAmount: string | null;
  currency: string;
  commissionAt: Date | null;
  /** The commission date's calendar day in the commission time zone, YYYY-MM-DD. */
  commissionDay: string | null;
  /** YYYY-MM of commissionDay. */
  period: string | null;
  /** Judged on the call's own fields only; `judgeCall` adds the payment's verdict. */
  commissionable: boolean;
  reason: CallOnlyReason | null;
  upstreamUpdatedAt: Date | null;
}

const DecimalExact = Decimal.clone({ precision: 40 });

export function deriveCall(call: AuraCall, settings: DerivationSettings): DerivedCall {
  const status = text(call.status);
  const dealValue = typeof call.expected_deal_value === 'number' && Number.isSafeInteger(call.expected_deal_value) ? call.expected_deal_value : null;
  const commissionAt = firstDate(call, settings.commissionDateFields);
  const commissionDay = commissionAt ? calendarDay(commissionAt, settings.timezone) : null;
  const derived = {
    id: call.id,
    status,
    closerId: text(call.closer_id),
    setterId: text(call.setter_id),
    leadId: text(call.lead_id),
    productId: text(call.product_id),
    bookingLinkId: text(call.booking_link_id),
    linkedPaymentId: text(call.linked_payment_id),
    callKind: text(call.call_kind),
    utmSource: text(call.utm_source),
    utmMedium: text(call.utm_medium),
    utmCampaign: text(call.utm_campaign),
    utmContent: text(call.utm_content),
    utmTerm: text(call.utm_term),
    referral: text(call.referral),
    expectedDealValue: dealValue === null ? null : BigInt(dealValue),
    baseAmount: dealValue === null ? null : new DecimalExact(dealValue).div(new DecimalExact(10).pow(settings.amountScale)).toFixed(settings.amountScale),
    currency: settings.currency,
    commissionAt,
    commissionDay,
    period: commissionDay ? commissionDay.slice(0, 7) : null,
    upstreamUpdatedAt: dateOrNull(call.updated_at),
  };
  const reason = reasonNotCommissionable(derived, settings);
  return { ...derived, commissionable: reason === null, reason };
}

export function reasonNotCommissionable(
  call: Pick<DerivedCall, 'status' | 'linkedPaymentId' | 'closerId' | 'expectedDealValue' | 'commissionAt'>,
  settings: Pick<DerivationSettings, 'commissionableStatuses'>,
): CallOnlyReason | null {
  if (call.status === null || !settings.commissionableStatuses.includes(call.status)) return 'not_closed';
  if (call.linkedPaymentId === null) return 'no_payment';
  if (call.closerId === null) return 'no_closer';
  if (call.expectedDealValue === null || call.expectedDealValue <= 0n) return 'no_deal_value';
  if (call.commissionAt === null) return 'no_commission_date';
  return null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function dateOrNull(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function firstDate(call: AuraCall, fields: readonly string[]): Date | null {
  for (const field of fields) {
    const date = dateOrNull(call[field]);
    if (date) return date;
  }
  return null;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a time zone, YYYY-MM-DD. */
export function calendarDay(instant: Date, timezone: string): string {
  let format = dayFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timezone, format);
  }
  return format.format(instant);
}
