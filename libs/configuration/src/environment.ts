import { validateCronExpression } from 'cron';
import path from 'node:path';
import { ConfigurationError } from './configuration-error';

/**
 * Every setting the service reads, parsed from the environment in one place.
 * Each parser names its variable in the error, so a bad value stops the
 * process with a one-line message (see apps/commissions-api/src/main.ts).
 */
export interface ServiceConfiguration {
  http: {
    port: number;
    bodyLimit: string;
    rateLimitPerMinute: number;
    authFailuresPerMinute: number;
    trustProxy: string;
    logLevel: LogLevel;
    logFormat: 'json' | 'pretty';
  };
  database: {
    target: { kind: 'postgresql'; url: string } | { kind: 'pglite'; dataDir: string };
    migrateOnStart: boolean;
  };
  aura: {
    apiUrl: string;
    apiKey: string | null;
    pageSize: number;
    requestTimeoutMs: number;
    amountScale: number;
    webhookSecret: string | null;
    maxResponseBytes: number;
    syncMaxPages: number;
    syncMaxMinutes: number;
  };
  commission: {
    currency: string;
    timezone: string;
    commissionableStatuses: string[];
    commissionDateFields: CommissionDateField[];
    roundingMode: 'half_up' | 'half_even';
    clawbackWindowDays: number;
    negativeBalance: 'carry_forward' | 'allow';
  };
  jobs: { enabled: boolean; syncCron: string; monthlyRunCron: string; scheduleRetries: number; scheduleRetryMinutes: number; timezone: string };
  access: { adminApiKey: string | null; idempotencyTtlHours: number };
  observability: { metricsToken: string | null };
  events: {
    deliveryEnabled: boolean;
    retryBaseSeconds: number;
    retryMaxMinutes: number;
    giveUpHours: number;
    deliveryTimeoutSeconds: number;
    retentionDays: number;
  };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const COMMISSION_DATE_FIELDS = ['ended_at', 'scheduled_at', 'started_at', 'created_at', 'updated_at'] as const;
export type CommissionDateField = (typeof COMMISSION_DATE_FIELDS)[number];

type Env = Record<string, string | undefined>;

export function loadConfiguration(env: Env): ServiceConfiguration {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const timezone = parseTimezone('COMMISSION_TIMEZONE', read('COMMISSION_TIMEZONE') ?? 'UTC');
  const databaseUrl = read('DATABASE_URL');
  return {
    http: {
      port: parseInteger('PORT', read('PORT') ?? '3000', 0, 65535),
      bodyLimit: parseByteSize('REQUEST_BODY_LIMIT', read('REQUEST_BODY_LIMIT') ?? '1mb'),
      rateLimitPerMinute: parseInteger('API_RATE_LIMIT_PER_MINUTE', read('API_RATE_LIMIT_PER_MINUTE') ?? '600', 1, 1_000_000),
      authFailuresPerMinute: parseInteger('AUTH_FAILURES_PER_MINUTE', read('AUTH_FAILURES_PER_MINUTE') ?? '30', 1, 1_000_000),
      trustProxy: parseTrustProxy('TRUST_PROXY', read('TRUST_PROXY') ?? 'loopback'),
      logLevel: parseChoice('LOG_LEVEL', read('LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
      logFormat: parseChoice('LOG_FORMAT', read('LOG_FORMAT') ?? 'json', ['json', 'pretty'] as const),
    },
    database: {
      target: databaseUrl
        ? { kind: 'postgresql', url: parsePostgresUrl('DATABASE_URL', databaseUrl) }
        : { kind: 'pglite', dataDir: parseDataDir(read('DATA_DIR') ?? './data') },
      migrateOnStart: parseBoolean('MIGRATE_ON_START', read('MIGRATE_ON_START') ?? 'true'),
    },
    aura: {
      apiUrl: parseHttpUrl('AURA_API_URL', read('AURA_API_URL') ?? 'https://api.aura-app.ai'),
      apiKey: read('AURA_API_KEY') ?? null,
      pageSize: parseInteger('AURA_PAGE_SIZE', read('AURA_PAGE_SIZE') ?? '100', 1, 100),
      requestTimeoutMs: parseInteger('AURA_REQUEST_TIMEOUT_MS', read('AURA_REQUEST_TIMEOUT_MS') ?? '15000', 100, 600_000),
      amountScale: parseInteger('AURA_AMOUNT_SCALE', read('AURA_AMOUNT_SCALE') ?? '2', 0, 6),
      webhookSecret: parseWebhookSecret('AURA_WEBHOOK_SECRET', read('AURA_WEBHOOK_SECRET')),
      maxResponseBytes: parseInteger('AURA_MAX_RESPONSE_BYTES', read('AURA_MAX_RESPONSE_BYTES') ?? String(16 * 1024 * 1024), 65_536, 1_073_741_824),
      syncMaxPages: parseInteger('SYNC_MAX_PAGES', read('SYNC_MAX_PAGES') ?? '20000', 1, 10_000_000),
      syncMaxMinutes: parseInteger('SYNC_MAX_MINUTES', read('SYNC_MAX_MINUTES') ?? '240', 1, 10_080),
    },
    commission: {
      currency: parseCurrency('COMMISSION_CURRENCY', read('COMMISSION_CURRENCY') ?? 'USD'),
      timezone,
      commissionableStatuses: parseList('COMMISSIONABLE_STATUSES', read('COMMISSIONABLE_STATUSES') ?? 'closed'),
      commissionDateFields: parseDateFields('COMMISSION_DATE_FIELD', read('COMMISSION_DATE_FIELD') ?? 'ended_at,scheduled_at,created_at'),
      roundingMode: parseChoice('ROUNDING_MODE', read('ROUNDING_MODE') ?? 'half_up', ['half_up', 'half_even'] as const),
      clawbackWindowDays: parseInteger('CLAWBACK_WINDOW_DAYS', read('CLAWBACK_WINDOW_DAYS') ?? '90', 0, 3650),
      negativeBalance: parseChoice('NEGATIVE_BALANCE', read('NEGATIVE_BALANCE') ?? 'carry_forward', ['carry_forward', 'allow'] as const),
    },
    jobs: {
      enabled: parseBoolean('JOBS_ENABLED', read('JOBS_ENABLED') ?? 'true'),
      syncCron: parseCron('SYNC_CRON', read('SYNC_CRON') ?? '0 2 * * *'),
      monthlyRunCron: parseCron('MONTHLY_RUN_CRON', read('MONTHLY_RUN_CRON') ?? '0 4 1 * *'),
      scheduleRetries: parseInteger('SCHEDULE_RETRIES', read('SCHEDULE_RETRIES') ?? '3', 0, 20),
      scheduleRetryMinutes: parseInteger('SCHEDULE_RETRY_MINUTES', read('SCHEDULE_RETRY_MINUTES') ?? '5', 1, 1_440),
      timezone,
    },
    access: {
      adminApiKey: parseAdminKey('ADMIN_API_KEY', read('ADMIN_API_KEY')),
      idempotencyTtlHours: parseInteger('IDEMPOTENCY_TTL_HOURS', read('IDEMPOTENCY_TTL_HOURS') ?? '24', 1, 8_760),
    },
    observability: { metricsToken: parseMetricsToken('METRICS_TOKEN', read('METRICS_TOKEN')) },
    events: {
      deliveryEnabled: parseBoolean('WEBHOOK_DELIVERY_ENABLED', read('WEBHOOK_DELIVERY_ENABLED') ?? 'true'),
      retryBaseSeconds: parseInteger('WEBHOOK_RETRY_BASE_SECONDS', read('WEBHOOK_RETRY_BASE_SECONDS') ?? '30', 1, 3_600),
      retryMaxMinutes: parseInteger('WEBHOOK_RETRY_MAX_MINUTES', read('WEBHOOK_RETRY_MAX_MINUTES') ?? '60', 1, 1_440),
      // At least a day: a receiver down for an hour (or a night) must still get every event.
      giveUpHours: parseInteger('WEBHOOK_GIVE_UP_HOURS', read('WEBHOOK_GIVE_UP_HOURS') ?? '72', 24, 720),
      deliveryTimeoutSeconds: parseInteger('WEBHOOK_TIMEOUT_SECONDS', read('WEBHOOK_TIMEOUT_SECONDS') ?? '10', 1, 120),
      retentionDays: parseInteger('WEBHOOK_RETENTION_DAYS', read('WEBHOOK_RETENTION_DAYS') ?? '30', 1, 3_650),
    },
  };
}

/** A bearer token a Prometheus scraper sends instead of an admin key; long enough not to be guessed. */
function parseMetricsToken(name: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length < 32 || raw.length > 512 || !/^[\x21-\x7e]+$/.test(raw))
    throw new ConfigurationError(name, 'must be 32 to 512 printable characters without spaces', '<hidden>');
  return raw;
}

/** A directory for the embedded database, or memory:// for a throwaway one (tests). */
function parseDataDir(raw: string): string {
  return raw.startsWith('memory://') ? raw : path.resolve(raw);
}

function parseInteger(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw)) throw new ConfigurationError(name, `must be a whole number from ${min} to ${max}`, raw);
  const value = Number.parseInt(raw, 10);
  if (value < min || value > max) throw new ConfigurationError(name, `must be a whole number from ${min} to ${max}`, raw);
  return value;
}

