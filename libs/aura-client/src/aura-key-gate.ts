import { RateLimitPacer } from './rate-limit-pacer';

export interface AuraKeyGateOptions {
  now?: () => number;
  /** Pace by the X-RateLimit-* headers (default true). */
  pacing?: boolean;
  /** Added to a window's reset for clock skew. Default 100 ms. */
  marginMs?: number;
  /** Bounds one wait against a bogus reset header. Default 65 000 ms. */
  maxWaitMs?: number;
}

/**
 * One Aura key's window, shared by every client that uses the key: calls,
 * payments and the webhook worker's re-fetches queue here one request at a
 * time and are paced by one `RateLimitPacer`, so together they never exceed
 * the key's 100 requests a minute.
 */
export class AuraKeyGate {
  readonly pacer: RateLimitPacer | null;
  private tail: Promise<void> = Promise.resolve();

  constructor(options: AuraKeyGateOptions = {}) {
    const now = options.now ?? Date.now;
    this.pacer = options.pacing === false ? null : new RateLimitPacer(now, options.marginMs ?? 100, options.maxWaitMs ?? 65_000);
  }

  /** Run `task` after every earlier task of this gate has finished. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    return previous.then(task).finally(release);
  }
}
