import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { CallFilter, CallStore, decodeCursor, encodeCursor, SandboxStoreError } from './call-store';
import { FaultInjector } from './fault-injector';
import { FixedWindowRateLimiter } from './rate-limiter';
import { RateLimitOptions, resolveRateLimit, resolveRuntimeFaults, RuntimeFaults } from './sandbox-options';

export interface SandboxStats {
  /** Requests to /v1/* (admin and /health are not counted). */
  requests: number;
  /** /v1/* responses by HTTP status. */
  byStatus: Record<number, number>;
  /** Requests refused because the rate limit was exceeded (not injected 429s). */
  rateLimited: number;
  /** Most /v1/* requests received in one rate-limit window (refused ones included). */
  maxRequestsInAnyWindow: number;
  /** The limit per window now in force; null = none. */
  windowLimit: number | null;
  injected: { throttled: number; serverErrors: number; stalled: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLERK_USER_ID = /^user_[A-Za-z0-9]+$/;
const MAX_BODY_BYTES = 1_000_000;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The sandbox's HTTP surface: Aura's /v1 contract plus /admin for tests. */
export class SandboxRoutes {
  private counters = emptyCounters();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly apiKey: string,
    private readonly store: CallStore,
    private readonly limiter: FixedWindowRateLimiter,
    private readonly faults: FaultInjector,
    private rateLimitOptions: RateLimitOptions,
  ) {}

  setFaults(change: Partial<RuntimeFaults>): RuntimeFaults {
    this.faults.faults = resolveRuntimeFaults(this.faults.faults, change);
    return { ...this.faults.faults };
  }

  setRateLimit(change: Partial<RateLimitOptions>): RateLimitOptions {
    this.rateLimitOptions = resolveRateLimit(this.rateLimitOptions, change);
    this.limiter.configure(this.rateLimitOptions);
    return { ...this.rateLimitOptions };
  }

  stats(): SandboxStats {
    return {
      requests: this.counters.requests,
      byStatus: { ...this.counters.byStatus },
      rateLimited: this.counters.rateLimited,
      maxRequestsInAnyWindow: this.limiter.maxRequestsInAnyWindow,
      windowLimit: this.limiter.limit,
      injected: { ...this.counters.injected },
    };
  }

  resetStats(): void {
    this.counters = emptyCounters();
    this.limiter.resetStats();
  }

  /** Cancel delayed responses (used by close()). */
  cancelPending(): void {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = `req_${randomBytes(8).toString('hex')}`;
    this.route(req, res, requestId).catch((error: unknown) => {
      const problem =
        error instanceof HttpProblem
          ? error
          : error instanceof SandboxStoreError
            ? new HttpProblem(error.status, error.code, error.message)
            : error instanceof RangeError
              ? new HttpProblem(400, 'VALIDATION_FAILED', error.message.replace(/^sandbox: /, ''))
              : new HttpProblem(500, 'INTERNAL', 'Internal error');
      this.sendError(req, res, requestId, problem);
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';

    if (path === '/health') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      return this.send(req, res, 200, { status: 'ok' }, requestId);
    }

    const isApi = path === '/v1' || path.startsWith('/v1/');
    const isAdmin = path.startsWith('/admin/');
    if (!isApi && !isAdmin) throw new HttpProblem(404, 'NOT_FOUND', 'Route not found');
    if (isApi) this.counters.requests++;

    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      throw new HttpProblem(
        401,
        'UNAUTHORIZED',
        req.headers.authorization ? 'Invalid API key' : 'Missing Authorization: Bearer <key> header',
      );
    }
    if (isAdmin) return this.routeAdmin(req, res, method, path, requestId);

    const decision = this.limiter.hit();
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (!decision.allowed) {
      this.counters.rateLimited++;
      throw new HttpProblem(429, 'RATE_LIMITED', 'Rate limit exceeded');
    }

    const { latencyMs, stallMs, retryAfterSeconds } = this.faults.faults;
    const fault = this.faults.roll();
    const delay = latencyMs + (fault.kind === 'stall' ? stallMs : 0);
    if (fault.kind === 'stall') this.counters.injected.stalled++;
    if (delay > 0) await this.wait(delay);
    if (res.destroyed) return;

    if (fault.kind === 'throttle') {
      this.counters.injected.throttled++;
      throw new HttpProblem(429, 'RATE_LIMITED', 'Too many requests (injected fault)', {
        'Retry-After': this.limiter.retryAfter(retryAfterSeconds / this.rateLimitOptions.timeScale),
      });
    }
    if (fault.kind === 'server-error') {
      this.counters.injected.serverErrors++;
      if (fault.status === 502) {
        return this.sendRaw(req, res, 502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>', requestId);
      }
      throw new HttpProblem(
        fault.status,
        fault.status === 503 ? 'UNAVAILABLE' : 'INTERNAL',
        fault.status === 503 ? 'Service temporarily unavailable (injected fault)' : 'Internal error (injected fault)',
      );
    }

    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    if (path === '/v1/calls') return this.listCalls(req, res, url.searchParams, requestId);
    const match = /^\/v1\/calls\/([^/]+)$/.exec(path);
    if (match) {
      const call = this.store.peek(decodePathSegment(match[1]));
      if (call === undefined) throw new HttpProblem(404, 'NOT_FOUND', 'Call not found');
      return this.send(req, res, 200, { success: true, data: call }, requestId);
    }
    throw new HttpProblem(404, 'NOT_FOUND', 'Route not found');
  }

  private listCalls(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, requestId: string): void {
    const limitText = query.get('limit');
    let limit = 50;
    if (limitText !== null) {
      limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= 100)) {
        throw new HttpProblem(400, 'VALIDATION_FAILED', 'limit must be an integer from 1 to 100');
      }
    }
    const cursorText = query.get('cursor');
    const after = cursorText === null || cursorText === '' ? null : decodeCursor(cursorText);
    if (after === null && cursorText) throw new HttpProblem(400, 'VALIDATION_FAILED', 'cursor is invalid');

    const filter: CallFilter = {};
    const status = query.get('status');
    if (status !== null && status !== '') filter.status = status;
    for (const field of ['lead_id', 'booking_link_id'] as const) {
      const value = query.get(field);
      if (value === null || value === '') continue;
      if (!UUID.test(value)) throw new HttpProblem(400, 'VALIDATION_FAILED', `${field} must be a uuid`);
      filter[field] = value;
    }
    for (const field of ['closer_id', 'setter_id'] as const) {
      const value = query.get(field);
      if (value === null || value === '') continue;
      if (!CLERK_USER_ID.test(value)) {
        throw new HttpProblem(400, 'VALIDATION_FAILED', `${field} must match ^user_[A-Za-z0-9]+$`);
      }
      filter[field] = value;
    }
    const upcoming = query.get('is_upcoming');
    if (upcoming !== null && upcoming !== '') {
      if (upcoming !== 'true' && upcoming !== 'false') {
        throw new HttpProblem(400, 'VALIDATION_FAILED', 'is_upcoming must be true or false');
      }
      filter.is_upcoming = upcoming === 'true';
    }

    const page = this.store.list(filter, after, limit);
    const nextCursor = page.nextKey === null ? null : encodeCursor(page.nextKey);
    this.send(req, res, 200, { data: page.records, pagination: { has_more: page.hasMore, next_cursor: nextCursor } }, requestId);
  }

