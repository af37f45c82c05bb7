import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export interface SubscriptionRecord {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  secret: string;
  createdAt: Date;
  createdBy: string;
  deletedAt: Date | null;
}

type Row = Prisma.WebhookSubscriptionGetPayload<object>;

@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(subscription: Omit<SubscriptionRecord, 'id' | 'createdAt' | 'deletedAt'>, at: Date): Promise<SubscriptionRecord> {
    return toRecord(await this.database.client.webhookSubscription.create({ data: { ...subscription, createdAt: at } }));
  }

  async find(id: string): Promise<SubscriptionRecord | null> {
    const row = await this.database.client.webhookSubscription.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Live ones first by creation, newest first; deleted ones only when asked. */
  async list(includeDeleted: boolean, limit: number, before: { createdAt: Date; id: string } | null): Promise<SubscriptionRecord[]> {
    const rows = await this.database.client.webhookSubscription.findMany({
      where: {
        ...(includeDeleted ? {} : { deletedAt: null }),
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  /** Marks it deleted, in the caller's transaction; null when it was not live. */
  async markDeleted(tx: DatabaseClient, id: string, at: Date): Promise<SubscriptionRecord | null> {
    const updated = await tx.webhookSubscription.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: at } });
    if (updated.count === 0) return null;
    return toRecord(await tx.webhookSubscription.findUniqueOrThrow({ where: { id } }));
  }
}

function toRecord(row: Row): SubscriptionRecord {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes,
    description: row.description,
    secret: row.secret,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    deletedAt: row.deletedAt,
  };
}
