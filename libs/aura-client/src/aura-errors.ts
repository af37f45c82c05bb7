/**
 * Errors raised by the Aura client. One base class, so callers can catch
 * `AuraError` and branch on the subclass (or on `retryable`).
 */
export interface AuraErrorDetails {
  /** HTTP status of the (last) upstream response, when there was one. */
  status?: number;
  /** Upstream error code from the envelope, e.g. `NOT_FOUND`. */
  code?: string;
  /** Upstream `requestId` (envelope, else `X-Request-Id` header). */
  upstreamRequestId?: string;
  /** The original error (network failure, JSON parse error, last attempt …). */
  cause?: unknown;
}

export abstract class AuraError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly upstreamRequestId?: string;
  /** Whether the same request could succeed later without changing anything. */
  abstract readonly retryable: boolean;

  protected constructor(message: string, details: AuraErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.upstreamRequestId = details.upstreamRequestId;
  }
}

/** 401/403 from Aura (or no key configured): the key must be fixed by an operator. */
export class AuraAuthError extends AuraError {
  readonly retryable = false;

  constructor(message: string, details: AuraErrorDetails = {}) {
    super(message, details);
  }

  static fromResponse(details: AuraErrorDetails): AuraAuthError {
    return new AuraAuthError(`Aura rejected the API key (${describeUpstream(details)}): check AURA_API_KEY`, details);
  }
}

/** Any other 4xx: the request itself is wrong; retrying would not help. */
export class AuraRequestError extends AuraError {
  readonly retryable = false;

  constructor(message: string, details: AuraErrorDetails = {}) {
    super(message, details);
  }
}

/** 404 from Aura, e.g. `GET /v1/calls/{id}` for a call that no longer exists. */
export class AuraNotFoundError extends AuraRequestError {}

/** Retries exhausted on 429 / 5xx / timeouts / network errors. */
export class AuraUnavailableError extends AuraError {
  readonly retryable = true;
  readonly attempts: number;

  constructor(message: string, attempts: number, details: AuraErrorDetails = {}) {
    super(message, details);
    this.attempts = attempts;
  }
}

/** The caller canceled (a sync canceled by POST /v1/sync/runs/:id/cancel). */
export class AuraCanceledError extends AuraError {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
  }
}

/** A 2xx response whose body is not the documented shape. */
export class AuraProtocolError extends AuraError {
  readonly retryable = false;

  constructor(message: string, details: AuraErrorDetails = {}) {
    super(message, details);
  }
}

/** "401 UNAUTHORIZED, requestId req_123" — the parts that are known. */
export function describeUpstream(details: AuraErrorDetails): string {
  const parts: string[] = [];
  const head = [details.status, details.code].filter((part) => part !== undefined).join(' ');
  if (head) parts.push(head);
  if (details.upstreamRequestId) parts.push(`requestId ${details.upstreamRequestId}`);
  return parts.length > 0 ? parts.join(', ') : 'no response';
}
