export { PayoutsModule } from './payouts.module';
export { RunsService, INTERRUPTED_MESSAGE } from './runs/runs.service';
export type { PayoutRunRecord, RunCounts, RunWarning, UnplannedCall } from './runs/payout-runs.repository';
export { previousMonth, isPeriod, PERIOD_PATTERN } from './periods/period';
export { lineHash, statementHash } from './ledger/statement-hash';
export { deterministicUuid, lineIdOf, statementIdOf, commissionLineKey, adjustmentLineKey } from './ledger/line-identity';
export { toCsv } from './exports/payroll-csv';
