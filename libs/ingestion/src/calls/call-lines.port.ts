/**
 * The payout lines that pay a call, shown on the single-call view. The
 * payouts context provides it; ingestion does not depend on payouts.
 */
export const CALL_LINES_READER = Symbol('CALL_LINES_READER');

export interface CallLinesReader {
  linesForCall(callId: string): Promise<Record<string, unknown>[]>;
}
