import { Injectable } from '@nestjs/common';
import { type Principal } from '@app/access';
import { decodeCursor, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { DatabaseService } from '@app/persistence';
import { DeliveriesRepository, type DeliveryStatus } from '../delivery/deliveries.repository';
import { newSubscriptionSecret } from '../delivery/delivery-signature';
import type { EventType } from '../event-types';
import { presentDelivery, type DeliveryView } from './dto/delivery.view';
import { CreatedSubscriptionView, DeletedSubscriptionView, presentSubscription, type SubscriptionView } from './dto/subscription.view';
import { SubscriptionsRepository } from './subscriptions.repository';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Subscriptions of integrations (payroll) to the service's events. A new
 * subscription receives events that happen from then on; it is not sent
 * the history.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly database: DatabaseService,
  ) {}

  async create(request: { url: string; eventTypes: EventType[]; description?: string }, principal: Principal): Promise<CreatedSubscriptionView> {
    const url = checkTarget(request.url);
    const secret = newSubscriptionSecret();
    const created = await this.subscriptions.create(
      { url, eventTypes: request.eventTypes, description: request.description?.trim() || null, secret, createdBy: principal.keyId },
      new Date(),
    );
    return { ...presentSubscription(created), secret };
  }

  async list(includeDeleted: boolean, limit: number, cursor?: string): Promise<Page<SubscriptionView>> {
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const rows = await this.subscriptions.list(includeDeleted, limit, key ? { createdAt: key[0], id: key[1] } : null);
    return toPage(rows, limit, (row) => [row.createdAt, row.id], presentSubscription);
  }

  async get(id: string): Promise<SubscriptionView> {
    const subscription = await this.subscriptions.find(id);
    if (!subscription) throw new NotFoundError('Webhook subscription', id);
    return presentSubscription(subscription);
  }

  /** Stops deliveries at once: what it had not received yet is canceled (and listed so). Deleting twice is a 404. */
  async delete(id: string): Promise<DeletedSubscriptionView> {
    return this.database.transaction(async (tx) => {
      const deleted = await this.subscriptions.markDeleted(tx, id, new Date());
      if (!deleted) throw new NotFoundError('Webhook subscription', id);
      return { ...presentSubscription(deleted), canceled_deliveries: await this.deliveries.cancelPending(tx, id) };
    });
  }

  async listDeliveries(id: string, status: DeliveryStatus | undefined, limit: number, cursor?: string): Promise<Page<DeliveryView>> {
    await this.get(id);
    const key = decodeCursor(cursor, ['sequence'] as const);
    const rows = await this.deliveries.list(id, status, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], presentDelivery);
  }
}

/** https anywhere; http only to this machine (tests, a sidecar); never credentials in the URL. */
function checkTarget(raw: string): string {
  const refuse = (message: string) => new ValidationFailedError([{ field: 'url', message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
    throw refuse('must be https:// (http:// only to 127.0.0.1, ::1 or localhost)');
  if (url.username || url.password) throw refuse('must not carry credentials: deliveries are authenticated by their signature');
  if (url.hash) throw refuse('must not have a #fragment');
  return url.toString();
}
