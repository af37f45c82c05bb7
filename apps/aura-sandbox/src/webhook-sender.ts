import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { isObject } from './record-store';

/** The events Aura documents; `emit` sends any name. */
export const AURA_WEBHOOK_EVENTS = [
  'call.booked',
  'call.updated',
  'call.completed',
  'call.canceled',
  'call.rescheduled',
  'call.no_show',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
] as const;

export type AuraWebhookEvent = (typeof AURA_WEBHOOK_EVENTS)[number];

/** Retries after a failed delivery, in sandbox time (divided by the time scale), as Aura documents. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 15_000];

/** Deliveries sent at once; the rest wait their turn (a burst does not open a socket per event). */
const MAX_IN_FLIGHT = 16;
/** A receiver that has not answered by then counts as failed (real time). */
const REQUEST_TIMEOUT_MS = 10_000;

export interface WebhookSubscription {
  id: string;
  target_url: string;
  secret: string;
}

export type WebhookDeliveryStatus = 'delivered' | 'failed' | 'pending';

/** One event sent to one subscription, with every attempt it took. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  event: string;
  /** `data.id` of the payload when it has one. */
  dataId: string | null;
  /** The exact bytes sent and signed. */
  body: string;
  /** X-Aura-Signature: hex HMAC-SHA256 of `body` with the subscription's secret. */
  signature: string;
  attempts: number;
  status: WebhookDeliveryStatus;
  /** HTTP status of the last answer; null when there was none (network error, timeout). */
  lastStatusCode: number | null;
  /** Why the last attempt failed; null after a success. */
  lastError: string | null;
}

export interface EmitWebhookOptions {
  /** created_at of the payload (to replay an event exactly); default: the sandbox clock. */
  createdAt?: string | Date | number;
}

interface PendingDelivery {
  log: WebhookDelivery;
  targetUrl: string;
  retryTimer: NodeJS.Timeout | null;
}

/** hex HMAC-SHA256 of the exact body bytes: what Aura sends as X-Aura-Signature. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/**
 * Sends events to subscribers as Aura does: a signed JSON POST, retried
 * 3 times (1 s, 5 s, 15 s) after a network error or a non-2xx answer.
 */
export class WebhookSender {
  private readonly subscriptions = new Map<string, WebhookSubscription>();
  private readonly log: WebhookDelivery[] = [];
  private readonly pending = new Set<PendingDelivery>();
  private readonly queue: PendingDelivery[] = [];
  private readonly requests = new Set<AbortController>();
  private flushWaiters: (() => void)[] = [];
  private inFlight = 0;
  private lastCreatedMs = -Infinity;
  private closed = false;

  constructor(
    readonly organizationId: string,
    private readonly clock: () => number,
    /** 60 makes a sandbox minute last one real second (the rate limit's timeScale). */
    private readonly timeScale: () => number,
  ) {}

