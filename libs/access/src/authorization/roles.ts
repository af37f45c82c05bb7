import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const ROLES = ['admin', 'finance', 'payroll', 'payee'] as const;
export type AccessRole = (typeof ROLES)[number];

/** Who is calling: set on the request by the API key guard. */
export interface Principal {
  keyId: string;
  name: string;
  role: AccessRole;
  /** Set for a `payee` key: the only payee it reads for. */
  payeeId?: string;
}

/**
 * The payee a principal's reads are limited to: its own for a `payee` key,
 * null (no limit) for every other role. Fails closed: a payee key without a
 * payee is refused at authentication, and here too.
 */
export function payeeScopeOf(principal: Principal): string | null {
  if (principal.role !== 'payee') return null;
  if (!principal.payeeId) throw new Error(`payee key ${principal.keyId} has no payee`);
  return principal.payeeId;
}

/** For list filters: a payee key asking for another payee's rows gets none; its own filter is forced. Null means "list nothing". */
export function scopedPayeeFilter(principal: Principal, requested: string | undefined): string | undefined | null {
  const scope = payeeScopeOf(principal);
  if (scope === null) return requested;
  return requested !== undefined && requested !== scope ? null : scope;
}

export const ROLES_METADATA = 'access:roles';
export const PUBLIC_METADATA = 'access:public';

/** The roles that may call a route besides admin, who may call every route. */
export const Roles = (...roles: Exclude<AccessRole, 'admin'>[]) =>
  applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiExtension('x-roles', ['admin', ...roles]));
/** A route outside `/v1` that needs no key (health checks). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export function principalOf(request: { principal?: Principal }): Principal | undefined {
  return request.principal;
}
