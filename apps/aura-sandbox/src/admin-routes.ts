import { IncomingMessage } from 'node:http';
import { CallStore } from './call-store';
import { decodePathSegment, HttpProblem, invalid, JsonReply, methodNotAllowed, ok, readJsonBody, readOptionalJsonBody } from './http-exchange';
import { PaymentStore } from './payment-store';
import { isObject } from './record-store';
import { RefundRequest, SandboxChanges } from './sandbox-changes';
import { RateLimitOptions, RuntimeFaults } from './sandbox-options';
import type { SandboxStats } from './sandbox-routes';
import { TeamStore } from './team-store';
import { WebhookSender } from './webhook-sender';

/** The sandbox's own settings, as /admin changes them. */
export interface SandboxControls {
  faults(): RuntimeFaults;
  setFaults(change: Partial<RuntimeFaults>): RuntimeFaults;
  rateLimit(): RateLimitOptions;
  setRateLimit(change: Partial<RateLimitOptions>): RateLimitOptions;
  stats(): SandboxStats;
  resetStats(): void;
}

export interface AdminResources {
  calls: CallStore;
  payments: PaymentStore;
  team: TeamStore;
  changes: SandboxChanges;
  webhooks: WebhookSender;
}

const REFUND_FIELDS = ['amount', 'refunded_at', 'reason'];

/** `/admin/*`: what tests use to change the sandbox's data and behaviour. */
export class AdminRoutes {
  constructor(
    private readonly resources: AdminResources,
    private readonly controls: SandboxControls,
  ) {}

  /** The answer to `method path`; throws HttpProblem (or a store error) for a 4xx. */
  async route(req: IncomingMessage, method: string, path: string): Promise<JsonReply> {
    const [, resource, id, action, ...rest] = path.split('/').slice(1);
    if (rest.length > 0) throw routeNotFound();
    switch (resource) {
      case 'calls':
        return this.calls(req, method, id, action);
      case 'payments':
        return this.payments(req, method, id, action);
      case 'team':
        return this.team(req, method, id, action);
      case 'webhooks':
        return this.webhooks(req, method, id, action);
      case 'faults':
      case 'rate-limit':
      case 'stats':
        if (id !== undefined) throw routeNotFound();
        return this.settings(req, method, resource);
      default:
        throw routeNotFound();
    }
  }

  private async calls(req: IncomingMessage, method: string, segment?: string, action?: string): Promise<JsonReply> {
    const { calls, changes } = this.resources;
    if (action !== undefined) throw routeNotFound();
    if (segment === undefined) {
      if (method !== 'POST') throw methodNotAllowed();
      const raw = await readJsonBody(req);
      const id = calls.insert(raw);
      return ok({ success: true, data: raw, id }, 201);
    }
    const id = decodePathSegment(segment, 'Call not found');
    if (method === 'GET') return ok({ success: true, data: found(calls.get(id), 'Call not found') });
    if (method === 'PATCH') return ok({ success: true, data: changes.updateCall(id, await readPatch(req)) });
    if (method === 'DELETE') {
      if (!calls.delete(id)) throw new HttpProblem(404, 'NOT_FOUND', 'Call not found');
      return ok({ success: true });
    }
    throw methodNotAllowed();
  }

  private async payments(req: IncomingMessage, method: string, segment?: string, action?: string): Promise<JsonReply> {
    const { payments, changes } = this.resources;
    if (segment === undefined) {
      if (method !== 'POST') throw methodNotAllowed();
      const raw = await readJsonBody(req);
      const id = payments.insert(raw);
      return ok({ success: true, data: raw, id }, 201);
    }
    const id = decodePathSegment(segment, 'Payment not found');
    if (action === undefined) {
      if (method === 'GET') return ok({ success: true, data: found(payments.get(id), 'Payment not found') });
      if (method === 'PATCH') return ok({ success: true, data: payments.update(id, await readPatch(req)) });
      if (method === 'DELETE') {
        if (!payments.delete(id)) throw new HttpProblem(404, 'NOT_FOUND', 'Payment not found');
        return ok({ success: true });
      }
      throw methodNotAllowed();
    }
    if (method !== 'POST') throw methodNotAllowed();
    if (action === 'succeed') return ok({ success: true, data: changes.succeedPayment(id) });
    if (action === 'fail') return ok({ success: true, data: changes.failPayment(id) });
    if (action === 'refund') {
      return ok({ success: true, data: changes.refundPayment(id, toRefundRequest(await readOptionalJsonBody(req))) });
    }
    throw routeNotFound();
  }

