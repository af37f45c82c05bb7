/**
 * `npm run demo [-- --once]`: the whole job end to end with nothing to set
 * up. A local Aura sandbox stands in for Aura; the service runs on a fresh
 * embedded database; example plans are loaded; calls are synced; the last
 * full month is run; statement totals are printed. Keeps serving until
 * Ctrl-C, or exits 0 after printing with --once.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAuraSandbox } from '@app/aura-sandbox';
import { createApp } from '../../commissions-api/src/create-app';
import { examplePlans } from './example-plans';
import { step } from './progress';
import { renderStatementTable, StatementRow } from './statement-table';

const ADMIN_KEY = 'demo-admin-key-change-me-0123456789';
const WEBHOOK_SECRET = 'demo-webhook-secret-0123456789';
const PAYMENT_REASONS = ['payment_pending', 'payment_failed', 'payment_refunded', 'currency_mismatch', 'payment_missing'];
const once = process.argv.includes('--once');

async function main(): Promise<void> {
  const started = Date.now();
  const lastFullMonth = previousMonth(new Date());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'aura-commissions-demo-'));
  process.stdout.write(`Aura commission service demo: period ${lastFullMonth}\n\n`);

  const sandbox = await step('Starting the Aura sandbox (3 months, 40 closers and setters)', async (report) => {
    const started = await createAuraSandbox({
      calls: 4_000,
      months: 3,
      endMonth: lastFullMonth,
      closers: 24,
      setters: 16,
      seed: 2026,
      port: Number(process.env.SANDBOX_PORT ?? 0),
    });
    report(`${started.store.size.toLocaleString('en-US')} calls at ${started.url}`);
    return started;
  });

  const app = await step(`Starting the commission service on embedded PGlite in ${dataDir}`, async () => {
    Object.assign(process.env, {
      DATA_DIR: dataDir,
      AURA_API_URL: sandbox.url,
      AURA_API_KEY: sandbox.apiKey,
      ADMIN_API_KEY: ADMIN_KEY,
      AURA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    });
    delete process.env.DATABASE_URL;
    const created = await createApp();
    await listen(created, Number(process.env.PORT ?? 3000));
    return created;
  });
  const baseUrl = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const api = apiClient(baseUrl);

  await step('Loading example plans', async (report) => {
    const firstMonth = sandbox.dataset.from.slice(0, 7);
    const plans = examplePlans(sandbox.dataset.products[0].id, `${firstMonth}-01`);
    for (const plan of plans) await api('POST', '/v1/plans', plan, 201);
    report(plans.map((plan) => `"${plan.name}"`).join(', '));
  });

  const sync = await step('Syncing calls and payments from Aura', async (report) => {
    const run = await api('POST', '/v1/sync', undefined, 202);
    const progress = (current: any) =>
      report(
        `${current.counts.received.toLocaleString('en-US')} calls, ${current.counts.payments.received.toLocaleString('en-US')} payments received, ${current.counts.pages} pages`,
      );
    const finished = await waitFor(api, `/v1/sync/runs/${run.id}`, progress);
    progress(finished);
    return finished;
  });
  if (sync.status !== 'succeeded') throw new Error(`the sync failed: ${sync.error}`);
  process.stdout.write(
    `  ${sync.counts.inserted} calls and ${sync.counts.payments.inserted} payments stored, ${sync.counts.quarantined + sync.counts.payments.quarantined} quarantined, ` +
      `${sync.counts.requests} requests, ${sync.counts.retries} retries\n`,
  );
  const unpaid: Record<string, any[]> = {};
  for (const reason of PAYMENT_REASONS) unpaid[reason] = await listAll(api, `/v1/calls?period=${lastFullMonth}&reason=${reason}`);
  const partlyRefunded = (await listAll(api, `/v1/calls?period=${lastFullMonth}&commissionable=true`)).filter((call) => Number(call.refunded_share ?? 0) > 0);
  process.stdout.write(
    `  Money follows the money that arrived: in ${lastFullMonth}, ` +
      PAYMENT_REASONS.map((reason) => `${unpaid[reason].length} ${reason.replace('payment_', 'payment ').replace('_', ' ')}`).join(', ') +
      ` earn nothing; ${partlyRefunded.length} partly refunded earn on what was kept\n`,
  );

  const run = await step(`Running ${lastFullMonth}`, async (report) => {
    const created = await api('POST', '/v1/runs', { period: lastFullMonth }, 202);
    return waitFor(api, `/v1/runs/${created.id}`, (current) => report(current.status));
  });
  if (run.status !== 'succeeded') throw new Error(`the run failed: ${run.error}`);

  const statements = await step('Reading statements', async () => {
    const rows: StatementRow[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/v1/statements?period=${lastFullMonth}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      for (const statement of page.data) {
        const detail = await api('GET', `/v1/statements/${statement.id}`);
        rows.push({ ...statement, lines: detail.lines.length });
      }
      cursor = page.pagination.next_cursor;
    } while (cursor);
    return rows.sort((a, b) => a.payee_id.localeCompare(b.payee_id));
  });

  const currency = statements[0]?.currency ?? 'USD';
  const afterApproval = await step(`Approving ${lastFullMonth}; then in Aura a pending payment succeeds and a paid one is refunded 30 %`, async (report) => {
    await api('POST', `/v1/periods/${lastFullMonth}/approve`, {});
    sandbox.subscribeWebhook(`${baseUrl}/v1/webhooks/aura`, WEBHOOK_SECRET);
    const late = unpaid['payment_pending'][0];
    const paid = (await listAll(api, `/v1/calls?period=${lastFullMonth}&commissionable=true`)).find((call) => call.refunded_share === '0' && call.setter_id);
    if (late) sandbox.succeedPayment(late.linked_payment_id);
    if (paid) {
      const payment = sandbox.payments.get(paid.linked_payment_id) as { amount: number };
      sandbox.refundPayment(paid.linked_payment_id, { amount: Math.round(payment.amount * 0.3) });
    }
    await sandbox.flushWebhooks();
    for (;;) {
      const events = await api('GET', '/v1/webhooks/events?limit=100');
      if (events.data.length > 0 && events.data.every((event: any) => event.status !== 'pending' && event.status !== 'processing')) {
        report(`${events.data.length} signed webhooks received; each payment re-fetched from Aura`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const nextMonth = followingMonth(lastFullMonth);
    const created = await api('POST', '/v1/runs', { period: nextMonth }, 202);
    const nextRun = await waitFor(api, `/v1/runs/${created.id}`, () => undefined);
    const lines: any[] = [];
    for (const call of [late, paid].filter(Boolean)) {
      const detail = await api('GET', `/v1/calls/${call.id}`);
      lines.push(...detail.lines.filter((line: any) => line.statement_period === nextMonth));
    }
    return { nextMonth, nextRun, lines };
  });
  process.stdout.write(
    `\nDraft statements for ${lastFullMonth} (${statements.length} payees, ${run.counts?.calls ?? '?'} commissionable calls, ${(run.unplanned ?? []).length} without a plan):\n\n`,
  );
  process.stdout.write(`${renderStatementTable(statements, currency)}\n\n`);
  process.stdout.write(
    `After approval, the run of ${afterApproval.nextMonth} settles what changed (${afterApproval.nextRun.counts?.adjustments ?? 0} adjustments):\n`,
  );
  for (const line of afterApproval.lines) process.stdout.write(`  ${line.amount.padStart(10)} ${currency}  ${line.explanation.sentence}\n`);
  process.stdout.write('\n');
  const example = statements[0];
  const rep = example
    ? await api('POST', '/v1/api-keys', { name: `demo: ${example.payee_name ?? example.payee_id}`, role: 'payee', payee_id: example.payee_id }, 201)
    : null;
  const exampleLine = example ? (await api('GET', `/v1/statements/${example.id}`)).lines[0] : null;
  const dispute = JSON.stringify({ statement_id: example?.id, line_id: exampleLine?.id, message: 'I think this deal closed higher.' });
  process.stdout.write(
    [
      'Where to look next:',
      `  API docs           ${baseUrl}/docs`,
      example ? `  a statement        curl -H 'Authorization: Bearer ${ADMIN_KEY}' ${baseUrl}/v1/statements/${example.id}` : '',
      rep ? `  ${example.payee_name ?? example.payee_id}'s own key (role payee): ${rep.secret}` : '',
      rep ? `  their statement    curl -H 'Authorization: Bearer ${rep.secret}' ${baseUrl}/v1/statements/${example.id}/document > statement.html` : '',
      rep
        ? `  as a PDF           curl -H 'Authorization: Bearer ${rep.secret}' '${baseUrl}/v1/statements/${example.id}/document?format=pdf' > statement.pdf`
        : '',
      rep
        ? `  open a dispute     curl -X POST -H 'Authorization: Bearer ${rep.secret}' -H 'Content-Type: application/json' -d '${dispute}' ${baseUrl}/v1/disputes`
        : '',
      `  the run            curl -H 'Authorization: Bearer ${ADMIN_KEY}' ${baseUrl}/v1/runs/${run.id}`,
      `  approve ${afterApproval.nextMonth}    curl -X POST -H 'Authorization: Bearer ${ADMIN_KEY}' ${baseUrl}/v1/periods/${afterApproval.nextMonth}/approve`,
      `  webhooks received  curl -H 'Authorization: Bearer ${ADMIN_KEY}' ${baseUrl}/v1/webhooks/events`,
      `  admin key          ${ADMIN_KEY}`,
      `  Aura sandbox       ${sandbox.url} (key ${sandbox.apiKey})`,
      `  data               ${dataDir}`,
      '',
      `Done in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
    ]
      .filter((line) => line !== '')
      .join('\n') + '\n',
  );

  if (once) {
    await app.close();
    await sandbox.close();
    return;
  }
  process.stdout.write('Serving until Ctrl-C.\n');
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await app.close();
  await sandbox.close();
}

type Api = (method: string, route: string, body?: unknown, expected?: number) => Promise<any>;

function apiClient(baseUrl: string): Api {
  return async (method, route, body, expected = 200) => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await response.json();
    if (response.status !== expected) throw new Error(`${method} ${route} answered ${response.status}: ${JSON.stringify(payload)}`);
    return payload;
  };
}

async function waitFor(api: Api, route: string, onProgress: (current: any) => void): Promise<any> {
  for (;;) {
    const current = await api('GET', route);
    if (current.status === 'succeeded' || current.status === 'failed') return current;
    onProgress(current);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Port 3000 unless taken, then any free port. */
async function listen(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '127.0.0.1');
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    await app.listen(0, '127.0.0.1');
  }
}

async function listAll(api: Api, route: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await api('GET', `${route}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.data);
    cursor = page.pagination.next_cursor;
  } while (cursor);
  return items;
}

function followingMonth(period: string): string {
  const [year, month] = period.split('-').map(Number);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

function previousMonth(now: Date): string {
  const year = now.getUTCMonth() === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
  const month = now.getUTCMonth() === 0 ? 12 : now.getUTCMonth();
  return `${year}-${String(month).padStart(2, '0')}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
