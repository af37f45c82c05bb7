import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { DatabaseService } from '@app/persistence';
import { syncToEnd } from '../support/sync-helpers';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

/**
 * Records no database can store as they are, in the middle of a page: each
 * is quarantined with its reason, the rest of its page and every later sync
 * are stored (issue 10: "one poison record stops every sync, forever").
 */
export function poisonRecordsScenario(name: string, env: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>): void {
  describe(name, () => {
    let sandbox: AuraSandbox;
    let t: TestApp;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      sandbox = await createAuraSandbox({ calls: 250, seed: 31, months: 2, endMonth: '2026-10', now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
      const database = await env();
      cleanup = database.cleanup;
      t = await startTestApp({ ...database.env, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await sandbox?.close();
      await cleanup?.();
    });

    it('quarantines a NUL, a lone surrogate, deep nesting, a 12 KB id and a formula for a person id, and stores the rest of the page', async () => {
      const [template] = sandbox.store.all() as Record<string, unknown>[];
      const at = template['created_at'];
      const poison: [string, Record<string, unknown>][] = [
        ['unstorable_text', { ...template, id: 'poison-nul', notes: 'before\u0000after' }],
        ['unstorable_text', { ...template, id: 'poison-surrogate', utm_source: 'goo\ud800gle' }],
        ['unstorable_text', { ...template, id: 'poison-key', form_data: [{ ['la\udc00bel']: 'x' }] }],
        ['too_deep', { ...template, id: 'poison-deep', transcript_data: nested(1_000) }],
        ['invalid_id', { ...template, id: `x${'a'.repeat(12_000)}` }],
        ['invalid_person_id', { ...template, id: 'poison-formula', closer_id: '=HYPERLINK("http://evil","x")' }],
      ];
      const db = t.app.get(DatabaseService).client;
      expect((await syncToEnd(t)).status).toBe('succeeded');
      const stored = await db.call.count();
      for (const [, record] of poison) sandbox.store.insert({ ...record, created_at: at });

      const first = await syncToEnd(t);
      expect(first).toMatchObject({ status: 'succeeded', error: null });
      expect(first.counts.quarantined).toBe(poison.length);
      expect(await db.call.count()).toBe(stored);
      const quarantined = (await t.as(TEST_ADMIN_KEY).get('/v1/sync/quarantine?limit=100&resource=call').expect(200)).body.data as {
        upstream_id: string | null;
        reason: string;
        raw_text: string;
      }[];
      for (const [reason, record] of poison) {
        const entry = quarantined.find(
          (candidate) =>
            candidate.reason === reason &&
            (candidate.upstream_id === record['id'] ||
              (reason === 'invalid_id' && candidate.upstream_id === null) ||
              (reason === 'too_deep' && candidate.upstream_id === 'poison-deep')),
        );
        expect([reason, entry?.reason]).toEqual([reason, reason]);
      }
      // The original is kept losslessly as escaped text.
      const nul = quarantined.find((entry) => entry.upstream_id === 'poison-nul')!;
      expect((JSON.parse(nul.raw_text) as { notes: string }).notes).toBe('before\u0000after');

      const second = await syncToEnd(t);
      expect(second).toMatchObject({ status: 'succeeded' });
      expect(second.counts.quarantined).toBe(poison.length);
      expect(await db.quarantinedRecord.count()).toBe(poison.length);
    });

    it('quarantines a poison payment and keeps judging its call', async () => {
      const [payment] = sandbox.payments.all() as Record<string, unknown>[];
      sandbox.payments.update(payment['id'] as string, { refund_reason: 'typo\u0000' });
      const run = await syncToEnd(t);
      expect(run.status).toBe('succeeded');
      const quarantined = (await t.as(TEST_ADMIN_KEY).get('/v1/sync/quarantine?resource=payment').expect(200)).body.data;
      expect(quarantined).toEqual(
        expect.arrayContaining([expect.objectContaining({ upstream_id: payment['id'], reason: 'unstorable_text', field: 'refund_reason' })]),
      );
    });
  });
}
