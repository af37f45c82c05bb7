import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, catchError, concatMap, from, mergeMap, throwError } from 'rxjs';
import { contentHash } from '@app/content-hash';
import { ConflictError, successStatusOf, ValidationFailedError } from '@app/http-platform';
import type { Principal } from '../authorization/roles';
import { IDEMPOTENT_METADATA } from './idempotent.decorator';
import { IdempotencyRepository } from './idempotency.repository';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Stored in the database, so a retry that lands on another replica replays
 * the same answer. Only successful responses are kept: a failed request
 * releases its key so the client may try again with it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT_METADATA, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const key = request.header('idempotency-key');
    if (key === undefined || !request.principal) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      return throwError(() => new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]));
    }
    const apiKeyId = request.principal.keyId;
    const path = request.originalUrl.split('?')[0];
    const requestHash = hashRequest(request.method, request.originalUrl, request.body);
    return from(this.records.claim({ apiKeyId, key, method: request.method, path, requestHash })).pipe(
      mergeMap((claimed) => {
        if (!claimed) return from(this.replay(apiKeyId, key, requestHash, context));
        return next.handle().pipe(
          concatMap(async (body: unknown) => {
            await this.records.complete(apiKeyId, key, successStatusOf(context), body);
            return body;
          }),
          catchError((error: unknown) => from(this.records.release(apiKeyId, key)).pipe(mergeMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  private async replay(apiKeyId: string, key: string, requestHash: string, context: ExecutionContext): Promise<unknown> {
    const record = await this.records.find(apiKeyId, key);
    if (!record) throw new ConflictError('A request with this Idempotency-Key failed and was released at the same moment; retry');
    if (record.requestHash !== requestHash) {
      throw new ConflictError('This Idempotency-Key was already used with a different request');
    }
    if (record.state !== 'completed') throw new ConflictError('A request with this Idempotency-Key is still being processed');
    context.switchToHttp().getResponse<Response>().setHeader('Idempotent-Replayed', 'true');
    return record.responseBody;
  }
}

/** The same body in another key order is the same request. */
function hashRequest(method: string, url: string, body: unknown): string {
  return contentHash({ method, url, body: body ?? null });
}
