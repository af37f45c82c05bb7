/** Options of the local Aura sandbox, their defaults and validation. */

export interface UtmMixEntry {
  /** null = no UTM parameters (direct / referral traffic). */
  source: string | null;
  medium?: string | null;
  campaigns?: string[];
  weight: number;
}

/**
 * How a generated payment turned out. `partially_refunded` payments carry
 * refund_status `partial`; half of them keep status `succeeded`, half show `refunded`.
 */
export type PaymentKind = 'succeeded' | 'pending' | 'failed' | 'refunded' | 'partially_refunded';

/** Weights of the payment kinds; they need not sum to 1. */
export type PaymentMix = Record<PaymentKind, number>;

/** Shape of the generated data set. Deterministic given these and `seed`/`now`. */
export interface DatasetOptions {
  /** Number of calls. Default 2000. */
  calls?: number;
  /** Months of history, ending with `endMonth`. Default 6. */
  months?: number;
  /** Last month of history, `YYYY-MM` (UTC). Default: the month before the sandbox clock's. */
  endMonth?: string;
  /** Distinct closers. Default 25. */
  closers?: number;
  /** Distinct setters (people who only set). Default 15. */
  setters?: number;
  /** Products, priced 1,000–30,000 in currency units. Default 6. */
  products?: number;
  /** Booking links. Default 8. */
  bookingLinks?: number;
  /** Share of past calls that are closed. Default 0.55. */
  closedShare?: number;
  /** Share of closed calls that carry a linked_payment_id. Default 0.85. */
  paymentShare?: number;
  /** Share of calls with no setter. Default 0.12. */
  missingSetterShare?: number;
  /** Share of calls set by their own closer (setter_id = closer_id). Default 0.08. */
  selfSetShare?: number;
  /** Share of calls scheduled in the future (status `scheduled`). Default 0.05. */
  upcomingShare?: number;
  /** Share of calls with expected_deal_value null. Default 0.03. */
  missingDealValueShare?: number;
  /** Share of records in the older shape (`outcome` instead of `status`, plus organization_id). Default 0.02. */
  legacyShare?: number;
  /** Traffic sources and their weights. */
  utmMix?: UtmMixEntry[];
  /**
   * How the payments behind linked_payment_id turn out, by weight. Replaces the
   * default as a whole: kinds left out weigh 0. Default DEFAULT_PAYMENT_MIX.
   */
  paymentMix?: Partial<PaymentMix>;
  /** Share of payments in the second currency, `eur` (the rest are `usd`). Default 0.02. */
  paymentForeignCurrencyShare?: number;
}

export interface RateLimitOptions {
  /** Requests per (sandbox) minute per key; null = no limit and no X-RateLimit-* headers. Default 100. */
  perMinute: number | null;
  /** 60 makes a rate-limit minute last one real second. Default 1. */
  timeScale: number;
}

/** Faults that can be changed while the sandbox runs. Rolls use a PRNG seeded from `seed`. */
export interface RuntimeFaults {
  /** Share of /v1 requests answered 429 (with Retry-After). */
  rate429: number;
  /** Share of /v1 requests answered with a server error. */
  rate5xx: number;
  /** Which server errors, picked evenly: 500 and 503 carry the JSON envelope, 502 an HTML page. Default [500]. */
  serverErrorStatuses: (500 | 502 | 503)[];
  /** Share of /v1 requests held for `stallMs` before answering (to provoke client timeouts). */
  stallRate: number;
  /** How long a stalled request is held. Default 30 000 ms. */
  stallMs: number;
  /** Added to every /v1 request. */
  latencyMs: number;
  /** Retry-After of an injected 429, in sandbox seconds (divided by the time scale). Default 1. */
  retryAfterSeconds: number;
}

export interface FaultOptions extends RuntimeFaults {
  /** Share of generated records made malformed (chosen by seed when the data set is generated). */
  malformedShare: number;
}

