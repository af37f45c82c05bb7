import {
  AuraAuthError,
  AuraCanceledError,
  AuraError,
  AuraErrorDetails,
  AuraNotFoundError,
  AuraProtocolError,
  AuraRequestError,
  AuraUnavailableError,
  describeUpstream,
} from './aura-errors';
import { isStorableText } from '@app/untrusted-json';
import { CallsPage, ListCallsPage, ListCallsQuery, toSearchParams } from './list-calls-query';
import { ListPaymentsQuery, toPaymentSearchParams } from './list-payments-query';
import { ListTeamQuery, toTeamSearchParams } from './list-team-query';
import { AuraKeyGate } from './aura-key-gate';
import { parseRetryAfterMs, RateLimitSnapshot } from './rate-limit-pacer';

export interface AuraClientLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface AuraClientOptions {
  /** e.g. `https://api.aura-app.ai` (a path prefix is kept; trailing slashes are ignored). */
  baseUrl: string;
  /** Partner key (`AURA_API_KEY`), sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** Page size used by `pages()` when the query has no `limit`; 1–100. Default 100. */
  pageSize?: number;
  /** Per-attempt timeout, headers and body included. Default 15 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429/5xx/timeout/network errors. Default 6. */
  maxRetries?: number;
  /** Capped exponential backoff with full jitter: random(0, min(maxMs, baseMs·2^retry)). */
  backoff?: { baseMs?: number; maxMs?: number };
  /**
   * Wait for the rate-limit window to reset when its budget is spent (default
   * true). `marginMs` (default 100) is added to the reset for clock skew;
   * `maxWaitMs` (default 65 000) bounds one wait against a bogus reset header.
   */
  pacing?: boolean | { marginMs?: number; maxWaitMs?: number };
  /** Upper bound on honouring one Retry-After. Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /**
   * The key's shared queue and rate-limit pacer. Every client of one Aura key
   * (sync, webhook worker …) must share one gate, so that together they stay
   * inside the key's window. Default: a gate of this client's own.
   */
  gate?: AuraKeyGate;
  /** Largest response body read; a larger one fails the request (not retried). Default 16 MiB. */
  maxResponseBytes?: number;
  /** Aborts every request in flight and every wait of this client (a canceled sync). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Source of jitter, [0, 1). Default Math.random. */
  random?: () => number;
  logger?: AuraClientLogger;
  /** Told of every attempt: the path asked, its status (or how it failed), and whether it will be tried again. */
  onAttempt?: (path: string, status: number | 'timeout' | 'network' | 'too_large', retried: boolean) => void;
}

export interface AuraClientStats {
  /** Attempts sent (first tries and retries). */
  requests: number;
  /** Attempts that were retries. */
  retries: number;
  /** Time spent waiting because of the rate limit: pacing waits and waits after a 429. */
  rateLimitWaitMs: number;
  /** 429 responses received. */
  throttled429: number;
  /** 5xx responses received. */
  serverErrors: number;
  /** Attempts abandoned after `timeoutMs`. */
  timeouts: number;
  /** Attempts that failed below HTTP (connection refused, reset …). */
  networkErrors: number;
}

type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'too_large'; status: number; bytes: number }
  | { kind: 'timeout' }
  | { kind: 'network'; error: unknown };

const MAX_PAGE_SIZE = 100;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** A cursor longer than this is not one Aura would send. */
const MAX_CURSOR_LENGTH = 2_048;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Typed client for Aura's calls (`GET /v1/calls`, `GET /v1/calls/{id}`),
 * payments (`GET /v1/payments`, `GET /v1/payments/{id}`) and team
 * (`GET /v1/team`). Requests through
 * one gate (one Aura key) are sent one at a time, concurrent callers queue,
 * which is what makes header-based pacing exact.
 */
