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

export const ROLES_METADATA = 'access:roles';
export const PUBLIC_METADATA = 'access:public';

/** The roles that may call a route besides admin, who may call every route. */
export const Roles = (...roles: Exclude<AccessRole, 'admin'>[]) => applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiExtension('x-roles', ['admin', ...roles]));
/** A route outside `/v1` that needs no key (health checks). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export function principalOf(request: { principal?: Principal }): Principal | undefined {
  return request.principal;
}
