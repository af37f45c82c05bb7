import { Inject, Injectable } from '@nestjs/common';
import { httpConfig, type HttpConfig } from '@app/configuration';

const WINDOW_MS = 60_000;
/** Addresses remembered at most (a flood from many addresses cannot grow the map without bound). */
const MAX_TRACKED = 10_000;

/**
 * Failed authentications per client address, in fixed one-minute windows
 * (per replica). Past AUTH_FAILURES_PER_MINUTE an address is refused with
 * 429 before its key is even looked up, so keys cannot be guessed at speed.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();
  private readonly limit: number;

  constructor(
    @Inject(httpConfig.KEY) config: HttpConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = config.authFailuresPerMinute;
  }

  /** Seconds until the address may try again; 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= MAX_TRACKED) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }

  private current(address: string): { startedAt: number; failures: number } | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
