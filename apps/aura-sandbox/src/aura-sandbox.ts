import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallStore } from './call-store';
import { generateDataset, MalformedRecordInfo, SandboxProduct } from './call-generator';
import { FaultInjector } from './fault-injector';
import { FixedWindowRateLimiter } from './rate-limiter';
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

export interface SandboxDatasetInfo {
  closers: string[];
  setters: string[];
  products: SandboxProduct[];
  bookingLinks: string[];
  /** Records generated malformed (kinds parseAuraCall rejects). */
  malformed: MalformedRecordInfo[];
  /** The history window of past calls, [from, to). */
  from: string;
  to: string;
}

export interface AuraSandbox {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  port: number;
  apiKey: string;
  /** The calls, for direct changes in tests (same operations as /admin/calls). */
  store: CallStore;
  dataset: SandboxDatasetInfo;
  setFaults(faults: Partial<RuntimeFaults>): RuntimeFaults;
  setRateLimit(rateLimit: Partial<RateLimitOptions>): RateLimitOptions;
  stats(): SandboxStats;
  resetStats(): void;
  /** The sandbox clock (fixed when `now` was given). */
  now(): number;
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
  const store = new CallStore(dataset.records, clock);
  const limiter = new FixedWindowRateLimiter(rateLimit);
  const routes = new SandboxRoutes(apiKey, store, limiter, new FaultInjector(faults, seed), rateLimit);

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
    store,
    dataset: {
      closers: dataset.closers,
      setters: dataset.setters,
      products: dataset.products,
      bookingLinks: dataset.bookingLinks,
      malformed: dataset.malformed,
      from: new Date(dataset.fromMs).toISOString(),
      to: new Date(dataset.toMs).toISOString(),
    },
    setFaults: (change) => routes.setFaults(change),
    setRateLimit: (change) => routes.setRateLimit(change),
    stats: () => routes.stats(),
    resetStats: () => routes.resetStats(),
    now: clock,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        routes.cancelPending();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}
