import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { openDatabase } from '@app/persistence';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService } from '../support/service-process';
import { expectedUpstream } from '../support/sync-helpers';
import { until } from '../support/polling';

const ADMIN = 'resume-test-admin-key-0123456789';

async function api(url: string, method: string, route: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${url}${route}`, { method, headers: { Authorization: `Bearer ${ADMIN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('a sync killed mid-way', () => {
  let sandbox: AuraSandbox;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'commissions-resume-'));

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 4_000, seed: 5, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null }, faults: { latencyMs: 60 } });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint after a restart, fetching at most one page twice, and ends with the same data', async () => {
    const env = { DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey };
    const first = await startService(env);
    const started = await api(first.url, 'POST', '/v1/sync');
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    // Killed in the calls pass, past the payments pass (payments come first): the checkpoint is a calls cursor.
    const paymentPages = Math.ceil(sandbox.payments.size / 100);
    await until(
      'five committed pages of calls',
      async () => {
        const run = await api(first.url, 'GET', `/v1/sync/runs/${runId}`);
        return run.body.counts.pages >= paymentPages + 5 ? run : undefined;
      },
      90_000,
      50,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const requestsBeforeCrash = sandbox.stats().requests;

    const second = await startService(env);
    try {
      const finished = await until('the resumed sync to finish', async () => {
        const run = await api(second.url, 'GET', `/v1/sync/runs/${runId}`);
        return run.body.status === 'succeeded' || run.body.status === 'failed' ? run.body : undefined;
      });
      expect(finished).toMatchObject({ status: 'succeeded', resumed: 1 });
      expect(second.output()).toContain(`Resuming sync ${runId} from its checkpoint`);
      // A pass over the payments, then over the calls, then over the team.
      const pagesUpstream =
        Math.ceil(finished.counts.received / 100) + Math.ceil(finished.counts.payments.received / 100) + Math.ceil(finished.counts.team.received / 100);
      expect(finished.counts.payments.received).toBe(sandbox.payments.size);
      expect(finished.counts.pages).toBe(pagesUpstream);
      expect(sandbox.stats().requests).toBeLessThanOrEqual(pagesUpstream + 1); // the page in flight at the kill, at most
      expect(sandbox.stats().requests).toBeGreaterThan(requestsBeforeCrash);
    } finally {
      await second.stop();
    }

    const expected = await expectedUpstream(sandbox.url, sandbox.apiKey);
    const connection = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const rows = await connection.prisma.call.findMany({ select: { id: true, contentHash: true } });
      expect(new Map(rows.map((row) => [row.id, row.contentHash]))).toEqual(new Map(expected));
      expect(await connection.prisma.payment.count()).toBe(sandbox.payments.size);
    } finally {
      await connection.close();
    }
  }, 240_000);
});
