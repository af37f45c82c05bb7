import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DatabaseClient } from '@app/persistence';
import type { NewEvent } from '../event-types';
import { OutboxRepository } from './outbox.repository';

/**
 * The one way a context publishes an event: inside the transaction of the
 * change, so an event exists if and only if its change committed (a rolled
 * back approval leaves no event behind). The delivery worker sends it later,
 * from the database, surviving any restart in between.
 */
@Injectable()
export class EventOutbox {
  constructor(private readonly outbox: OutboxRepository) {}

  async publish(tx: DatabaseClient, events: NewEvent[], at: Date = new Date()): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((event) => {
      const id = randomUUID();
      // The body is fixed here, once: every attempt sends (and signs) the same bytes.
      const body = JSON.stringify({ id, type: event.type, occurred_at: at.toISOString(), data: event.data });
      return { id, type: event.type, orderingKey: event.orderingKey, occurredAt: at, body };
    });
    await this.outbox.insert(tx, rows, at);
  }
}
