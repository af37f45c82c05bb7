import { RateLimitOptions } from './sandbox-options';

export interface RateLimitDecision {
  allowed: boolean;
  /** X-RateLimit-* and Retry-After headers to send (none when there is no limit). */
  headers: Record<string, string>;
}

/**
 * Fixed windows aligned to the epoch, one minute of sandbox time each
 * (60 s / timeScale of real time). Every request that reaches it counts,
 * refused ones too, so `maxRequestsInAnyWindow` shows whether a client ever
 * sent more than the limit.
 */
export class FixedWindowRateLimiter {
  private windowIndex = -1;
  private count = 0;
  private maxInAnyWindow = 0;

  constructor(
    private options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get limit(): number | null {
    return this.options.perMinute;
  }

  /** How much faster than real time a sandbox minute runs. */
  get timeScale(): number {
    return this.options.timeScale;
  }

  get windowMs(): number {
    return 60_000 / this.options.timeScale;
  }

  get maxRequestsInAnyWindow(): number {
    return this.maxInAnyWindow;
  }

  configure(options: RateLimitOptions): void {
    const windowChanged = options.timeScale !== this.options.timeScale;
    this.options = options;
    if (windowChanged) {
      this.windowIndex = -1;
      this.count = 0;
    }
  }

  resetStats(): void {
    this.maxInAnyWindow = this.count;
  }

  hit(): RateLimitDecision {
    const nowMs = this.now();
    const windowMs = this.windowMs;
    const index = Math.floor(nowMs / windowMs);
    if (index !== this.windowIndex) {
      this.windowIndex = index;
      this.count = 0;
    }
    this.count++;
    this.maxInAnyWindow = Math.max(this.maxInAnyWindow, this.count);

    const limit = this.options.perMinute;
    if (limit === null) return { allowed: true, headers: {} };
    const resetMs = (index + 1) * windowMs;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - this.count)),
      'X-RateLimit-Reset': formatSeconds(resetMs / 1000),
    };
    if (this.count <= limit) return { allowed: true, headers };
    headers['Retry-After'] = this.retryAfter((resetMs - nowMs) / 1000);
    return { allowed: false, headers };
  }

  /** Retry-After for `seconds` of real time: whole seconds unless time is scaled. */
  retryAfter(seconds: number): string {
    if (this.options.timeScale === 1) return String(Math.max(1, Math.ceil(seconds)));
    return formatSeconds(Math.max(0.001, seconds));
  }
}

/** Seconds with at most three decimals, no trailing zeros. */
function formatSeconds(seconds: number): string {
  return String(Math.ceil(seconds * 1000) / 1000);
}
