import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AdminResources, AdminRoutes, SandboxControls } from './admin-routes';
import { ApiRoutes } from './api-routes';
import { FaultInjector } from './fault-injector';
import { HttpProblem, methodNotAllowed } from './http-exchange';
import { FixedWindowRateLimiter } from './rate-limiter';
import { SandboxStoreError } from './record-store';
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

/**
 * The sandbox's HTTP surface: auth, the one rate limit and the faults in
 * front of Aura's /v1 routes, plus /admin for tests.
 */
export class SandboxRoutes implements SandboxControls {
  private counters = emptyCounters();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly api: ApiRoutes;
  private readonly admin: AdminRoutes;

  constructor(
    private readonly apiKey: string,
    resources: AdminResources,
    private readonly limiter: FixedWindowRateLimiter,
    private readonly faultInjector: FaultInjector,
    private rateLimitOptions: RateLimitOptions,
  ) {
    this.api = new ApiRoutes(resources.calls, resources.payments, resources.team);
    this.admin = new AdminRoutes(resources, this);
  }

  faults(): RuntimeFaults {
    return { ...this.faultInjector.faults };
  }

  setFaults(change: Partial<RuntimeFaults>): RuntimeFaults {
    this.faultInjector.faults = resolveRuntimeFaults(this.faultInjector.faults, change);
    return this.faults();
  }

  rateLimit(): RateLimitOptions {
    return { ...this.rateLimitOptions };
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
      throw new HttpProblem(401, 'UNAUTHORIZED', req.headers.authorization ? 'Invalid API key' : 'Missing Authorization: Bearer <key> header');
    }
    if (isAdmin) {
      const reply = await this.admin.route(req, method, path);
      return this.send(req, res, reply.status, reply.body, requestId);
    }

    const decision = this.limiter.hit();
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (!decision.allowed) {
      this.counters.rateLimited++;
      throw new HttpProblem(429, 'RATE_LIMITED', 'Rate limit exceeded');
    }

    const { latencyMs, stallMs, retryAfterSeconds } = this.faultInjector.faults;
    const fault = this.faultInjector.roll();
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
    const reply = this.api.route(path, url.searchParams);
    this.send(req, res, reply.status, reply.body, requestId);
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

  private sendRaw(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string, requestId: string): void {
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