function parseBoolean(name: string, raw: string): boolean {
  const value = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigurationError(name, 'must be true or false', raw);
}

function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[]): T {
  const value = raw.toLowerCase() as T;
  if (!choices.includes(value)) throw new ConfigurationError(name, `must be one of ${choices.join(', ')}`, raw);
  return value;
}

function parsePostgresUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(name, 'must be a postgresql:// URL (unset it to use the embedded database)', redactCredentials(raw));
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigurationError(name, 'must be a postgresql:// URL (unset it to use the embedded database)', redact(url));
  }
  return raw;
}

function parseHttpUrl(name: string, raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    /* fall through */
  }
  throw new ConfigurationError(name, 'must be an http(s) URL', redactCredentials(raw));
}

/** A URL-ish text with anything between "//" and "@" (user and password) hidden, even when it does not parse. */
export function redactCredentials(raw: string): string {
  return raw.replace(/\/\/[^/?#]*@/, '//***@').replace(/(password|pass|pwd)=[^&\s]*/gi, '$1=***');
}

function parseTimezone(name: string, raw: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigurationError(name, 'must be an IANA time zone such as UTC or Europe/Paris', raw);
  }
}

function parseCurrency(name: string, raw: string): string {
  const code = raw.toUpperCase();
  const known = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('currency');
  if (!/^[A-Z]{3}$/.test(code) || (known && !known.includes(code))) {
    throw new ConfigurationError(name, 'must be an ISO 4217 currency code such as USD', raw);
  }
  return code;
}

function parseList(name: string, raw: string): string[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ConfigurationError(name, 'must list at least one value, comma-separated', raw);
  return items;
}

function parseDateFields(name: string, raw: string): CommissionDateField[] {
  const fields = parseList(name, raw);
  for (const field of fields) {
    if (!(COMMISSION_DATE_FIELDS as readonly string[]).includes(field)) {
      throw new ConfigurationError(name, `must list call date fields to try in order, from ${COMMISSION_DATE_FIELDS.join(', ')}`, raw);
    }
  }
  return fields as CommissionDateField[];
}

function parseCron(name: string, raw: string): string {
  if (!validateCronExpression(raw).valid) throw new ConfigurationError(name, 'must be a cron expression such as "0 2 * * *"', raw);
  return raw;
}

function parseByteSize(name: string, raw: string): string {
  if (!/^\d+(b|kb|mb)$/i.test(raw)) throw new ConfigurationError(name, 'must be a size such as 512kb or 1mb', raw);
  return raw.toLowerCase();
}

/** Express's trust proxy: which proxies' X-Forwarded-For gives the client address (limits count per client). */
function parseTrustProxy(name: string, raw: string): string {
  if (/^(loopback|linklocal|uniquelocal|false|true|\d{1,2})$/.test(raw) || /^[0-9a-fA-F:.,/\s]+$/.test(raw)) return raw;
  throw new ConfigurationError(name, 'must be loopback, a hop count, true, false, or a comma-separated list of proxy addresses/CIDRs', raw);
}

function parseWebhookSecret(name: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length < 16)
    throw new ConfigurationError(name, 'must be at least 16 characters long (the secret Aura gave for the webhook subscription)', '<hidden>');
  return raw;
}

function parseAdminKey(name: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length < 24) throw new ConfigurationError(name, 'must be at least 24 characters long', '<hidden>');
  return raw;
}

function redact(url: URL): string {
  if (url.password) url.password = '***';
  return url.toString();
}
