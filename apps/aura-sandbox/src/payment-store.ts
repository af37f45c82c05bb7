import { RecordKind, SortedRecordStore } from './record-store';
import { timestampMs } from './sandbox-time';

/** Filters of `GET /v1/payments`, already validated. */
export interface PaymentFilter {
  status?: string;
  lead_id?: string;
  /** payment_date at or after (epoch ms). */
  fromMs?: number;
  /** payment_date before (epoch ms). */
  toMs?: number;
}

interface PaymentIndex {
  status: unknown;
  lead_id: unknown;
  paymentMs: number | null;
}

const PAYMENT_KIND: RecordKind<PaymentIndex, PaymentFilter> = {
  noun: 'Payment',
  index: (fields) => ({
    status: fields['status'],
    lead_id: fields['lead_id'],
    paymentMs: timestampMs(fields['payment_date']),
  }),
  matches: (payment, filter) => {
    if (filter.status !== undefined && payment.status !== filter.status) return false;
    if (filter.lead_id !== undefined && payment.lead_id !== filter.lead_id) return false;
    // A date window filters on payment_date, not on when a payment last changed.
    if (filter.fromMs !== undefined && !(payment.paymentMs !== null && payment.paymentMs >= filter.fromMs)) return false;
    if (filter.toMs !== undefined && !(payment.paymentMs !== null && payment.paymentMs < filter.toMs)) return false;
    return true;
  },
};

/** The sandbox's payments, in (created_at, id) order like calls (see SortedRecordStore). */
export class PaymentStore extends SortedRecordStore<PaymentIndex, PaymentFilter> {
  constructor(records: readonly unknown[], clock: () => number) {
    super(PAYMENT_KIND, records, clock);
  }
}