export interface SandboxOptions extends DatasetOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Bearer key the sandbox accepts. Default `aura_pk_test_sandbox`. */
  apiKey?: string;
  /** Seed of the data and of the fault rolls. Default 1. */
  seed?: number | string;
  /**
   * Fixes the sandbox clock (data generation, is_upcoming, updated_at bumps).
   * Default: the real clock. Rate-limit windows always use real time.
   */
  now?: Date | string | number;
  rateLimit?: Partial<RateLimitOptions>;
  faults?: Partial<FaultOptions>;
}

export const DEFAULT_SANDBOX_API_KEY = 'aura_pk_test_sandbox';

export const DEFAULT_UTM_MIX: readonly UtmMixEntry[] = [
  { source: 'google', medium: 'cpc', campaigns: ['brand_search', 'summer_promo', 'generic_search'], weight: 30 },
  { source: 'facebook', medium: 'paid_social', campaigns: ['lookalike_q1', 'retargeting'], weight: 20 },
  { source: 'instagram', medium: 'social', campaigns: ['reels_launch'], weight: 10 },
  { source: 'youtube', medium: 'video', campaigns: ['webinar_replay'], weight: 10 },
  { source: 'newsletter', medium: 'email', campaigns: ['weekly_digest'], weight: 10 },
  { source: null, weight: 20 },
];

export const PAYMENT_KINDS: readonly PaymentKind[] = ['succeeded', 'pending', 'failed', 'refunded', 'partially_refunded'];

export const DEFAULT_PAYMENT_MIX: Readonly<PaymentMix> = {
  succeeded: 0.78,
  pending: 0.06,
  failed: 0.05,
  refunded: 0.04,
  partially_refunded: 0.07,
};

export type ResolvedDatasetOptions = Required<Omit<DatasetOptions, 'paymentMix'>> & { paymentMix: PaymentMix };

export const DEFAULT_RUNTIME_FAULTS: RuntimeFaults = {
  rate429: 0,
  rate5xx: 0,
  serverErrorStatuses: [500],
  stallRate: 0,
  stallMs: 30_000,
  latencyMs: 0,
  retryAfterSeconds: 1,
};

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perMinute: 100, timeScale: 1 };

export function resolveDatasetOptions(options: DatasetOptions, nowMs: number): ResolvedDatasetOptions {
  const resolved: ResolvedDatasetOptions = {
    calls: options.calls ?? 2000,
    months: options.months ?? 6,
    endMonth: options.endMonth ?? previousMonth(nowMs),
    closers: options.closers ?? 25,
    setters: options.setters ?? 15,
    products: options.products ?? 6,
    bookingLinks: options.bookingLinks ?? 8,
    closedShare: options.closedShare ?? 0.55,
    paymentShare: options.paymentShare ?? 0.85,
    missingSetterShare: options.missingSetterShare ?? 0.12,
    selfSetShare: options.selfSetShare ?? 0.08,
    upcomingShare: options.upcomingShare ?? 0.05,
    missingDealValueShare: options.missingDealValueShare ?? 0.03,
    legacyShare: options.legacyShare ?? 0.02,
    utmMix: options.utmMix ?? [...DEFAULT_UTM_MIX],
    paymentMix: resolvePaymentMix(options.paymentMix),
    paymentForeignCurrencyShare: options.paymentForeignCurrencyShare ?? 0.02,
  };
  requireInteger('calls', resolved.calls, 0);
  requireInteger('months', resolved.months, 1);
  requireInteger('closers', resolved.closers, 1);
  requireInteger('setters', resolved.setters, 0);
  requireInteger('products', resolved.products, 1);
  requireInteger('bookingLinks', resolved.bookingLinks, 1);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(resolved.endMonth)) {
    throw new RangeError(`sandbox: endMonth must be YYYY-MM, got ${JSON.stringify(resolved.endMonth)}`);
  }
  for (const key of [
    'closedShare',
    'paymentShare',
    'missingSetterShare',
    'selfSetShare',
    'upcomingShare',
    'missingDealValueShare',
    'legacyShare',
    'paymentForeignCurrencyShare',
  ] as const) {
    requireShare(key, resolved[key]);
  }
  if (resolved.missingSetterShare + resolved.selfSetShare > 1) {
    throw new RangeError('sandbox: missingSetterShare + selfSetShare must not exceed 1');
  }
  if (resolved.utmMix.length === 0 || resolved.utmMix.some((entry) => !(entry.weight >= 0))) {
    throw new RangeError('sandbox: utmMix needs at least one entry with a non-negative weight');
  }
  return resolved;
}

