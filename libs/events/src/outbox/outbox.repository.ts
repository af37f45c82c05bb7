import { Injectable } from '@nestjs/common';
import { DatabaseClient } from '@app/persistence';

export interface OutboxRow {
  id: string;
  type: string;
  orderingKey: string;
  occurredAt: Date;
  body: string;
}

/** Rows per INSERT: a period approval of thousands of statements stays a few statements. */
const CHUNK = 1_000;

@Injectable()
export class OutboxRepository {
  /**
   * Writes events and, for every live subscription to their type, a pending
   * delivery: in the caller's transaction, so they exist exactly when the
   * change does. Events no live subscription wants are not written.
   */
  async insert(tx: DatabaseClient, events: OutboxRow[], at: Date): Promise<void> {
    // An event nobody subscribes to is not kept: a subscription hears of what happens after it was created.
    const wanted = await tx.$queryRaw<{ type: string }[]>`SELECT DISTINCT unnest(event_types) AS type FROM webhook_subscriptions WHERE deleted_at IS NULL`;
    const types = new Set(wanted.map((row) => row.type));
    const kept = events.filter((event) => types.has(event.type));
    for (let start = 0; start < kept.length; start += CHUNK) {
      const chunk = kept.slice(start, start + CHUNK);
      // One JSON parameter per chunk (arrays of parameters differ between the two drivers); ordinality keeps the order.
      const rows = JSON.stringify(
        chunk.map((event) => ({
          id: event.id,
          type: event.type,
          ordering_key: event.orderingKey,
          occurred_at: event.occurredAt.toISOString(),
          body: event.body,
        })),
      );
      await tx.$executeRaw`
        INSERT INTO outbox_events (id, type, ordering_key, occurred_at, body)
        SELECT (e.value->>'id')::uuid, e.value->>'type', e.value->>'ordering_key', (e.value->>'occurred_at')::timestamptz, e.value->>'body'
        FROM jsonb_array_elements(${rows}::jsonb) WITH ORDINALITY AS e(value, position)
        ORDER BY e.position`;
      await tx.$executeRaw`
        INSERT INTO webhook_deliveries (subscription_id, event_id, event_sequence, ordering_key, status, next_attempt_at, created_at)
        SELECT s.id, e.id, e.sequence, e.ordering_key, 'pending', ${at}, ${at}
        FROM outbox_events e JOIN webhook_subscriptions s ON s.deleted_at IS NULL AND e.type = ANY (s.event_types)
        WHERE e.id IN (SELECT (value->>'id')::uuid FROM jsonb_array_elements(${rows}::jsonb))
        ORDER BY e.sequence`;
    }
  }
}
