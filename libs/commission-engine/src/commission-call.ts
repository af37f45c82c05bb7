import type { MatchField } from './plan-definition';

/** One commissionable call, as a run hands it to the engine. */
export interface CommissionCall {
  id: string;
  closerId: string;
  /** null (or an empty string) when the call has no setter. */
  setterId: string | null;
  /**
   * Decimal string in currency units, already scaled (500000 at scale 2 →
   * "5000.00"). When the call's payment was partly refunded, this is the
   * effective base (the base less the refunded share, rounded once) and
   * `refund` says how it was reached.
   */
  baseAmount: string;
  /** Set when part of the payment was refunded: shown in the explanation, never computed with. */
  refund?: { grossBase: string; refundedShare: string };
  /** ISO instant of the commission date; orders calls inside a period. */
  commissionAt: string;
  /** 'YYYY-MM-DD' local date in the commission timezone; picks the plan window. */
  commissionDay: string;
  /** 'YYYY-MM', the month of commissionDay. */
  period: string;
  attributes: Partial<Record<MatchField, string | null>>;
}
