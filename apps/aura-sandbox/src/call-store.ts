import { RecordKey, RecordKind, RecordPage, SortedRecordStore } from './record-store';
import { timestampMs } from './sandbox-time';

/** Filters of `GET /v1/calls`, already validated. */
export interface CallFilter {
  status?: string;
  lead_id?: string;
  closer_id?: string;
  setter_id?: string;
  booking_link_id?: string;
  is_upcoming?: boolean;
}

export type CallKey = RecordKey;
export type CallPage = RecordPage;

interface CallIndex {
  status: unknown;
  lead_id: unknown;
  closer_id: unknown;
  setter_id: unknown;
  booking_link_id: unknown;
  scheduledMs: number | null;
}

const CALL_KIND: RecordKind<CallIndex, CallFilter> = {
  noun: 'Call',
  index: (fields) => ({
    // Records in the older shape carry `outcome` instead of `status`.
    status: fields['status'] ?? fields['outcome'],
    lead_id: fields['lead_id'],
    closer_id: fields['closer_id'],
    setter_id: fields['setter_id'],
    booking_link_id: fields['booking_link_id'],
    scheduledMs: timestampMs(fields['scheduled_at']),
  }),
  matches: (call, filter, nowMs) => {
    if (filter.status !== undefined && call.status !== filter.status) return false;
    if (filter.lead_id !== undefined && call.lead_id !== filter.lead_id) return false;
    if (filter.closer_id !== undefined && call.closer_id !== filter.closer_id) return false;
    if (filter.setter_id !== undefined && call.setter_id !== filter.setter_id) return false;
    if (filter.booking_link_id !== undefined && call.booking_link_id !== filter.booking_link_id) return false;
    if (filter.is_upcoming !== undefined) {
      const upcoming = call.scheduledMs !== null && call.scheduledMs > nowMs;
      if (upcoming !== filter.is_upcoming) return false;
    }
    return true;
  },
};

/** The sandbox's calls, in (created_at, id) order (see SortedRecordStore). */
export class CallStore extends SortedRecordStore<CallIndex, CallFilter> {
  constructor(records: readonly unknown[], clock: () => number) {
    super(CALL_KIND, records, clock);
  }
}
