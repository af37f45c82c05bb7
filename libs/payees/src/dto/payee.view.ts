import type { PayeeRecord, PayeeVersionRecord } from '../payees.repository';

export function presentPayee(payee: PayeeRecord): Record<string, unknown> {
  return {
    id: payee.id,
    name: payee.name,
    email: payee.email,
    aura_role: payee.auraRole,
    employee_id: payee.employeeId,
    payroll_code: payee.payrollCode,
    listed_upstream: payee.listedUpstream,
    version: payee.version,
    first_seen_at: payee.firstSeenAt.toISOString(),
    updated_at: payee.updatedAt.toISOString(),
  };
}

export function presentPayeeVersion(entry: PayeeVersionRecord): Record<string, unknown> {
  return {
    version: entry.version,
    source: entry.source,
    changed_by: entry.changedBy,
    valid_from: entry.validFrom.toISOString(),
    valid_to: entry.validTo.toISOString(),
    ...entry.snapshot,
  };
}