  subscribe(targetUrl: string, secret?: string): WebhookSubscription {
    let url: URL | null;
    try {
      url = typeof targetUrl === 'string' ? new URL(targetUrl) : null;
    } catch {
      url = null;
    }
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new RangeError('sandbox: target_url must be an http(s) URL');
    }
    if (secret !== undefined && !(typeof secret === 'string' && secret !== '')) {
      throw new RangeError('sandbox: secret must be a non-empty string');
    }
    const subscription: WebhookSubscription = {
      id: randomUUID(),
      target_url: targetUrl,
      secret: secret ?? `whsec_${randomBytes(24).toString('base64url')}`,
    };
    this.subscriptions.set(subscription.id, subscription);
    return { ...subscription };
  }

  /** Remove a subscription and give up its deliveries still waiting; false when there was none. */
  unsubscribe(id: string): boolean {
    if (!this.subscriptions.delete(id)) return false;
    for (const delivery of [...this.pending]) {
      if (delivery.log.subscriptionId === id && !this.isInFlight(delivery)) {
        delivery.log.lastError = 'subscription deleted';
        this.finish(delivery, 'failed');
      }
    }
    this.settle();
    return true;
  }

  list(): WebhookSubscription[] {
    return [...this.subscriptions.values()].map((subscription) => ({ ...subscription }));
  }

  /** Send `event` with `data` to every subscription. Returns the deliveries it started (none once closed). */
  emit(event: string, data: unknown, options: EmitWebhookOptions = {}): WebhookDelivery[] {
    if (typeof event !== 'string' || event === '') throw new RangeError('sandbox: event must be a non-empty string');
    if (this.closed) return [];
    const body = JSON.stringify({
      event,
      created_at: options.createdAt === undefined ? this.nextCreatedAt() : toIsoInstant(options.createdAt),
      data,
      organization_id: this.organizationId,
    });
    const dataId = isObject(data) && typeof data['id'] === 'string' ? data['id'] : null;
    const started = [...this.subscriptions.values()].map((subscription) => {
      const log: WebhookDelivery = {
        id: randomUUID(),
        subscriptionId: subscription.id,
        event,
        dataId,
        body,
        signature: signWebhookBody(body, subscription.secret),
        attempts: 0,
        status: 'pending',
        lastStatusCode: null,
        lastError: null,
      };
      const delivery: PendingDelivery = { log, targetUrl: subscription.target_url, retryTimer: null };
      this.log.push(log);
      this.pending.add(delivery);
      this.queue.push(delivery);
      return { ...log };
    });
    this.pump();
    return started;
  }

  /** Every delivery so far, oldest first (copies). */
  deliveries(): WebhookDelivery[] {
    return this.log.map((log) => ({ ...log }));
  }

  /** Resolves when no delivery is pending (retries included: up to 21 s of sandbox time). */
  flush(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Cancel retries and requests in flight; what was pending is marked failed. */
  close(): void {
    this.closed = true;
    for (const request of this.requests) request.abort();
    for (const delivery of [...this.pending]) {
      delivery.log.lastError ??= 'sandbox closed';
      this.finish(delivery, 'failed');
    }
    this.queue.length = 0;
    this.settle();
  }

  /** created_at of the next event: the sandbox clock, strictly increasing so data.id + created_at tells events apart. */
  private nextCreatedAt(): string {
    this.lastCreatedMs = Math.max(this.clock(), this.lastCreatedMs + 1);
    return new Date(this.lastCreatedMs).toISOString();
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const delivery = this.queue.shift();
      if (delivery !== undefined && delivery.log.status === 'pending') void this.attempt(delivery);
    }
  }

  private async attempt(delivery: PendingDelivery): Promise<void> {
    const { log } = delivery;
    const request = new AbortController();
    const timeout = setTimeout(() => request.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    this.requests.add(request);
    this.inFlight++;
    log.attempts++;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.targetUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Aura-Signature': log.signature },
        body: log.body,
        signal: request.signal,
      });
      statusCode = response.status;
      await response.arrayBuffer(); // read the answer so the connection can be reused
    } catch (caught) {
      error = describeFailure(caught);
    } finally {
      clearTimeout(timeout);
      this.requests.delete(request);
      this.inFlight--;
    }
    if (log.status !== 'pending') return; // given up while in flight (close, unsubscribe)

    log.lastStatusCode = statusCode;
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    log.lastError = succeeded ? null : (error ?? `receiver answered ${statusCode}`);
    if (succeeded) this.finish(delivery, 'delivered');
    else if (log.attempts > WEBHOOK_RETRY_DELAYS_MS.length || !this.subscriptions.has(log.subscriptionId)) {
      this.finish(delivery, 'failed');
    } else this.scheduleRetry(delivery);
    this.pump();
    this.settle();
  }

  private scheduleRetry(delivery: PendingDelivery): void {
    const delayMs = WEBHOOK_RETRY_DELAYS_MS[delivery.log.attempts - 1] / this.timeScale();
    delivery.retryTimer = setTimeout(() => {
      delivery.retryTimer = null;
      this.queue.push(delivery);
      this.pump();
    }, delayMs);
  }

  private isInFlight(delivery: PendingDelivery): boolean {
    return delivery.retryTimer === null && !this.queue.includes(delivery);
  }

  private finish(delivery: PendingDelivery, status: 'delivered' | 'failed'): void {
    if (delivery.retryTimer !== null) clearTimeout(delivery.retryTimer);
    delivery.retryTimer = null;
    delivery.log.status = status;
    this.pending.delete(delivery);
  }

  private settle(): void {
    if (this.pending.size > 0) return;
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function toIsoInstant(value: string | Date | number): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`sandbox: createdAt is not a valid date: ${String(value)}`);
  return new Date(ms).toISOString();
}

/** fetch() reports "fetch failed"; the cause says what happened (ECONNREFUSED …). */
function describeFailure(error: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (Jest's VM), where instanceof fails.
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  return cause === undefined || cause === null ? messageOf(error) : `${messageOf(error)}: ${messageOf(cause)}`;
}

function messageOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const message = 'message' in value && typeof value.message === 'string' ? value.message : '';
  const code = 'code' in value && typeof value.code === 'string' ? value.code : '';
  return message || code || JSON.stringify(value);
}
