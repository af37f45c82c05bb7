import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export type WebhookResource = 'call' | 'payment' | 'other';
export type WebhookEventStatus = 'pending' | 'processing' | 'processed' | 'ignored' | 'failed';

export interface WebhookEventRecord {
  id: string;
  event: string;
  dataId: string;
  upstreamCreatedAt: string;
  resource: WebhookResource;
  payload: unknown;
  receivedAt: Date;
  status: WebhookEventStatus;
  attempts: number;
  processedAt: Date | null;
  outcome: Record<string, unknown> | null;
  error: string | null;
}

export interface NewWebhookEvent {
  event: string;
  dataId: string;
  upstreamCreatedAt: string;
  resource: WebhookResource;
  payload: unknown;
  receivedAt: Date;
}

type Row = Prisma.WebhookEventGetPayload<object>;

/** The durable inbox of Aura's webhook events. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Stores an event once per (event, data.id, created_at); a replay returns the stored one with `duplicate`. */
  async insertOnce(event: NewWebhookEvent): Promise<{ record: WebhookEventRecord; duplicate: boolean }> {
    const status: WebhookEventStatus = event.resource === 'other' ? 'ignored' : 'pending';
    const inserted = await this.database.client.$queryRaw<{ id: bigint }[]>`
      INSERT INTO webhook_events (event, data_id, upstream_created_at, resource, payload, received_at, status, processed_at)
      VALUES (${event.event}, ${event.dataId}, ${event.upstreamCreatedAt}, ${event.resource}, ${JSON.stringify(event.payload)}::jsonb,
              ${event.receivedAt}, ${status}, ${status === 'ignored' ? event.receivedAt : null})
      ON CONFLICT (event, data_id, upstream_created_at) DO NOTHING
      RETURNING id`;
    const row = await this.database.client.webhookEvent.findUniqueOrThrow({
      where: { event_dataId_upstreamCreatedAt: { event: event.event, dataId: event.dataId, upstreamCreatedAt: event.upstreamCreatedAt } },
    });
    return { record: toRecord(row), duplicate: inserted.length === 0 };
  }

  /**
   * Claims up to `limit` pending events (and events a dead worker left
   * `processing` for longer than `staleAfterMs`) for this worker: across
   * replicas each event is claimed by one.
   */
  async claim(limit: number, now: Date, staleAfterMs: number): Promise<WebhookEventRecord[]> {
    const stale = new Date(now.getTime() - staleAfterMs);
    const rows = await this.database.client.$queryRaw<{ id: bigint }[]>`
      UPDATE webhook_events SET status = 'processing', processed_at = ${now}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM webhook_events
        WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now})) OR (status = 'processing' AND processed_at < ${stale})
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (rows.length === 0) return [];
    const claimed = await this.database.client.webhookEvent.findMany({ where: { id: { in: rows.map((row) => row.id) } }, orderBy: { id: 'asc' } });
    return claimed.map(toRecord);
  }

  /** When the latest fetch of this record that a processed event caused started; null if none. */
  async lastFetchStartedAt(resource: WebhookResource, dataId: string): Promise<Date | null> {
    const rows = await this.database.client.$queryRaw<{ started: Date | null }[]>`
      SELECT max((outcome->>'fetch_started_at')::timestamptz) AS started FROM webhook_events
      WHERE resource = ${resource} AND data_id = ${dataId} AND status = 'processed' AND outcome ? 'fetch_started_at'`;
    return rows[0]?.started ?? null;
  }

  async settle(
    ids: string[],
    outcome: { status: 'processed' | 'failed' | 'pending'; outcome?: Record<string, unknown>; error?: string | null; at: Date; retryAt?: Date },
    tx: DatabaseClient = this.database.client,
  ): Promise<void> {
    await tx.webhookEvent.updateMany({
      where: { id: { in: ids.map((id) => BigInt(id)) } },
      data: {
        status: outcome.status,
        processedAt: outcome.status === 'pending' ? null : outcome.at,
        nextAttemptAt: outcome.retryAt ?? null,
        ...(outcome.outcome ? { outcome: outcome.outcome as Prisma.InputJsonValue } : {}),
        error: outcome.error ?? null,
      },
    });
  }

  countPending(): Promise<number> {
    return this.database.client.webhookEvent.count({ where: { status: { in: ['pending', 'processing'] } } });
  }

  async list(filter: { status?: string; event?: string; dataId?: string }, limit: number, beforeId: bigint | null): Promise<WebhookEventRecord[]> {
    const rows = await this.database.client.webhookEvent.findMany({
      where: { status: filter.status, event: filter.event, dataId: filter.dataId, ...(beforeId !== null ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return rows.map(toRecord);
  }
}

function toRecord(row: Row): WebhookEventRecord {
  return {
    id: row.id.toString(),
    event: row.event,
    dataId: row.dataId,
    upstreamCreatedAt: row.upstreamCreatedAt,
    resource: row.resource as WebhookResource,
    payload: row.payload,
    receivedAt: row.receivedAt,
    status: row.status as WebhookEventStatus,
    attempts: row.attempts,
    processedAt: row.processedAt,
    outcome: (row.outcome as Record<string, unknown> | null) ?? null,
    error: row.error,
  };
}
