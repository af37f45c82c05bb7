import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { eventsConfig, type EventsConfig } from '@app/configuration';
import { ClaimedDelivery, DeliveriesRepository, DeliveryAttempt } from './deliveries.repository';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signBody } from './delivery-signature';

/** Due deliveries are looked for this often (an event committed on any replica is sent within about this long). */
const POLL_MS = 1_000;
/** Deliveries in flight from this process at once … */
const IN_FLIGHT = 16;
/** … and to one subscription: a receiver that hangs until the timeout holds at most this many slots. */
const IN_FLIGHT_PER_SUBSCRIPTION = 4;
/** Bytes of a receiver's answer read (and then dropped): enough to finish the exchange, never a flood. */
const MAX_ANSWER_BYTES = 64 * 1024;
/** Settled deliveries and their events are purged this often … */
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Sends pending deliveries from the outbox: signs each body, POSTs it, and
 * records the attempt. 2xx is delivered; anything else (a refused
 * connection, a timeout, a 3xx, 4xx or 5xx) is tried again after a doubling
 * backoff until WEBHOOK_GIVE_UP_HOURS after the event, then left failed.
 * Redirects are not followed. A process killed mid-send leaves its lease to
 * expire and the delivery is sent again: receivers deduplicate by event id.
 * Deliveries go out as a pool: a slot freed by one answer is taken by the
 * next due delivery, so one slow receiver never holds the others back.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private poller: NodeJS.Timeout | null = null;
  private purger: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.deliveryEnabled) {
      this.logger.warn('WEBHOOK_DELIVERY_ENABLED is false: events are stored for subscriptions but not sent from this process');
      return;
    }
    this.poller = setInterval(() => {
      if (!this.running)
        this.drain().catch((error: unknown) => this.logger.error({ err: error }, 'Sending webhook deliveries failed; the next poll tries again'));
    }, POLL_MS);
    this.poller.unref();
    this.purger = setInterval(() => {
      this.purge(new Date()).catch((error: unknown) =>
        this.logger.error({ err: error }, 'Purging settled webhook deliveries failed; the next hour tries again'),
      );
    }, PURGE_EVERY_MS);
    this.purger.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    if (this.purger) clearInterval(this.purger);
    await this.running;
  }

  /** Sends every delivery due now; resolves when none is left (tests call it). */
  async drain(now: () => Date = () => new Date()): Promise<void> {
    while (this.running) await this.running;
    this.running = this.drainOnce(now).finally(() => (this.running = null));
    await this.running;
  }

  /** Deletes deliveries settled longer than WEBHOOK_RETENTION_DAYS ago, and events no delivery needs any more. */
  async purge(now: Date): Promise<number> {
    const purged = await this.deliveries.purgeSettled(new Date(now.getTime() - this.config.retentionDays * 86_400_000));
    if (purged > 0) this.logger.log(`Purged ${purged} webhook deliveries settled more than ${this.config.retentionDays} days ago`);
    return purged;
  }

  private async drainOnce(now: () => Date): Promise<void> {
    const inFlight = new Map<bigint, { subscriptionId: string; done: Promise<void> }>();
    for (;;) {
      if (!this.stopped && inFlight.size < IN_FLIGHT) {
        const at = now();
        const leaseUntil = new Date(at.getTime() + this.config.deliveryTimeoutSeconds * 2_000 + 30_000);
        const perSubscription = new Map<string, number>();
        for (const { subscriptionId } of inFlight.values()) perSubscription.set(subscriptionId, (perSubscription.get(subscriptionId) ?? 0) + 1);
        const saturated = [...perSubscription].filter(([, count]) => count >= IN_FLIGHT_PER_SUBSCRIPTION).map(([id]) => id);
        const claimed = await this.deliveries.claim(IN_FLIGHT - inFlight.size, IN_FLIGHT_PER_SUBSCRIPTION, saturated, at, leaseUntil);
        for (const delivery of claimed) {
          const done = this.send(delivery, leaseUntil, now).finally(() => inFlight.delete(delivery.id));
          inFlight.set(delivery.id, { subscriptionId: delivery.subscriptionId, done });
        }
        if (claimed.length > 0) continue;
      }
      if (inFlight.size === 0) return;
      await Promise.race([...inFlight.values()].map((entry) => entry.done));
    }
  }

  private async send(delivery: ClaimedDelivery, leasedUntil: Date, now: () => Date): Promise<void> {
    const started = now();
    const attempt = await this.post(delivery);
    const at = now();
    const record: DeliveryAttempt = { at: started.toISOString(), ...attempt, duration_ms: Math.max(0, at.getTime() - started.getTime()) };
    const delivered = attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
    const giveUpAt = delivery.createdAt.getTime() + this.config.giveUpHours * 3_600_000;
    const backoffMs = Math.min(this.config.retryBaseSeconds * 1_000 * 2 ** Math.min(30, delivery.attempts - 1), this.config.retryMaxMinutes * 60_000);
    const nextAttemptAt = new Date(at.getTime() + backoffMs);
    const status = delivered ? 'delivered' : nextAttemptAt.getTime() > giveUpAt ? 'failed' : 'pending';
    try {
      await this.deliveries.settle(delivery, { status, attempt: record, nextAttemptAt: delivered ? at : nextAttemptAt, leasedUntil });
    } catch (error) {
      // The lease runs out and the delivery is sent again (same event id): the receiver deduplicates.
      this.logger.error({ err: error }, `Delivery ${delivery.id}: the attempt could not be recorded`);
      return;
    }
    const target = originOf(delivery.url);
    if (status === 'failed') {
      this.logger.error(
        `Delivery ${delivery.id} of event ${delivery.eventId} to ${target} failed ${delivery.attempts} times over ${this.config.giveUpHours} h; given up`,
      );
    } else if (!delivered) {
      this.logger.warn(
        `Delivery ${delivery.id} of event ${delivery.eventId} to ${target}: ${attempt.error ?? `answered ${attempt.status_code}`}; attempt ${delivery.attempts + 1} at ${nextAttemptAt.toISOString()}`,
      );
    }
  }

  private async post(delivery: ClaimedDelivery): Promise<Pick<DeliveryAttempt, 'status_code' | 'error'>> {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.deliveryTimeoutSeconds * 1_000),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'aura-commissions-webhooks/1',
          [EVENT_ID_HEADER]: delivery.eventId,
          [EVENT_TYPE_HEADER]: delivery.eventType,
          [SIGNATURE_HEADER]: signBody(delivery.body, delivery.secret),
        },
        body: delivery.body,
      });
      await drainAnswer(response);
      const redirected = response.status >= 300 && response.status < 400;
      return { status_code: response.status, error: redirected ? 'redirects are not followed: point the subscription at the final URL' : null };
    } catch (error) {
      return { status_code: null, error: describeSendFailure(error, this.config.deliveryTimeoutSeconds) };
    }
  }
}

/** Logs name the receiver's origin only: a path or query may carry a token of the receiver's. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
}
/** Reads at most MAX_ANSWER_BYTES of the answer, then lets the connection go. */
async function drainAnswer(response: Response): Promise<void> {
  if (!response.body) return;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let read = 0;
  try {
    while (read < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Why no answer came: a timeout, or the network's reason (ECONNREFUSED, a TLS failure …), never a stack. Duck-typed: fetch's errors come from another realm under test runners. */
function describeSendFailure(error: unknown, timeoutSeconds: number): string {
  const failure = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${timeoutSeconds} s`;
  const reason =
    typeof failure.cause?.code === 'string'
      ? failure.cause.code
      : typeof failure.cause?.message === 'string'
        ? failure.cause.message
        : typeof failure.message === 'string'
          ? failure.message
          : 'unknown failure';
  return `could not be sent: ${reason}`.slice(0, 500);
}
