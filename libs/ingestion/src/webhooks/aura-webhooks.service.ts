import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { inspectJson } from '@app/untrusted-json';
import { auraConfig, type AuraConfig } from '@app/configuration';
import { decodeCursor, NotFoundError, Page, toPage, UnauthorizedError, ValidationFailedError } from '@app/http-platform';
import { WebhookEventRecord, WebhookEventsRepository, WebhookResource } from './webhook-events.repository';
import { WebhookWorker } from './webhook-worker';
import { WebhookEventView } from './dto/webhook-event.view';
import { WebhookReceiptView } from './dto/webhook-receipt.view';

/** The largest webhook body read (Aura's events are a few KB). */
const MAX_ID_LENGTH = 200;

/**
 * Aura's webhooks (product.md "Webhooks"): the signature is checked on the
 * raw bytes, each event is stored once, the answer goes back at once, and
 * the worker re-fetches the record from Aura: a webhook body is never
 * trusted for money.
 */
@Injectable()
export class AuraWebhooksService {
  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly worker: WebhookWorker,
    @Inject(auraConfig.KEY) private readonly config: AuraConfig,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | undefined, receivedAt = new Date()): Promise<WebhookReceiptView> {
    const secret = this.config.webhookSecret;
    if (secret === null) throw new NotFoundError('Route POST /v1/webhooks/aura'); // no secret configured: the route does not exist
    if (!rawBody || !signature || !signatureMatches(rawBody, signature, secret)) {
      // Checked before the body is parsed: an unsigned body is refused whatever it holds.
      throw new UnauthorizedError('Missing or wrong X-Aura-Signature: expected the hex HMAC-SHA256 of the raw body with AURA_WEBHOOK_SECRET');
    }
    const event = readEvent(rawBody);
    const { record, duplicate } = await this.events.insertOnce({ ...event, receivedAt });
    if (!duplicate && record.status === 'pending') this.worker.wake();
    return { received: true, duplicate, event_id: record.id, status: record.status };
  }

  async list(filter: { status?: string; event?: string; dataId?: string }, limit: number, cursor?: string): Promise<Page<WebhookEventView>> {
    const key = decodeCursor(cursor, ['sequence'] as const);
    const rows = await this.events.list(filter, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], presentWebhookEvent);
  }
}

function signatureMatches(body: Buffer, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = /^[0-9a-f]{64}$/i.test(signature.trim()) ? Buffer.from(signature.trim(), 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readEvent(rawBody: Buffer): { event: string; dataId: string; upstreamCreatedAt: string; resource: WebhookResource; payload: unknown } {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ValidationFailedError([{ field: 'body', message: 'is not JSON' }]);
  }
  const problems: { field: string; message: string }[] = [];
  const body = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const data = typeof body['data'] === 'object' && body['data'] !== null ? (body['data'] as Record<string, unknown>) : null;
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH && !value.includes('\u0000') ? value : null;
  const event = text(body['event']);
  const createdAt = text(body['created_at']);
  const dataId = data ? text(data['id']) : null;
  if (event === null) problems.push({ field: 'event', message: 'must be an event name such as payment.refunded' });
  if (createdAt === null) problems.push({ field: 'created_at', message: 'must be the event time Aura sent' });
  if (dataId === null) problems.push({ field: 'data.id', message: 'must be the id of the call or payment' });
  if (problems.length > 0) throw new ValidationFailedError(problems);
  const unstorable = inspectJson(payload);
  if (unstorable) throw new ValidationFailedError([{ field: `body.${unstorable.field}`, message: unstorable.message }]);
  const resource: WebhookResource = event!.startsWith('payment.') ? 'payment' : event!.startsWith('call.') ? 'call' : 'other';
  return { event: event!, dataId: dataId!, upstreamCreatedAt: createdAt!, resource, payload };
}

export function presentWebhookEvent(row: WebhookEventRecord): WebhookEventView {
  return {
    id: row.id,
    event: row.event,
    data_id: row.dataId,
    created_at: row.upstreamCreatedAt,
    resource: row.resource,
    status: row.status,
    received_at: row.receivedAt.toISOString(),
    processed_at: row.processedAt?.toISOString() ?? null,
    attempts: row.attempts,
    outcome: row.outcome,
    error: row.error,
  };
}
