import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { accessConfig, type AccessConfig } from '@app/configuration';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, catchError, concatMap, from, mergeMap, throwError } from 'rxjs';
import { contentHash } from '@app/content-hash';
import { storableCopy } from '@app/untrusted-json';
import { ConflictError, successStatusOf, ValidationFailedError } from '@app/http-platform';
import type { Principal } from '../authorization/roles';
import { IDEMPOTENT_METADATA } from './idempotent.decorator';
import { IdempotencyRepository } from './idempotency.repository';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Every this many idempotent requests, records past the retention are purged. */
const PURGE_EVERY = 200;

/**
 * Stored in the database, so a retry that lands on another replica replays
 * the same answer. Only successful responses are kept: a failed request
 * releases its key so the client may try again with it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private readonly ttlHours: number;
  private claims = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
    @Inject(accessConfig.KEY) config: AccessConfig,
  ) {
    this.ttlHours = config.idempotencyTtlHours;
  }

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
    const expiredBefore = new Date(Date.now() - this.ttlHours * 3_600_000);
    if (++this.claims % PURGE_EVERY === 0) void this.records.purge(expiredBefore).catch(() => undefined);
    return from(this.records.claim({ apiKeyId, key, method: request.method, path, requestHash }, expiredBefore)).pipe(
      mergeMap((claimed) => {
        if (!claimed) return from(this.replay(apiKeyId, key, requestHash, context));
        return next.handle().pipe(
          catchError((error: unknown) => from(this.records.release(apiKeyId, key)).pipe(mergeMap(() => throwError(() => error)))),
          concatMap(async (body: unknown) => {
            // The write happened: whatever befalls the record now, the key is never released for a second write.
            // A secret is shown once: the stored answer keeps everything but it, so a replay cannot hand it out again.
            await this.records
              .complete(apiKeyId, key, successStatusOf(context), withoutSecrets(body))
              .catch((failure: unknown) => this.logger.error({ err: failure }, `Could not store the answer for Idempotency-Key ${key}; it stays in progress`));
            return body;
          }),
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
    if (hadSecret(record.responseBody)) {
      throw new ConflictError('This request created a secret, which is shown only once; it was created (see the first answer), not again', [
        { id: (record.responseBody as { id?: unknown }).id ?? null },
      ]);
    }
    context.switchToHttp().getResponse<Response>().setHeader('Idempotent-Replayed', 'true');
    return record.responseBody;
  }
}

const REDACTED = '[shown once]';

/** The answer without any field named secret (a new API key's, a webhook subscription's). */
function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of Object.keys(copy)) if (/secret/i.test(key)) copy[key] = REDACTED;
  return copy;
}

function hadSecret(body: unknown): boolean {
  return !!body && typeof body === 'object' && Object.values(body as Record<string, unknown>).includes(REDACTED);
}

/**
 * The same body in another key order is the same request. Runs before the
 * body is validated, so a body nested thousands of levels deep must not
 * overflow the stack: past 32 levels it is hashed by its storable copy
 * (such a body is refused by validation anyway). A body within those limits
 * hashes exactly as itself.
 */
function hashRequest(method: string, url: string, body: unknown): string {
  return contentHash({ method, url, body: storableCopy(body ?? null) });
}
