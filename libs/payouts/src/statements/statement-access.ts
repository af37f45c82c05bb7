import { payeeScopeOf, type Principal } from '@app/access';
import type { StatementStatus } from '../ledger/period-ledger';

/** What each role may read: payroll sees only what it pays; a payee every status of its own (to dispute a draft). */
export const READABLE: Record<Principal['role'], StatementStatus[]> = {
  admin: ['draft', 'approved', 'paid'],
  finance: ['draft', 'approved', 'paid'],
  payroll: ['approved', 'paid'],
  payee: ['draft', 'approved', 'paid'],
};

/** Whether the principal may see this statement at all (anything else is a 404: nothing to enumerate). */
export function canRead(principal: Principal, statement: { status: StatementStatus; payeeId: string }): boolean {
  if (!READABLE[principal.role].includes(statement.status)) return false;
  const scope = payeeScopeOf(principal);
  return scope === null || statement.payeeId === scope;
}