  private async routeAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    requestId: string,
  ): Promise<void> {
    const callMatch = /^\/admin\/calls\/([^/]+)$/.exec(path);
    if (callMatch) {
      const id = decodePathSegment(callMatch[1]);
      if (method === 'GET') {
        const call = this.store.get(id);
        if (call === undefined) throw new HttpProblem(404, 'NOT_FOUND', 'Call not found');
        return this.send(req, res, 200, { success: true, data: call }, requestId);
      }
      if (method === 'PATCH') {
        const patch = await readJsonBody(req);
        if (!isObject(patch)) throw new HttpProblem(400, 'VALIDATION_FAILED', 'body must be a JSON object');
        return this.send(req, res, 200, { success: true, data: this.store.update(id, patch) }, requestId);
      }
      if (method === 'DELETE') {
        if (!this.store.delete(id)) throw new HttpProblem(404, 'NOT_FOUND', 'Call not found');
        return this.send(req, res, 200, { success: true }, requestId);
      }
      throw methodNotAllowed();
    }
    if (path === '/admin/calls') {
      if (method !== 'POST') throw methodNotAllowed();
      const raw = await readJsonBody(req);
      const id = this.store.insert(raw);
      return this.send(req, res, 201, { success: true, data: raw, id }, requestId);
    }
    if (path === '/admin/faults') {
      if (method === 'GET') return this.send(req, res, 200, { success: true, data: this.faults.faults }, requestId);
      if (method !== 'PUT') throw methodNotAllowed();
      const change = await readJsonBody(req);
      if (!isObject(change)) throw new HttpProblem(400, 'VALIDATION_FAILED', 'body must be a JSON object');
      if ('malformedShare' in change) {
        throw new HttpProblem(400, 'VALIDATION_FAILED', 'malformedShare applies when the data set is generated');
      }
      return this.send(req, res, 200, { success: true, data: this.setFaults(change) }, requestId);
    }
    if (path === '/admin/rate-limit') {
      if (method === 'GET') return this.send(req, res, 200, { success: true, data: this.rateLimitOptions }, requestId);
      if (method !== 'PUT') throw methodNotAllowed();
      const change = await readJsonBody(req);
      if (!isObject(change)) throw new HttpProblem(400, 'VALIDATION_FAILED', 'body must be a JSON object');
      return this.send(req, res, 200, { success: true, data: this.setRateLimit(change) }, requestId);
    }
    if (path === '/admin/stats') {
      if (method === 'GET') return this.send(req, res, 200, { success: true, data: this.stats() }, requestId);
      if (method === 'DELETE') {
        this.resetStats();
        return this.send(req, res, 200, { success: true }, requestId);
      }
      throw methodNotAllowed();
    }
    throw new HttpProblem(404, 'NOT_FOUND', 'Route not found');
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        resolve();
      }, ms);
      this.pendingTimers.add(timer);
    });
  }

  private sendError(req: IncomingMessage, res: ServerResponse, requestId: string, problem: HttpProblem): void {
    if (res.headersSent || res.destroyed) return;
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    this.send(req, res, problem.status, { success: false, code: problem.code, error: problem.message, requestId }, requestId);
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, requestId: string): void {
    this.sendRaw(req, res, status, 'application/json', JSON.stringify(body), requestId);
  }

  private sendRaw(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    requestId: string,
  ): void {
    if (res.destroyed) return;
    if ((req.url ?? '').startsWith('/v1')) {
      this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
    }
    res.statusCode = status;
    res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function emptyCounters() {
  return {
    requests: 0,
    byStatus: {} as Record<number, number>,
    rateLimited: 0,
    injected: { throttled: 0, serverErrors: 0, stalled: 0 },
  };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(404, 'NOT_FOUND', 'Call not found');
  }
}

function methodNotAllowed(): HttpProblem {
  return new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'PAYLOAD_TOO_LARGE', 'Body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpProblem(400, 'VALIDATION_FAILED', 'body must be JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'body is not valid JSON');
  }
}
