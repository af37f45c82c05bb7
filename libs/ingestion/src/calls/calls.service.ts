import { Inject, Injectable, Optional } from '@nestjs/common';
import { decodeCursor, NotFoundError, Page, toPage } from '@app/http-platform';
import { CALL_LINES_READER, type CallLinesReader } from './call-lines.port';
import { PaymentsRepository, StoredPayment } from '../payments/payments.repository';
import { CallFilter, CallsRepository, StoredCall } from './calls.repository';
import { CallDetailView, CallPaymentView, CallView } from './dto/call.view';

@Injectable()
export class CallsService {
  constructor(
    private readonly calls: CallsRepository,
    private readonly payments: PaymentsRepository,
    @Optional() @Inject(CALL_LINES_READER) private readonly lines?: CallLinesReader,
  ) {}

  async list(filter: CallFilter, limit: number, cursor?: string): Promise<Page<CallView>> {
    const after = decodeCursor(cursor, ['text'] as const);
    const rows = await this.calls.list(filter, limit, after ? after[0] : null);
    return toPage(rows, limit, (row) => [row.id], presentCall);
  }

  /** One call; with `onlyFor`, only if that payee closed or set it (else 404), and only that payee's lines. */
  async get(id: string, onlyFor?: string): Promise<CallDetailView> {
    const call = await this.calls.find(id);
    if (!call || (onlyFor !== undefined && call.closerId !== onlyFor && call.setterId !== onlyFor)) throw new NotFoundError('Call', id);
    const [history, lines, payment] = await Promise.all([
      this.calls.history(id),
      this.lines?.linesForCall(id) ?? Promise.resolve([]),
      call.linkedPaymentId ? this.payments.find(call.linkedPaymentId) : Promise.resolve(null),
    ]);
    const paymentHistory = payment ? await this.payments.history(payment.id) : [];
    return {
      ...presentCall(call),
      version: call.version,
      payment: payment
        ? {
            ...presentPayment(payment),
            history: paymentHistory.map((entry) => ({
              version: entry.version,
              valid_from: entry.validFrom.toISOString(),
              valid_to: entry.validTo.toISOString(),
              sync_run_id: entry.syncRunId,
              ...entry.snapshot,
            })),
          }
        : null,
      raw: call.raw,
      history: history.map((entry) => ({
        version: entry.version,
        valid_from: entry.validFrom.toISOString(),
        valid_to: entry.validTo.toISOString(),
        sync_run_id: entry.syncRunId,
        ...entry.snapshot,
      })),
      lines: onlyFor === undefined ? lines : lines.filter((line) => line['payee_id'] === onlyFor),
    };
  }
}

export function presentCall(call: StoredCall): CallView {
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
    refunded_share: call.refundedShare,
    effective_base_amount: call.effectiveBase,
    commissionable: call.commissionable,
    reason: call.reason,
    earnings_changed_at: call.earningsChangedAt?.toISOString() ?? null,
    missing_upstream: call.missingUpstream,
    first_seen_at: call.firstSeenAt.toISOString(),
    last_synced_at: call.lastSyncedAt.toISOString(),
  };
}

/** A stored payment as the single-call view shows it (amounts in Aura's minor units, as strings). */
export function presentPayment(payment: StoredPayment): Omit<CallPaymentView, 'history'> {
  return {
    id: payment.id,
    status: payment.status,
    amount: payment.amount.toString(),
    currency: payment.currency,
    call_id: payment.callId,
    lead_id: payment.leadId,
    payment_date: payment.paymentDate?.toISOString() ?? null,
    refunded_amount: payment.refundedAmount?.toString() ?? null,
    refunded_at: payment.refundedAt?.toISOString() ?? null,
    refund_status: payment.refundStatus,
    terms_changed_at: payment.termsChangedAt?.toISOString() ?? null,
    missing_upstream: payment.missingUpstream,
    version: payment.version,
    first_seen_at: payment.firstSeenAt.toISOString(),
    last_synced_at: payment.lastSyncedAt.toISOString(),
    raw: payment.raw,
  };
}
