import { Inject, Injectable, Optional } from '@nestjs/common';
import { decodeCursor, NotFoundError, Page, toPage } from '@app/http-platform';
import { CALL_LINES_READER, type CallLinesReader } from './call-lines.port';
import { CallFilter, CallsRepository, StoredCall } from './calls.repository';

@Injectable()
export class CallsService {
  constructor(
    private readonly calls: CallsRepository,
    @Optional() @Inject(CALL_LINES_READER) private readonly lines?: CallLinesReader,
  ) {}

  async list(filter: CallFilter, limit: number, cursor?: string): Promise<Page<Record<string, unknown>>> {
    const after = decodeCursor(cursor, 1);
    const rows = await this.calls.list(filter, limit, after ? String(after[0]) : null);
    return toPage(rows, limit, (row) => [row.id], presentCall);
  }

  async get(id: string): Promise<Record<string, unknown>> {
    const call = await this.calls.find(id);
    if (!call) throw new NotFoundError('Call', id);
    const [history, lines] = await Promise.all([this.calls.history(id), this.lines?.linesForCall(id) ?? Promise.resolve([])]);
    return {
      ...presentCall(call),
      version: call.version,
      raw: call.raw,
      history: history.map((entry) => ({
        version: entry.version,
        valid_from: entry.validFrom.toISOString(),
        valid_to: entry.validTo.toISOString(),
        sync_run_id: entry.syncRunId,
        ...entry.snapshot,
      })),
      lines,
    };
  }
}

export function presentCall(call: StoredCall): Record<string, unknown> {
  return {
    id: call.id,
    status: call.status,
    closer_id: call.closerId,
    setter_id: call.setterId,
    lead_id: call.leadId,
    product_id: call.productId,
    booking_link_id: call.bookingLinkId,
    linked_payment_id: call.linkedPaymentId,
    expected_deal_value: call.expectedDealValue === null ? null : call.expectedDealValue.toString(),
    base_amount: call.baseAmount,
    currency: call.currency,
    commission_date: call.commissionAt?.toISOString() ?? null,
    period: call.period,
    commissionable: call.commissionable,
    reason: call.reason,
    missing_upstream: call.missingUpstream,
    first_seen_at: call.firstSeenAt.toISOString(),
    last_synced_at: call.lastSyncedAt.toISOString(),
  };
}