function resolvePaymentMix(mix: Partial<PaymentMix> | undefined): PaymentMix {
  if (mix === undefined) return { ...DEFAULT_PAYMENT_MIX };
  if (typeof mix !== 'object' || mix === null || Array.isArray(mix)) {
    throw new RangeError('sandbox: paymentMix must be an object of weights by payment kind');
  }
  const unknownKind = Object.keys(mix).find((key) => !PAYMENT_KINDS.some((kind) => kind === key));
  if (unknownKind !== undefined) {
    throw new RangeError(`sandbox: paymentMix has an unknown kind ${JSON.stringify(unknownKind)} (kinds: ${PAYMENT_KINDS.join(', ')})`);
  }
  const resolved: PaymentMix = { succeeded: 0, pending: 0, failed: 0, refunded: 0, partially_refunded: 0 };
  for (const kind of PAYMENT_KINDS) {
    const weight = mix[kind] ?? 0;
    requireNonNegative(`paymentMix.${kind}`, weight);
    resolved[kind] = weight;
  }
  if (PAYMENT_KINDS.every((kind) => resolved[kind] === 0)) {
    throw new RangeError('sandbox: paymentMix needs at least one kind with a positive weight');
  }
  return resolved;
}

export function resolveRateLimit(current: RateLimitOptions, change: Partial<RateLimitOptions>): RateLimitOptions {
  const next = { ...current, ...change };
  if (next.perMinute !== null) requireInteger('rateLimit.perMinute', next.perMinute, 1);
  if (!(typeof next.timeScale === 'number' && next.timeScale > 0 && Number.isFinite(next.timeScale))) {
    throw new RangeError('sandbox: rateLimit.timeScale must be a positive number');
  }
  return next;
}

export function resolveRuntimeFaults(current: RuntimeFaults, change: Partial<RuntimeFaults>): RuntimeFaults {
  const next = { ...current, ...change };
  requireShare('faults.rate429', next.rate429);
  requireShare('faults.rate5xx', next.rate5xx);
  requireShare('faults.stallRate', next.stallRate);
  if (next.rate429 + next.rate5xx + next.stallRate > 1) {
    throw new RangeError('sandbox: faults.rate429 + rate5xx + stallRate must not exceed 1');
  }
  if (
    !Array.isArray(next.serverErrorStatuses) ||
    next.serverErrorStatuses.length === 0 ||
    next.serverErrorStatuses.some((status) => status !== 500 && status !== 502 && status !== 503)
  ) {
    throw new RangeError('sandbox: faults.serverErrorStatuses must list some of 500, 502, 503');
  }
  requireNonNegative('faults.stallMs', next.stallMs);
  requireNonNegative('faults.latencyMs', next.latencyMs);
  requireNonNegative('faults.retryAfterSeconds', next.retryAfterSeconds);
  return next;
}

export function requireShare(name: string, value: unknown): void {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new RangeError(`sandbox: ${name} must be a number from 0 to 1`);
  }
}

function requireInteger(name: string, value: unknown, min: number): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min)) {
    throw new RangeError(`sandbox: ${name} must be an integer ≥ ${min}`);
  }
}

function requireNonNegative(name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`sandbox: ${name} must be a non-negative number`);
  }
}

/** `YYYY-MM` of the month before the one holding `nowMs` (UTC). */
export function previousMonth(nowMs: number): string {
  const now = new Date(nowMs);
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${previous.getUTCFullYear()}-${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function toEpochMs(value: Date | string | number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`sandbox: now is not a valid date: ${String(value)}`);
  return ms;
}
