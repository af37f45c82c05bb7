import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallStore } from './call-store';
import { generateDataset, MalformedRecordInfo, SandboxProduct } from './call-generator';
import { FaultInjector } from './fault-injector';
import { SandboxPaymentInfo } from './payment-generator';
import { PaymentStore } from './payment-store';
import { FixedWindowRateLimiter } from './rate-limiter';
import { RefundRequest, SandboxChanges } from './sandbox-changes';
import {
  DEFAULT_RATE_LIMIT,
  DEFAULT_RUNTIME_FAULTS,
  DEFAULT_SANDBOX_API_KEY,
  RateLimitOptions,
  requireShare,
  resolveDatasetOptions,
  resolveRateLimit,
  resolveRuntimeFaults,
  RuntimeFaults,
  SandboxOptions,
  toEpochMs,
} from './sandbox-options';
import { SandboxRoutes, SandboxStats } from './sandbox-routes';
import { TeamStore } from './team-store';
import { EmitWebhookOptions, WebhookDelivery, WebhookSender, WebhookSubscription } from './webhook-sender';

export interface SandboxDatasetInfo {
  closers: string[];
  setters: string[];
  products: SandboxProduct[];
  bookingLinks: string[];
  /** Records generated malformed (kinds parseAuraCall rejects). */
  malformed: MalformedRecordInfo[];
  /** The generated payments (one per linked_payment_id) and how each turned out. */
  payments: SandboxPaymentInfo[];
  /** Closers and setters that GET /v1/team does not list (every one at index % 9 === 4 of closers then setters). */
  teamMissing: string[];
  /** The history window of past calls, [from, to). */
  from: string;
  to: string;
}

export interface AuraSandbox {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  port: number;
  apiKey: string;
  /** The organisation of the data: webhook payloads and legacy records carry it. */
  organizationId: string;
  /** The calls, for direct changes in tests (same operations as /admin/calls; silent: no webhook). */
  store: CallStore;
  /** The payments, for direct changes in tests (same operations as /admin/payments; silent: no webhook). */
  payments: PaymentStore;
  /** Aura's team (GET /v1/team), for direct changes in tests (same operations as /admin/team; Aura sends no team webhooks). */
  team: TeamStore;
  dataset: SandboxDatasetInfo;
  /** Change a call like PATCH /admin/calls/:id: merge `patch`, bump updated_at, send `call.updated`. */
  updateCall(id: string, patch: Record<string, unknown>): Record<string, unknown>;
  /** Like POST /admin/payments/:id/succeed: status `succeeded`, send `payment.succeeded`. */
  succeedPayment(id: string): Record<string, unknown>;
  /** Like POST /admin/payments/:id/fail: status `failed`, send `payment.failed`. */
  failPayment(id: string): Record<string, unknown>;
  /** Like POST /admin/payments/:id/refund: refund part or the rest, send `payment.refunded`. */
  refundPayment(id: string, refund?: RefundRequest): Record<string, unknown>;
  /** Like PATCH /admin/team/:id with `{name}`: bumps updated_at, returns the member as it is now (404 error when unknown). */
  renameTeamMember(id: string, name: string): Record<string, unknown>;
  /** Like DELETE /admin/team/:id: Aura stops listing the member; false when there was none. */
  removeTeamMember(id: string): boolean;
  /** Subscribe a receiver, like POST /admin/webhooks (a secret is generated when none is given). */
  subscribeWebhook(targetUrl: string, secret?: string): WebhookSubscription;
  unsubscribeWebhook(id: string): boolean;
  webhookSubscriptions(): WebhookSubscription[];
  /** Send any event to every subscriber (bursts, replays: pass the same createdAt). */
  emitWebhook(event: string, data: unknown, options?: EmitWebhookOptions): WebhookDelivery[];
  /** Every delivery so far, oldest first. */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when no delivery is pending (retries wait 1 s, 5 s, 15 s divided by the time scale). */
  flushWebhooks(): Promise<void>;
  setFaults(faults: Partial<RuntimeFaults>): RuntimeFaults;
  setRateLimit(rateLimit: Partial<RateLimitOptions>): RateLimitOptions;
  stats(): SandboxStats;
  resetStats(): void;
  /** The sandbox clock (fixed when `now` was given). */
  now(): number;
  /** Stop the server; pending webhook retries are cancelled (marked failed). */
  close(): Promise<void>;
}

/** Start a local Aura on 127.0.0.1 (a free port unless `port` is given). */
export async function createAuraSandbox(options: SandboxOptions = {}): Promise<AuraSandbox> {
  const seed = options.seed ?? 1;
  const fixedNow = options.now === undefined ? null : toEpochMs(options.now);
  const clock = fixedNow === null ? Date.now : () => fixedNow;
  const apiKey = options.apiKey ?? DEFAULT_SANDBOX_API_KEY;
  if (!apiKey) throw new RangeError('sandbox: apiKey must not be empty');

  const malformedShare = options.faults?.malformedShare ?? 0;
  requireShare('faults.malformedShare', malformedShare);
  const { malformedShare: _ignored, ...runtimeFaultChange } = options.faults ?? {};
  const faults = resolveRuntimeFaults(DEFAULT_RUNTIME_FAULTS, runtimeFaultChange);
  const rateLimit = resolveRateLimit(DEFAULT_RATE_LIMIT, options.rateLimit ?? {});

  const dataset = generateDataset(resolveDatasetOptions(options, clock()), seed, clock(), malformedShare);
  const calls = new CallStore(dataset.records, clock);
  const payments = new PaymentStore(dataset.payments, clock);
  const team = new TeamStore(dataset.team, clock);
  const limiter = new FixedWindowRateLimiter(rateLimit);
  const webhooks = new WebhookSender(dataset.organizationId, clock, () => limiter.timeScale);
  const changes = new SandboxChanges(calls, payments, webhooks, clock);
  const routes = new SandboxRoutes(apiKey, { calls, payments, team, changes, webhooks }, limiter, new FaultInjector(faults, seed), rateLimit);

  const server = createServer(routes.handle);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;

  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    port,
    apiKey,
    organizationId: dataset.organizationId,
    store: calls,
    payments,
    team,
    dataset: {
      closers: dataset.closers,
      setters: dataset.setters,
      products: dataset.products,
      bookingLinks: dataset.bookingLinks,
      malformed: dataset.malformed,
      payments: dataset.paymentInfo,
      teamMissing: dataset.teamMissing,
      from: new Date(dataset.fromMs).toISOString(),
      to: new Date(dataset.toMs).toISOString(),
    },
    updateCall: (id, patch) => changes.updateCall(id, patch),
    succeedPayment: (id) => changes.succeedPayment(id),
    failPayment: (id) => changes.failPayment(id),
    refundPayment: (id, refund) => changes.refundPayment(id, refund),
    renameTeamMember: (id, name) => team.update(id, { name }),
    removeTeamMember: (id) => team.delete(id),
    subscribeWebhook: (targetUrl, secret) => webhooks.subscribe(targetUrl, secret),
    unsubscribeWebhook: (id) => webhooks.unsubscribe(id),
    webhookSubscriptions: () => webhooks.list(),
    emitWebhook: (event, data, emitOptions) => webhooks.emit(event, data, emitOptions),
    webhookDeliveries: () => webhooks.deliveries(),
    flushWebhooks: () => webhooks.flush(),
    setFaults: (change) => routes.setFaults(change),
    setRateLimit: (change) => routes.setRateLimit(change),
    stats: () => routes.stats(),
    resetStats: () => routes.resetStats(),
    now: clock,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        webhooks.close();
        routes.cancelPending();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}
