import type { CommissionCall } from '@app/commission-engine';

/**
 * Where the what-if preview reads a period's commissionable calls: the port
 * this context needs of the ingestion context, bound to its CallsReader in
 * PlansModule (and to a fake in a module spec, should one want it).
 */
export const PREVIEW_CALL_SOURCE = Symbol('PREVIEW_CALL_SOURCE');

export interface PreviewCallSource {
  /** Commissionable calls whose period is one of `periods`, engine-shaped. */
  commissionCallsForPeriods(periods: string[]): Promise<CommissionCall[]>;
}
