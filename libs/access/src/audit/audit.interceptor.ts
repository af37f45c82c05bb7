import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable, catchError, concatMap, from, mergeMap, throwError } from 'rxjs';
import { requestIdOf, successStatusOf, toErrorEnvelope } from '@app/http-platform';
import type { Principal } from '../authorization/roles';
import { AUDITED_METADATA } from './audited.decorator';
import { AuditService } from './audit.service';

/** Records every @Audited call with who, what, which resource and the outcome. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const resourceType = this.reflector.get<string | undefined>(AUDITED_METADATA, context.getHandler());
    if (!resourceType) return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const params = (request.params ?? {}) as Record<string, unknown>;
    const paramId = [params.id, params.period].find((value): value is string => typeof value === 'string') ?? null;
    const requestBody = redactBody(request.body);
    // The row is written first: if it cannot be, the audited write does not happen.
    return from(
      this.audit.begin({
        actorKeyId: request.principal?.keyId ?? null,
        actorRole: request.principal?.role ?? null,
        action: `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`,
        resourceType,
        resourceId: paramId,
        requestId: requestIdOf(request as { id?: unknown }),
        statusCode: 0,
        details: { body: requestBody },
      }),
    ).pipe(
      mergeMap((auditId) => {
        const complete = (statusCode: number, resourceId: string | null, details: unknown) =>
          this.audit
            .complete(auditId, { statusCode, resourceId, details })
            .catch((error: unknown) => this.logger.error({ err: error }, `Could not complete audit entry ${auditId}`));
        return next.handle().pipe(
          concatMap(async (body: unknown) => {
            const bodyId = body && typeof body === 'object' && 'id' in body ? String(body.id) : null;
            await complete(successStatusOf(context), paramId ?? bodyId, { body: requestBody });
            return body;
          }),
          catchError((error: unknown) => {
            const { status, body } = toErrorEnvelope(error, requestIdOf(request as { id?: unknown }));
            return from(complete(status, paramId, { body: requestBody, error: body.error })).pipe(mergeMap(() => throwError(() => error)));
          }),
        );
      }),
    );
  }
}

function redactBody(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body ?? null;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of Object.keys(copy)) if (/secret|password|token/i.test(key)) copy[key] = '***';
  return copy;
}
