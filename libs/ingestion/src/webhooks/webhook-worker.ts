import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuraClient, AuraNotFoundError } from '@app/aura-client';
import { DatabaseService, describeFailure } from '@app/persistence';
import { AuraClientFactory } from '../sync/aura-client.factory';
import { IngestionWriter } from '../sync/ingestion-writer';
import { WebhookEventRecord, WebhookEventsRepository } from './webhook-events.repository';

/** Events are worked off this long after the last one arrived, so that a burst becomes one batch … */
const QUIET_MS = 300;
/** … but never later than this after the first one. */
const MAX_DELAY_MS = 3_000;
/** Pending events (a restart, another replica's) are looked for this often. */
const POLL_MS = 5_000;
const BATCH = 500;
/** An event a dead worker left `processing` this long is claimed again (longer than any wait on Aura's rate limit). */
const STALE_MS = 10 * 60_000;
/** A failed re-fetch waits this long, doubled per attempt, before the next. */
const RETRY_BASE_MS = 5_000;
/** Attempts before an event is left `failed` (a sync still catches what it missed). */
const MAX_ATTEMPTS = 5;

/**
 * Works off the webhook inbox: claims pending events, groups them by the
 * record they name, and re-fetches each record from Aura once, through the
 * same writer a sync uses. An event received before a fetch of its record
 * started is settled by that fetch ("covered"), so a burst of events about
 * one payment costs one request to Aura.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  private timer: NodeJS.Timeout | null = null;
  private firstWakeAt: number | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly database: DatabaseService,
    private readonly events: WebhookEventsRepository,
    private readonly writer: IngestionWriter,
    private readonly clients: AuraClientFactory,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.clients.configured) return;
    this.poller = setInterval(() => this.wake(0), POLL_MS);
    this.poller.unref();
    this.wake(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    await this.running;
  }

  /** Something arrived: work the inbox off once it has been quiet for a moment. */
  wake(quietMs = QUIET_MS): void {
    if (this.stopped || !this.clients.configured) return;
    const now = Date.now();
    this.firstWakeAt ??= now;
    const delay = Math.max(0, Math.min(quietMs, this.firstWakeAt + MAX_DELAY_MS - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.firstWakeAt = null;
      // A failure here (the database gone for a moment) waits for the next poll; it must not escape the timer.
      this.drain().catch((error: unknown) => this.logger.error({ err: error }, 'Working off the webhook inbox failed; the next poll tries again'));
    }, delay);
    this.timer.unref();
  }

  /** Works off every pending event; resolves when the inbox is empty (tests call it). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.drainOnce().finally(() => (this.running = null));
    await this.running;
  }

  private async drainOnce(): Promise<void> {
    if (!this.clients.configured) return;
    const client = this.clients.create();
    for (;;) {
      if (this.stopped) return;
      const claimed = await this.events.claim(BATCH, new Date(), STALE_MS);
      if (claimed.length === 0) return;
      const groups = new Map<string, WebhookEventRecord[]>();
      for (const event of claimed) {
        const key = `${event.resource}:${event.dataId}`;
        groups.set(key, [...(groups.get(key) ?? []), event]);
      }
      for (const group of groups.values()) {
        try {
          await this.settleGroup(client, group);
        } catch (error) {
          this.logger.error({ err: error }, `Webhook events ${group.map((event) => event.id).join(', ')} could not be settled`);
        }
      }
    }
  }

  private async settleGroup(client: AuraClient, group: WebhookEventRecord[]): Promise<void> {
    const { resource, dataId } = group[0];
    const ids = group.map((event) => event.id);
    const newest = Math.max(...group.map((event) => event.receivedAt.getTime()));
    const lastFetch = await this.events.lastFetchStartedAt(resource, dataId);
    if (lastFetch !== null && lastFetch.getTime() >= newest) {
      await this.events.settle(ids, { status: 'processed', outcome: { result: 'covered', covered_by_fetch_at: lastFetch.toISOString() }, at: new Date() });
      return;
    }
    const fetchStartedAt = new Date();
    let raw: unknown;
    try {
      raw = resource === 'payment' ? await client.getPayment(dataId) : await client.getCall(dataId);
    } catch (error) {
      if (error instanceof AuraNotFoundError) {
        await this.events.settle(ids, {
          status: 'processed',
          outcome: { result: 'not_found', fetch_started_at: fetchStartedAt.toISOString() },
          at: new Date(),
        });
        return;
      }
      const message = describeFailure(error);
      const exhausted = group.every((event) => event.attempts >= MAX_ATTEMPTS);
      const attempts = Math.max(...group.map((event) => event.attempts));
      const retryAt = new Date(Date.now() + RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
      await this.events.settle(ids, { status: exhausted ? 'failed' : 'pending', error: message, at: new Date(), retryAt });
      this.logger.warn(`Re-fetching ${resource} ${dataId} for webhook events failed${exhausted ? ' for the last time' : ''}: ${message}`);
      return;
    }
    const at = new Date();
    await this.database.transaction(async (tx) => {
      let outcome: Record<string, unknown>;
      if (resource === 'payment') {
        const page = this.writer.parsePayments([raw]);
        const written = await this.writer.writePayments(tx, page, null, at);
        outcome = { result: resultOf(written, page.bad.length), calls_judged_again: written.callsJudgedAgain };
      } else {
        const page = this.writer.parseCalls([raw]);
        outcome = { result: resultOf(await this.writer.writeCalls(tx, page, null, at), page.bad.length) };
      }
      await this.events.settle(
        ids,
        { status: 'processed', outcome: { ...outcome, fetch_started_at: fetchStartedAt.toISOString(), events_in_fetch: ids.length }, at },
        tx,
      );
    });
  }
}

function resultOf(written: { inserted: number; updated: number; unchanged: number }, quarantined: number): string {
  if (quarantined > 0) return 'quarantined';
  if (written.inserted > 0) return 'inserted';
  if (written.updated > 0) return 'updated';
  return 'unchanged';
}