export class AuraClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly pageSize: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly gate: AuraKeyGate;
  private readonly pacingMarginMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger?: AuraClientLogger;
  private readonly onAttempt?: AuraClientOptions['onAttempt'];
  private readonly maxResponseBytes: number;
  private readonly signal?: AbortSignal;
  private readonly counters: AuraClientStats = {
    requests: 0,
    retries: 0,
    rateLimitWaitMs: 0,
    throttled429: 0,
    serverErrors: 0,
    timeouts: 0,
    networkErrors: 0,
  };

  constructor(options: AuraClientOptions) {
    if (!options.apiKey) {
      throw new AuraAuthError('No Aura API key configured: set AURA_API_KEY');
    }
    if (!options.baseUrl) throw new TypeError('AuraClient: baseUrl is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`AuraClient: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 6);
    this.backoffBaseMs = options.backoff?.baseMs ?? 500;
    this.backoffMaxMs = options.backoff?.maxMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
    this.onAttempt = options.onAttempt;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.signal = options.signal;
    const pacing = options.pacing ?? true;
    const pacingOptions = typeof pacing === 'object' ? pacing : {};
    this.pacingMarginMs = pacingOptions.marginMs ?? 100;
    this.gate = options.gate ?? new AuraKeyGate({ now: this.now, pacing: pacing !== false, marginMs: this.pacingMarginMs, maxWaitMs: pacingOptions.maxWaitMs });
  }

  private get pacer() {
    return this.gate.pacer;
  }

  /** One page of calls, raw. Validation is the caller's job (`parseAuraCall`). */
  async listCalls(query: ListCallsQuery = {}): Promise<ListCallsPage> {
    const params = toSearchParams(query).toString();
    const path = `/v1/calls${params ? `?${params}` : ''}`;
    return this.getListPage(path, Number(query.limit ?? 50));
  }

  /** One call, raw. A missing call raises `AuraNotFoundError`. */
  getCall(id: string): Promise<unknown> {
    return this.getOne(`/v1/calls/${encodeURIComponent(id)}`);
  }

  /** One page of payments, raw. Validation is the caller's job (`parseAuraPayment`). */
  async listPayments(query: ListPaymentsQuery = {}): Promise<ListCallsPage> {
    const params = toPaymentSearchParams(query).toString();
    const path = `/v1/payments${params ? `?${params}` : ''}`;
    return this.getListPage(path, Number(query.limit ?? 50));
  }

  /** One payment, raw. A missing payment raises `AuraNotFoundError`. */
  getPayment(id: string): Promise<unknown> {
    return this.getOne(`/v1/payments/${encodeURIComponent(id)}`);
  }

  /** One page of Aura's team, raw. Validation is the caller's job (`parseAuraTeamMember`). */
  async listTeam(query: ListTeamQuery = {}): Promise<ListCallsPage> {
    const params = toTeamSearchParams(query).toString();
    const path = `/v1/team${params ? `?${params}` : ''}`;
    return this.getListPage(path, Number(query.limit ?? 50));
  }

  /**
   * Every page of a calls query, in order, from `startCursor` (or `cursor`)
   * on. Each page says which cursor fetched it, so a caller can checkpoint
   * and resume. Stops when `has_more` is false.
   */
  pages(query: ListCallsQuery & { startCursor?: string | null } = {}): AsyncGenerator<CallsPage> {
    const { startCursor, cursor, ...filters } = query;
    return this.walk(startCursor ?? cursor ?? null, (next) => this.listCalls({ ...filters, limit: filters.limit ?? this.pageSize, cursor: next }));
  }

  /** Every page of a payments query, like `pages()`. */
  paymentPages(query: ListPaymentsQuery & { startCursor?: string | null } = {}): AsyncGenerator<CallsPage> {
    const { startCursor, cursor, ...filters } = query;
    return this.walk(startCursor ?? cursor ?? null, (next) => this.listPayments({ ...filters, limit: filters.limit ?? this.pageSize, cursor: next }));
  }

  /** Every page of a team query, like `pages()`. */
  teamPages(query: ListTeamQuery & { startCursor?: string | null } = {}): AsyncGenerator<CallsPage> {
    const { startCursor, cursor, ...filters } = query;
    return this.walk(startCursor ?? cursor ?? null, (next) => this.listTeam({ ...filters, limit: filters.limit ?? this.pageSize, cursor: next }));
  }

  private async *walk(start: string | null, fetchPage: (cursor: string | null) => Promise<ListCallsPage>): AsyncGenerator<CallsPage> {
    let cursor = start;
    const seen = new Set<string>();
    for (;;) {
      const page = await fetchPage(cursor);
      const { has_more: hasMore, next_cursor: nextCursor } = page.pagination;
      yield { cursor, records: page.data, nextCursor, hasMore, bodyLength: page.bodyLength };
      if (!hasMore || nextCursor === null) return;
      if (seen.has(nextCursor)) {
        throw new AuraProtocolError(`Aura returned a next_cursor it had already returned: paging would never end`);
      }
      seen.add(nextCursor);
      cursor = nextCursor;
    }
  }

  private async getOne(path: string): Promise<unknown> {
    const body = await this.get(path);
    if (!isObject(body) || !('data' in body) || !isObject(body['data'])) {
      throw new AuraProtocolError(`Aura GET ${path} returned a body without a data object`);
    }
    return body['data'];
  }

  /** Cumulative counters since the client was created. */
  stats(): AuraClientStats {
    return { ...this.counters };
  }

  /** The rate-limit window as last seen (null parts are unknown). */
  rateLimit(): RateLimitSnapshot | null {
    return this.pacer?.snapshot() ?? null;
  }

  private async getListPage(path: string, limit: number): Promise<ListCallsPage> {
    const { body, bodyLength } = await this.getSized(path);
    return { ...readListPage(body, path, limit), bodyLength };
  }

  private async get(path: string): Promise<unknown> {
    return (await this.getSized(path)).body;
  }

  /** The parsed body of a 2xx answer, and its length in characters. */
  private async getSized(path: string): Promise<{ body: unknown; bodyLength: number }> {
    const url = `${this.baseUrl}${path}`;
    let last: AttemptOutcome | null = null;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      this.throwIfAborted(path);
      if (attempt > 0) this.counters.retries++;
      const outcome = await this.gate.exclusive(() => this.attempt(url));
      last = outcome;
      this.reportAttempt(path, outcome, attempt);
      this.throwIfAborted(path);

      if (outcome.kind === 'too_large') {
        throw new AuraProtocolError(`Aura GET ${path} answered with a body over ${this.maxResponseBytes} bytes (${outcome.bytes} read before stopping)`, {
          status: outcome.status,
        });
      }
      if (outcome.kind === 'response') {
        const { status } = outcome;
        if (status >= 200 && status < 300) return { body: parseJson(outcome.body, path, outcome.headers), bodyLength: outcome.body.length };
        if (status >= 300 && status < 400) {
          // Never followed: a redirect could carry the key elsewhere, or an empty answer taken for a complete pass.
          throw new AuraProtocolError(
            `Aura GET ${path} answered ${status} redirecting to ${JSON.stringify(outcome.headers.get('location') ?? '')}: redirects are not followed; check AURA_API_URL`,
            { status },
          );
        }
        if (status === 429) this.counters.throttled429++;
        else if (status >= 500) this.counters.serverErrors++;
        if (status !== 429 && status < 500) throw this.nonRetryableError(path, outcome);
      } else if (outcome.kind === 'timeout') {
        this.counters.timeouts++;
      } else {
        this.counters.networkErrors++;
      }

      if (attempt === this.maxRetries) break;
      const { waitMs, rateLimited } = this.retryDelay(outcome, attempt);
      this.logger?.warn(`Aura GET ${path}: ${describeOutcome(outcome)}; retry ${attempt + 1}/${this.maxRetries} in ${Math.round(waitMs)} ms`);
      if (rateLimited) this.counters.rateLimitWaitMs += waitMs;
      if (waitMs > 0) await this.pause(waitMs);
      this.throwIfAborted(path);
    }
    const attempts = this.maxRetries + 1;
    const details = last?.kind === 'response' ? errorDetails(last) : {};
    throw new AuraUnavailableError(`Aura GET ${path} failed after ${attempts} attempts; last: ${last ? describeOutcome(last) : 'none'}`, attempts, {
      ...details,
      cause: last?.kind === 'network' ? last.error : undefined,
    });
  }

  private reportAttempt(path: string, outcome: AttemptOutcome, attempt: number): void {
    if (!this.onAttempt) return;
    const status = outcome.kind === 'response' ? outcome.status : outcome.kind;
    const retryable =
      outcome.kind === 'timeout' || outcome.kind === 'network' || (outcome.kind === 'response' && (outcome.status === 429 || outcome.status >= 500));
    this.onAttempt(path, status, retryable && attempt < this.maxRetries);
  }

  /** One HTTP attempt, paced and timed out; never throws. */
  private async attempt(url: string): Promise<AttemptOutcome> {
    if (this.pacer) {
      const waitMs = this.pacer.delayBeforeNextRequest();
      if (waitMs > 0) {
        this.logger?.debug?.(`Aura rate-limit budget spent; waiting ${Math.round(waitMs)} ms for the window to reset`);
        this.counters.rateLimitWaitMs += waitMs;
        await this.pause(waitMs);
        this.pacer.windowElapsed();
      }
      this.pacer.recordSend();
    }
    this.counters.requests++;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    this.signal?.addEventListener('abort', onAbort);
    try {
      const response = await this.fetchImpl(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
        signal: controller.signal,
        redirect: 'manual',
      });
      this.pacer?.observe(response.headers);
      const body = await readBounded(response, this.maxResponseBytes);
      if (body.tooLarge) {
        controller.abort();
        return { kind: 'too_large', status: response.status, bytes: body.bytes };
      }
      return { kind: 'response', status: response.status, headers: response.headers, body: body.text };
    } catch (error) {
      return timedOut ? { kind: 'timeout' } : { kind: 'network', error };
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sleeps, but wakes at once when the client's signal aborts. */
  private pause(ms: number): Promise<void> {
    const signal = this.signal;
    if (!signal) return this.sleep(ms);
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      void this.sleep(ms).then(done);
    });
  }

  private throwIfAborted(path: string): void {
    if (this.signal?.aborted) throw new AuraCanceledError(`Aura GET ${path} was canceled`);
  }

  private retryDelay(outcome: AttemptOutcome, attempt: number): { waitMs: number; rateLimited: boolean } {
    const backoff = this.random() * Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt);
    if (outcome.kind !== 'response') return { waitMs: backoff, rateLimited: false };
    const retryAfter = parseRetryAfterMs(outcome.headers.get('retry-after'), this.now());
    if (outcome.status === 429) {
      const resetAt = this.pacer?.pendingResetAtMs() ?? null;
      const waitMs = retryAfter ?? (resetAt !== null ? resetAt - this.now() + this.pacingMarginMs : backoff);
      return { waitMs: Math.min(this.maxRetryAfterMs, waitMs), rateLimited: true };
    }
    // 5xx: back off, but never sooner than a Retry-After the server asked for.
    return { waitMs: Math.min(this.maxRetryAfterMs, Math.max(backoff, retryAfter ?? 0)), rateLimited: false };
  }

  private nonRetryableError(path: string, outcome: Extract<AttemptOutcome, { kind: 'response' }>): AuraError {
    const details = errorDetails(outcome);
    const { status } = outcome;
    if (status === 401 || status === 403) return AuraAuthError.fromResponse(details);
    const upstreamMessage = readEnvelope(outcome.body)?.error;
    const message = `Aura GET ${path} failed (${describeUpstream(details)})${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
    if (status === 404) return new AuraNotFoundError(message, details);
    if (status >= 400 && status < 500) return new AuraRequestError(message, details);
    return new AuraProtocolError(`Aura GET ${path} answered with unexpected status ${status}`, details);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readEnvelope(body: string): { code?: string; error?: string; requestId?: string } | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isObject(parsed)) return null;
    const text = (key: string) => (typeof parsed[key] === 'string' ? parsed[key] : undefined);
    return { code: text('code'), error: text('error') ?? text('message'), requestId: text('requestId') };
  } catch {
    return null;
  }
}

function errorDetails(outcome: Extract<AttemptOutcome, { kind: 'response' }>): AuraErrorDetails {
  const envelope = readEnvelope(outcome.body);
  return {
    status: outcome.status,
    code: envelope?.code,
    upstreamRequestId: envelope?.requestId ?? outcome.headers.get('x-request-id') ?? undefined,
  };
}

function describeOutcome(outcome: AttemptOutcome): string {
  if (outcome.kind === 'timeout') return 'timed out';
  if (outcome.kind === 'too_large') return `a body over the size limit (status ${outcome.status})`;
  if (outcome.kind === 'network') {
    const error = outcome.error as { message?: string; cause?: { code?: string; message?: string } };
    return `network error (${error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(outcome.error)})`;
  }
  return describeUpstream(errorDetails(outcome));
}

function parseJson(body: string, path: string, headers: Headers): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new AuraProtocolError(`Aura GET ${path} returned a body that is not JSON`, {
      cause: error,
      upstreamRequestId: headers.get('x-request-id') ?? undefined,
    });
  }
}

/** The body as text, reading no more than `maxBytes` (a hostile or broken server can send gigabytes). */
async function readBounded(response: Response, maxBytes: number): Promise<{ text: string; tooLarge: false } | { tooLarge: true; bytes: number }> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { tooLarge: true, bytes: 0 };
  }
  if (!response.body) return { text: '', tooLarge: false };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true, bytes };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function readListPage(body: unknown, path: string, limit: number): Omit<ListCallsPage, 'bodyLength'> {
  if (!isObject(body) || !Array.isArray(body['data'])) {
    throw new AuraProtocolError(`Aura GET ${path} returned a body without a data array`);
  }
  if (Number.isInteger(limit) && limit > 0 && body['data'].length > limit) {
    throw new AuraProtocolError(`Aura GET ${path} returned ${body['data'].length} records for a page of at most ${limit}`);
  }
  const pagination = body['pagination'];
  if (!isObject(pagination) || typeof pagination['has_more'] !== 'boolean') {
    throw new AuraProtocolError(`Aura GET ${path} returned no pagination.has_more`);
  }
  const next = pagination['next_cursor'];
  if (next !== undefined && next !== null && typeof next !== 'string') {
    throw new AuraProtocolError(`Aura GET ${path} returned a next_cursor that is not a string`);
  }
  const nextCursor = typeof next === 'string' && next !== '' ? next : null;
  if (pagination['has_more'] && nextCursor === null) {
    throw new AuraProtocolError(`Aura GET ${path} said has_more but gave no next_cursor`);
  }
  // Checked before the page is handed on: the cursor is stored with the page as the sync's checkpoint.
  if (pagination['has_more'] && nextCursor !== null) {
    if (nextCursor.length > MAX_CURSOR_LENGTH) {
      throw new AuraProtocolError(`Aura GET ${path} returned a next_cursor of ${nextCursor.length} characters (at most ${MAX_CURSOR_LENGTH} expected)`);
    }
    if (!isStorableText(nextCursor)) {
      throw new AuraProtocolError(`Aura GET ${path} returned a next_cursor holding a NUL character or a lone surrogate, which cannot be a checkpoint`);
    }
  }
  return { data: body['data'] as unknown[], pagination: { has_more: pagination['has_more'], next_cursor: nextCursor } };
}
