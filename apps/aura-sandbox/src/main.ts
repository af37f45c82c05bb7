/**
 * `npm run sandbox`: a local Aura on SANDBOX_PORT (default 4010), for demos
 * and for running the service against something that behaves like Aura.
 * SANDBOX_WEBHOOK_URL (+ SANDBOX_WEBHOOK_SECRET) subscribes a receiver at start.
 */
import { createAuraSandbox } from './aura-sandbox';
import { DEFAULT_SANDBOX_API_KEY, SandboxOptions } from './sandbox-options';
import { WebhookSubscription } from './webhook-sender';

function numberFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    process.stderr.write(`${name} must be a number, got ${JSON.stringify(raw)}\n`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const perMinuteText = process.env['SANDBOX_RATE_LIMIT_PER_MINUTE'];
  const noLimit = perMinuteText !== undefined && ['', 'none', 'off', '0'].includes(perMinuteText.trim().toLowerCase());
  const options: SandboxOptions = {
    port: numberFromEnv('SANDBOX_PORT', 4010),
    apiKey: process.env['SANDBOX_API_KEY'] || DEFAULT_SANDBOX_API_KEY,
    calls: numberFromEnv('SANDBOX_CALLS', 2000),
    seed: process.env['SANDBOX_SEED'] || 1,
    months: numberFromEnv('SANDBOX_MONTHS'),
    endMonth: process.env['SANDBOX_END_MONTH'] || undefined,
    now: process.env['SANDBOX_NOW'] || undefined,
    rateLimit: {
      perMinute: noLimit ? null : numberFromEnv('SANDBOX_RATE_LIMIT_PER_MINUTE', 100),
      timeScale: numberFromEnv('SANDBOX_TIME_SCALE', 1),
    },
    faults: {
      rate429: numberFromEnv('SANDBOX_FAULT_429', 0),
      rate5xx: numberFromEnv('SANDBOX_FAULT_5XX', 0),
      latencyMs: numberFromEnv('SANDBOX_LATENCY_MS', 0),
      malformedShare: numberFromEnv('SANDBOX_MALFORMED_SHARE', 0),
    },
  };
  let sandbox;
  try {
    sandbox = await createAuraSandbox(options);
  } catch (error) {
    process.stderr.write(`aura-sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const webhookUrl = process.env['SANDBOX_WEBHOOK_URL'];
  let subscription: WebhookSubscription | undefined;
  if (webhookUrl) {
    try {
      subscription = sandbox.subscribeWebhook(webhookUrl, process.env['SANDBOX_WEBHOOK_SECRET'] || undefined);
    } catch (error) {
      process.stderr.write(`aura-sandbox: SANDBOX_WEBHOOK_URL: ${error instanceof Error ? error.message : String(error)}\n`);
      await sandbox.close();
      process.exit(1);
    }
  }
  const limit = sandbox.stats().windowLimit;
  process.stdout.write(
    [
      `Aura sandbox listening on ${sandbox.url}`,
      `  AURA_API_URL=${sandbox.url}`,
      `  AURA_API_KEY=${sandbox.apiKey}`,
      `  calls: ${sandbox.store.size}, payments: ${sandbox.payments.size}, team: ${sandbox.team.size}, history ${sandbox.dataset.from.slice(0, 10)} – ${sandbox.dataset.to.slice(0, 10)}`,
      `  rate limit: ${limit === null ? 'none' : `${limit} requests per ${60 / (options.rateLimit?.timeScale ?? 1)} s`}`,
      `  admin: PATCH/DELETE ${sandbox.url}/admin/calls/:id, POST /admin/calls, PUT /admin/faults, PUT /admin/rate-limit, GET /admin/stats`,
      `         PATCH /admin/payments/:id, POST /admin/payments/:id/succeed|fail|refund, POST|GET /admin/webhooks`,
      `         PATCH/DELETE /admin/team/:id`,
      ...(subscription === undefined ? [] : [`  webhooks: ${subscription.target_url} (X-Aura-Signature secret ${subscription.secret})`]),
      '',
    ].join('\n'),
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
