import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'canceled';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'canceled'];

export interface DeliveryAttempt {
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface DeliveryRecord {
  id: bigint;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  orderingKey: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
  attemptLog: DeliveryAttempt[];
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery extends DeliveryRecord {
  url: string;
  secret: string;
  body: string;
}

/** Attempts kept per delivery: the newest. */
const ATTEMPT_LOG_LENGTH = 50;

type Row = Prisma.WebhookDeliveryGetPayload<{ include: { event: { select: { type: true } } } }>;

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Leases up to `limit` due deliveries to this worker until `leaseUntil`:
   * only the oldest pending one of each (subscription, ordering key), so a
   * statement's events reach a receiver in the order they committed, even
   * across replicas and retries; at most `perSubscription` of one
   * subscription, and none of `busySubscriptions` (their slots are full), so
   * a slow receiver cannot take every slot. A lease a dead worker left is
   * taken again once it expires. Deleted subscriptions get nothing.
   *
   * The candidates are chosen from the statement's snapshot, so another
   * worker may lease one and commit before this one locks it. PostgreSQL
   * re-checks, on the row it locks, only the conditions of the locking
   * query's own level, not those of a subquery: the status, due time and
   * lease tests are repeated there and in the UPDATE, or two workers lease
   * and send the same delivery (or one sends again, before its backoff, a
   * delivery another has just tried and put back).
   */
  async claim(limit: number, perSubscription: number, busySubscriptions: string[], now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const claimed = await this.database.client.$queryRaw<{ id: bigint }[]>`
      UPDATE webhook_deliveries SET leased_until = ${leaseUntil}, attempts = attempts + 1
      WHERE status = 'pending' AND next_attempt_at <= ${now} AND (leased_until IS NULL OR leased_until < ${now}) AND id IN (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ${now} AND (leased_until IS NULL OR leased_until < ${now}) AND id IN (
          SELECT ranked.id FROM (
            SELECT d.id, row_number() OVER (PARTITION BY d.subscription_id ORDER BY d.event_sequence) AS rank
            FROM webhook_deliveries d
            JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.deleted_at IS NULL
            WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND (d.leased_until IS NULL OR d.leased_until < ${now})
              AND d.subscription_id::text NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(busySubscriptions)}::jsonb))
              AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries earlier
                WHERE earlier.subscription_id = d.subscription_id AND earlier.ordering_key = d.ordering_key
                  AND earlier.status = 'pending' AND earlier.event_sequence < d.event_sequence)
          ) ranked
          WHERE ranked.rank <= ${perSubscription})
        ORDER BY event_sequence LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (claimed.length === 0) return [];
    const rows = await this.database.client.webhookDelivery.findMany({
      where: { id: { in: claimed.map((row) => row.id) } },
      include: { event: { select: { type: true, body: true } }, subscription: { select: { url: true, secret: true } } },
      orderBy: { eventSequence: 'asc' },
    });
    return rows.map((row) => ({ ...toRecord(row), url: row.subscription.url, secret: row.subscription.secret, body: row.event.body }));
  }

  /** Cancels what a subscription has not received yet (it is being deleted), in the caller's transaction. */
  async cancelPending(tx: DatabaseClient, subscriptionId: string): Promise<number> {
    const canceled = await tx.webhookDelivery.updateMany({ where: { subscriptionId, status: 'pending' }, data: { status: 'canceled', leasedUntil: null } });
    return canceled.count;
  }

  /**
   * Deletes deliveries settled (delivered, failed, canceled) before `before`
   * and the events no delivery refers to any more; cancels deliveries a
   * deleted subscription still had pending (written by a publish that raced
   * the delete). Returns how many deliveries were deleted.
   */
  async purgeSettled(before: Date): Promise<number> {
    await this.database.client.$executeRaw`
      UPDATE webhook_deliveries d SET status = 'canceled', leased_until = NULL
      FROM webhook_subscriptions s
      WHERE s.id = d.subscription_id AND s.deleted_at IS NOT NULL AND d.status = 'pending'`;
    const deleted = await this.database.client.webhookDelivery.deleteMany({
      where: { status: { in: ['delivered', 'failed', 'canceled'] }, createdAt: { lt: before } },
    });
    await this.database.client.$executeRaw`
      DELETE FROM outbox_events e WHERE e.occurred_at < ${before} AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`;
    return deleted.count;
  }

  /** Records an attempt's outcome; only while this worker still holds the delivery's lease. */
  async settle(
    delivery: ClaimedDelivery,
    outcome: { status: DeliveryStatus; attempt: DeliveryAttempt; nextAttemptAt: Date; leasedUntil: Date },
  ): Promise<void> {
    const log = [...delivery.attemptLog, outcome.attempt].slice(-ATTEMPT_LOG_LENGTH);
    await this.database.client.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', leasedUntil: outcome.leasedUntil },
      data: {
        status: outcome.status,
        leasedUntil: null,
        nextAttemptAt: outcome.nextAttemptAt,
        deliveredAt: outcome.status === 'delivered' ? new Date(outcome.attempt.at) : null,
        attemptLog: log as unknown as Prisma.InputJsonValue,
      },
    });
  }

  /** Oldest event first (the order a receiver gets them in). */
  async list(subscriptionId: string, status: DeliveryStatus | undefined, limit: number, after: bigint | null): Promise<DeliveryRecord[]> {
    const rows = await this.database.client.webhookDelivery.findMany({
      where: { subscriptionId, ...(status ? { status } : {}), ...(after !== null ? { id: { gt: after } } : {}) },
      include: { event: { select: { type: true } } },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  async countByStatus(): Promise<Map<string, number>> {
    const rows = await this.database.client.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } });
    return new Map(rows.map((row) => [row.status, row._count._all]));
  }

  async oldestPendingCreatedAt(): Promise<Date | null> {
    const row = await this.database.client.webhookDelivery.findFirst({
      where: { status: 'pending' },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    });
    return row?.createdAt ?? null;
  }
}

function toRecord(row: Row): DeliveryRecord {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.event.type,
    orderingKey: row.orderingKey,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    attemptLog: row.attemptLog as unknown as DeliveryAttempt[],
  };
}
