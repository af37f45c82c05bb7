import { Injectable } from '@nestjs/common';
import type { CommissionCall } from '@app/commission-engine';
import { CallsRepository, StoredCall } from './calls.repository';

/** What other contexts (plans' what-if, payout runs) read about calls. */
export interface CallFacts {
  id: string;
  period: string | null;
  commissionAt: Date | null;
  commissionable: boolean;
  reason: string | null;
}

@Injectable()
export class CallsReader {
  constructor(private readonly calls: CallsRepository) {}

  /** The commissionable calls of these periods, in the engine's shape. */
  async commissionCallsForPeriods(periods: string[]): Promise<CommissionCall[]> {
    if (periods.length === 0) return [];
    return (await this.calls.commissionableInPeriods(periods)).map(toCommissionCall);
  }

  async facts(ids: string[]): Promise<CallFacts[]> {
    return (await this.calls.findMany(ids)).map(({ id, period, commissionAt, commissionable, reason }) => ({ id, period, commissionAt, commissionable, reason }));
  }
}

export function toCommissionCall(call: StoredCall): CommissionCall {
  if (!call.closerId || !call.baseAmount || !call.commissionAt || !call.commissionDay || !call.period) {
    throw new Error(`call ${call.id} is stored as commissionable without the fields that requires`);
  }
  return {
    id: call.id,
    closerId: call.closerId,
    setterId: call.setterId,
    baseAmount: call.baseAmount,
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
