import { AuraClient, parseAuraCall } from '@app/aura-client';
import { contentHash } from '@app/content-hash';
import type { TestApp } from './test-app';
import { TEST_ADMIN_KEY } from './test-app';

export interface SyncRunBody {
  id: string;
  status: string;
  error: string | null;
  counts: Record<string, number>;
}

/** Starts a sync over the API and waits for it to end. */
export async function syncToEnd(t: TestApp, timeoutMs = 120_000): Promise<SyncRunBody> {
  const started = await t.as(TEST_ADMIN_KEY).post('/v1/sync').expect(202);
  return waitForSync(t, started.body.id, timeoutMs);
}

export async function waitForSync(t: TestApp, id: string, timeoutMs = 120_000): Promise<SyncRunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await t.as(TEST_ADMIN_KEY).get(`/v1/sync/runs/${id}`).expect(200)).body as SyncRunBody;
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`sync ${id} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What a correct sync must store, from a fault-free pass of our own: every
 * past call upstream that parses (id → content hash), and how many don't.
 */
export async function expectedUpstream(url: string, apiKey: string): Promise<Map<string, string> & { malformed: number }> {
  const client = new AuraClient({ baseUrl: url, apiKey, pacing: false });
  const expected = Object.assign(new Map<string, string>(), { malformed: 0 });
  for await (const page of client.pages({ is_upcoming: 'false' })) {
    for (const raw of page.records) {
      const parsed = parseAuraCall(raw);
      if (parsed.ok) expected.set(parsed.call.id, contentHash(raw));
      else expected.malformed += 1;
    }
  }
  return expected;
}
