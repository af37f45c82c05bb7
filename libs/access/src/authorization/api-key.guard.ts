import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, RateLimitedError, requestIdOf, UnauthorizedError } from '@app/http-platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AccessRole, Principal, PUBLIC_METADATA, ROLES_METADATA } from './roles';

interface AuthRequest {
  headers: Record<string, string | undefined>;
  principal?: Principal;
  ip?: string;
  method?: string;
  path?: string;
  route?: { path?: string };
  id?: unknown;
}

/**
 * Every route needs a Bearer key unless marked @Public(). A route without
 * @Roles is admin-only: forgetting to declare roles fails closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const address = request.ip ?? 'unknown';
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
    // A valid key always gets in, even from an address others guess from (a shared NAT, a load balancer);
    // past the budget, a wrong or missing key gets 429 instead of an answer it could learn from.
    const principal = match ? await this.apiKeys.authenticate(match[1]) : null;
    if (!principal) {
      const wait = this.failures.retryAfterSeconds(address);
      if (wait > 0) throw new RateLimitedError('Too many failed authentications from this address; slow down', [], wait);
    }
    if (!match) return this.refuse(request, new UnauthorizedError('Missing API key: send Authorization: Bearer <key>'), address);
    if (!principal) return this.refuse(request, new UnauthorizedError('Unknown or revoked API key'), address);
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<AccessRole[]>(ROLES_METADATA, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      return this.refuse(
        request,
        new ForbiddenError(`This route needs one of the roles: ${['admin', ...allowed].join(', ')}; this key has ${principal.role}`),
        null,
      );
    }
    return true;
  }

  /** Every refusal is audited (who tried what) and, for a failed authentication, counted against the address. */
  private async refuse(request: AuthRequest, error: UnauthorizedError | ForbiddenError, failedFrom: string | null): Promise<never> {
    if (failedFrom !== null) this.failures.recordFailure(failedFrom);
    const status = error instanceof UnauthorizedError ? 401 : 403;
    await this.audit
      .record({
        actorKeyId: request.principal?.keyId ?? null,
        actorRole: request.principal?.role ?? null,
        action: `${request.method ?? 'GET'} ${request.route?.path ?? (request.path ?? '').slice(0, 200)}`,
        resourceType: 'access',
        resourceId: null,
        requestId: requestIdOf(request),
        statusCode: status,
        details: { refused: error.message, address: failedFrom ?? request.ip ?? null },
      })
      .catch((failure: unknown) => this.logger.error({ err: failure }, 'Could not audit a refused request'));
    throw error;
  }
}