  /** Aura has no team webhooks: every change here is silent. */
  private async team(req: IncomingMessage, method: string, segment?: string, action?: string): Promise<JsonReply> {
    const { team } = this.resources;
    if (action !== undefined) throw routeNotFound();
    if (segment === undefined) {
      if (method !== 'POST') throw methodNotAllowed();
      const raw = await readJsonBody(req);
      const id = team.insert(raw);
      return ok({ success: true, data: raw, id }, 201);
    }
    const id = decodePathSegment(segment, 'Team member not found');
    if (method === 'GET') return ok({ success: true, data: found(team.get(id), 'Team member not found') });
    if (method === 'PATCH') return ok({ success: true, data: team.update(id, await readPatch(req)) });
    if (method === 'DELETE') {
      if (!team.delete(id)) throw new HttpProblem(404, 'NOT_FOUND', 'Team member not found');
      return ok({ success: true });
    }
    throw methodNotAllowed();
  }

  private async webhooks(req: IncomingMessage, method: string, segment?: string, action?: string): Promise<JsonReply> {
    const { webhooks } = this.resources;
    if (action !== undefined) throw routeNotFound();
    if (segment === undefined) {
      if (method === 'GET') return ok({ success: true, data: webhooks.list() });
      if (method !== 'POST') throw methodNotAllowed();
      const body = await readJsonBody(req);
      if (!isObject(body)) throw invalid('body must be a JSON object');
      const { target_url: targetUrl, secret } = body;
      if (typeof targetUrl !== 'string') throw invalid('target_url must be an http(s) URL');
      if (secret !== undefined && typeof secret !== 'string') throw invalid('secret must be a non-empty string');
      return ok({ success: true, data: webhooks.subscribe(targetUrl, secret) }, 201);
    }
    if (method !== 'DELETE') throw methodNotAllowed();
    if (!webhooks.unsubscribe(decodePathSegment(segment, 'Webhook not found'))) {
      throw new HttpProblem(404, 'NOT_FOUND', 'Webhook not found');
    }
    return ok({ success: true });
  }

  private async settings(req: IncomingMessage, method: string, resource: 'faults' | 'rate-limit' | 'stats'): Promise<JsonReply> {
    const { controls } = this;
    if (resource === 'stats') {
      if (method === 'GET') return ok({ success: true, data: controls.stats() });
      if (method !== 'DELETE') throw methodNotAllowed();
      controls.resetStats();
      return ok({ success: true });
    }
    if (resource === 'faults') {
      if (method === 'GET') return ok({ success: true, data: controls.faults() });
      if (method !== 'PUT') throw methodNotAllowed();
      const change = await readPatch(req);
      if ('malformedShare' in change) throw invalid('malformedShare applies when the data set is generated');
      return ok({ success: true, data: controls.setFaults(change) });
    }
    if (method === 'GET') return ok({ success: true, data: controls.rateLimit() });
    if (method !== 'PUT') throw methodNotAllowed();
    return ok({ success: true, data: controls.setRateLimit(await readPatch(req)) });
  }
}

function routeNotFound(): HttpProblem {
  return new HttpProblem(404, 'NOT_FOUND', 'Route not found');
}

function found(record: unknown, notFound: string): unknown {
  if (record === undefined) throw new HttpProblem(404, 'NOT_FOUND', notFound);
  return record;
}

async function readPatch(req: IncomingMessage): Promise<Record<string, unknown>> {
  const patch = await readJsonBody(req);
  if (!isObject(patch)) throw invalid('body must be a JSON object');
  return patch;
}

/** `{amount?, refunded_at?, reason?}` (all optional, the body too) as a RefundRequest. */
function toRefundRequest(body: unknown): RefundRequest {
  if (body === undefined) return {};
  if (!isObject(body)) throw invalid('body must be a JSON object');
  const unknownField = Object.keys(body).find((field) => !REFUND_FIELDS.includes(field));
  if (unknownField !== undefined) throw invalid(`unknown field ${unknownField} (fields: ${REFUND_FIELDS.join(', ')})`);
  const { amount, refunded_at: refundedAt, reason } = body;
  if (amount !== undefined && typeof amount !== 'number') throw invalid('amount must be a positive integer of cents');
  if (refundedAt !== undefined && typeof refundedAt !== 'string') {
    throw invalid('refunded_at must be an ISO 8601 date-time with a time zone');
  }
  if (reason !== undefined && typeof reason !== 'string') throw invalid('reason must be a string');
  return { amount, refundedAt, reason };
}
