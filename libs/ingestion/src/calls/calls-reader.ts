import { Injectable } from '@nestjs/common';
import type { CommissionCall } from '@app/commission-engine';
import { CallsRepository, RunCallRow } from './calls.repository';

/** What other contexts (plans' what-if, payout runs) read about calls. */
export interface CallFacts {
  id: string;
  period: string | null;
  commissionAt: Date | null;
  commissionable: boolean;
  reason: string | null;
  /** When what the call earns last changed (the call's terms or its payment's): the clawback window's "change". */
  earningsChangedAt: Date | null;
}

/** What a run reads: the calls in the engine's shape, and when each one's earnings last changed. */
export interface RunCalls {
  calls: CommissionCall[];
  earningsChangedAt: Map<string, Date | null>;
}

@Injectable()
export class CallsReader {
  constructor(private readonly calls: CallsRepository) {}

  /** The commissionable calls of these periods, in the engine's shape. */
  async commissionCallsForPeriods(periods: string[]): Promise<CommissionCall[]> {
    if (periods.length === 0) return [];
    return (await this.calls.commissionableInPeriods(periods)).map(toCommissionCall);
  }

  /** The commissionable calls of these periods for a run, with their change times. */
  async forRun(periods: string[]): Promise<RunCalls> {
    const stored = periods.length === 0 ? [] : await this.calls.commissionableInPeriods(periods);
    return { calls: stored.map(toCommissionCall), earningsChangedAt: new Map(stored.map((call) => [call.id, call.earningsChangedAt])) };
  }

  /** See CallsRepository.readPoint. */
  readPoint(): Promise<bigint> {
    return this.calls.readPoint();
  }

  /** See CallsRepository.changedSince. */
  changedSince(micros: bigint): Promise<{ id: string; period: string | null; changedAtMicros: bigint; movedAtMicros: bigint | null }[]> {
    return this.calls.changedSince(micros);
  }

  /** See CallsRepository.awaitingFirstPaymentsPass. */
  awaitingFirstPaymentsPass(): Promise<boolean> {
    return this.calls.awaitingFirstPaymentsPass();
  }

  async facts(ids: string[]): Promise<CallFacts[]> {
    return (await this.calls.findMany(ids)).map(({ id, period, commissionAt, commissionable, reason, earningsChangedAt }) => ({
      id,
      period,
      commissionAt,
      commissionable,
      reason,
      earningsChangedAt,
    }));
  }
}

export function toCommissionCall(call: RunCallRow): CommissionCall {
  if (!call.closerId || !call.baseAmount || !call.effectiveBase || !call.commissionAt || !call.commissionDay || !call.period) {
    throw new Error(`call ${call.id} is stored as commissionable without the fields that requires`);
  }
  const refunded = call.refundedShare !== null && Number(call.refundedShare) > 0;
  return {
    id: call.id,
    closerId: call.closerId,
    setterId: call.setterId,
    // product.md "Payments": the engine reads the effective base everywhere a base is read.
    baseAmount: call.effectiveBase,
    ...(refunded ? { refund: { grossBase: call.baseAmount, refundedShare: call.refundedShare! } } : {}),
    commissionAt: call.commissionAt.toISOString(),
    commissionDay: call.commissionDay,
    period: call.period,
    attributes: {
      product_id: call.productId,
      booking_link_id: call.bookingLinkId,
      call_kind: call.callKind,
      lead_id: call.leadId,
      utm_source: call.utmSource,
      utm_medium: call.utmMedium,
      utm_campaign: call.utmCampaign,
      utm_content: call.utmContent,
      utm_term: call.utmTerm,
      referral: call.referral,
    },
  };
}
