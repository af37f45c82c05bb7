import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'finance', 'payroll'] as const;
export type AccessRole = (typeof ROLES)[number];

/** Who is calling: set on the request by the API key guard. */
export interface Principal {
  keyId: string;
  name: string;
  role: AccessRole;
}

export const ROLES_METADATA = 'access:roles';
export const PUBLIC_METADATA = 'access:public';

/** The roles that may call a route besides admin, who may call every route. */
export const Roles = (...roles: Exclude<AccessRole, 'admin'>[]) => SetMetadata(ROLES_METADATA, roles);
/** A route outside `/v1` that needs no key (health checks). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export function principalOf(request: { principal?: Principal }): Principal | undefined {
  return request.principal;
}
