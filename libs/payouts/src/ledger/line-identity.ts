import { createHash } from 'node:crypto';
import type { Role } from '@app/commission-engine';

/**
 * Identities that a rerun reproduces exactly: a statement is named by its
 * payee, period and sequence, a line by its key. The same inputs therefore
 * give the same ids, and the `line_key` unique constraint makes a second
 * copy of a line impossible.
 */

/** A uuid-shaped id (version nibble 5, RFC 4122 variant) from the sha256 of `key`. */
export function deterministicUuid(key: string): string {
  const hex = createHash('sha256').update(key, 'utf8').digest('hex');
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The ledger key of what a payee earns on a call in a role: at most one commission line ever has it. */
export function commissionLineKey(callId: string, role: Role, payeeId: string): string {
  return `commission:${callId}:${role}:${payeeId}`;
}

/** One adjustment of an original line per statement. */
export function adjustmentLineKey(originalLineId: string, statementId: string): string {
  return `adjustment:${originalLineId}:${statementId}`;
}

export function lineIdOf(lineKey: string): string {
  return deterministicUuid(`line:${lineKey}`);
}

export function statementIdOf(payeeId: string, period: string, sequence: number): string {
  return deterministicUuid(`statement:${payeeId}:${period}:${sequence}`);
}
