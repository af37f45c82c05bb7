/**
 * Keeps the client inside Aura's advertised rate limit by reading the
 * X-RateLimit-* headers of every response and, when the current window's
 * budget is spent, waiting for its reset instead of being refused.
 *
 * Requests are counted locally as they are sent (so a timed-out request whose
 * response never arrives still uses budget) and corrected by the headers of
 * each response, which are authoritative.
 */
export interface RateLimitSnapshot {
  limit: number | null;
  remaining: number | null;
  /** Epoch milliseconds at which the current window resets, when known. */
  resetAtMs: number | null;
}

export interface HeaderSource {
  get(name: string): string | null;
}

// Reset values below this are read as "seconds from now" rather than a Unix
// timestamp (some gateways send a delta); 1e9 s is September 2001.
const UNIX_SECONDS_THRESHOLD = 1e9;

export class RateLimitPacer {
  private limit: number | null = null;
  private remaining: number | null = null;
  private resetAtMs: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly marginMs: number,
    private readonly maxWaitMs: number,
  ) {}

  snapshot(): RateLimitSnapshot {
    return { limit: this.limit, remaining: this.remaining, resetAtMs: this.resetAtMs };
  }

  /**
   * How long to wait before the next request may be sent (0 = now). Does not
   * change state: call `recordSend()` once the request actually goes out.
   */
  delayBeforeNextRequest(): number {
    this.rollWindow();
    if (this.remaining === null || this.remaining > 0 || this.resetAtMs === null) return 0;
    const wait = this.resetAtMs - this.now() + this.marginMs;
    return Math.max(0, Math.min(this.maxWaitMs, wait));
  }

  /** The caller waited `delayBeforeNextRequest()`: the old window is over. */
  windowElapsed(): void {
    this.remaining = this.limit;
    this.resetAtMs = null;
  }

  /** A request is about to be sent. */
  recordSend(): void {
    this.rollWindow();
    if (this.remaining !== null) this.remaining = Math.max(0, this.remaining - 1);
  }

  /** Update from a response's headers (any status). */
  observe(headers: HeaderSource): void {
    const limit = parseNumber(headers.get('x-ratelimit-limit'));
    const remaining = parseNumber(headers.get('x-ratelimit-remaining'));
    const reset = parseNumber(headers.get('x-ratelimit-reset'));
    if (limit !== null) this.limit = Math.floor(limit);
    if (remaining !== null) this.remaining = Math.max(0, Math.floor(remaining));
    if (reset !== null) this.resetAtMs = resetToEpochMs(reset, this.now());
  }

  /** Epoch ms of the known reset if it is still ahead, else null. */
  pendingResetAtMs(): number | null {
    return this.resetAtMs !== null && this.resetAtMs > this.now() ? this.resetAtMs : null;
  }

  private rollWindow(): void {
    if (this.resetAtMs !== null && this.now() >= this.resetAtMs) this.windowElapsed();
  }
}

export function resetToEpochMs(reset: number, nowMs: number): number {
  return reset >= UNIX_SECONDS_THRESHOLD ? reset * 1000 : nowMs + reset * 1000;
}

function parseNumber(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/**
 * Retry-After as milliseconds from now: delta seconds (fractions accepted) or
 * an HTTP date. Null when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}
