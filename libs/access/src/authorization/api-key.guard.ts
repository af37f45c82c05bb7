import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '@app/http-platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccessRole, Principal, PUBLIC_METADATA, ROLES_METADATA } from './roles';

/**
 * Every route needs a Bearer key unless marked @Public(). A route without
 * @Roles is admin-only: forgetting to declare roles fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError('Missing API key: send Authorization: Bearer <key>');
    const principal = await this.apiKeys.authenticate(match[1]);
    if (!principal) throw new UnauthorizedError('Unknown or revoked API key');
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<AccessRole[]>(ROLES_METADATA, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new ForbiddenError(`This route needs one of the roles: ${['admin', ...allowed].join(', ')}; this key has ${principal.role}`);
    }
    return true;
  }
}
