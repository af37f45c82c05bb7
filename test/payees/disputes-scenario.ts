import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { allPages, closerPlan, runPeriod, StatementBody } from '../payouts/payouts-helpers';

const SEP = '2026-09';
const OCT = '2026-10';

/** product.md "Disputes": a rep questions a line; approval waits for finance's answer; on whichever database `env` names. */
export function disputesScenario(name: string, env: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>): void {
  describe(name, () => {
    let sandbox: AuraSandbox;
    let t: TestApp;
    let finance: string;
    let rep: string;
    let other: string;
    let statement: StatementBody;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      sandbox = await createAuraSandbox({ calls: 500, seed: 81, months: 2, endMonth: '2026-10', now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
      const database = await env();
      cleanup = database.cleanup;
      t = await startTestApp({ ...database.env, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
      finance = (await createKey(t, 'finance')).secret;
      expect((await syncToEnd(t)).status).toBe('succeeded');
      await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
      await runPeriod(t, finance, SEP);
      const [first, second] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${SEP}`);
      statement = (await t.as(finance).get(`/v1/statements/${first.id}`).expect(200)).body;
      rep = (await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'rep', role: 'payee', payee_id: first.payee_id }).expect(201)).body.secret;
      other = (await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'other rep', role: 'payee', payee_id: second.payee_id }).expect(201)).body.secret;
    }, 180_000);
    afterAll(async () => {
      await t?.close();
      await sandbox?.close();
      await cleanup?.();
    });

    it('blocks the approval of a disputed draft with a 409 naming the dispute; accepted with an adjustment, approval passes; the audit log shows the path', async () => {
      const line = statement.lines![0];
      const opened = await t
        .as(rep)
        .post('/v1/disputes')
        .send({ statement_id: statement.id, line_id: line.id, message: 'This deal closed at a higher value.' })
        .expect(201);
      expect(opened.body).toMatchObject({ status: 'open', statement_id: statement.id, line_id: line.id, payee_id: statement.payee_id, opened_role: 'payee' });
      // Another rep cannot see it or open one on this statement: 404, not 403.
      await t.as(other).get(`/v1/disputes/${opened.body.id}`).expect(404);
      await t.as(other).post('/v1/disputes').send({ statement_id: statement.id, message: 'x' }).expect(404);

      const refused = await t.as(finance).post(`/v1/statements/${statement.id}/approve`).send({}).expect(409);
      expect(refused.body.details).toEqual([expect.objectContaining({ dispute_id: opened.body.id })]);
      const periodRefused = await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(409);
      expect(periodRefused.body.error).toContain(opened.body.id);
      const view = (await t.as(rep).get(`/v1/statements/${statement.id}`).expect(200)).body;
      expect(view.disputes).toEqual([expect.objectContaining({ id: opened.body.id, status: 'open' })]);
      const html = (await t.as(rep).get(`/v1/statements/${statement.id}/document`).expect(200)).text;
      expect(html).toContain('This deal closed at a higher value.');

      const adjustment = await t
        .as(finance)
        .post('/v1/adjustments')
        .send({ payee_id: statement.payee_id, period: SEP, amount: '80.00', category: 'correction', reason: 'Deal value corrected after dispute' })
        .expect(201);
      await t
        .as(finance)
        .post(`/v1/disputes/${opened.body.id}/resolve`)
        .send({ resolution: 'rejected', note: 'x', adjustment_id: adjustment.body.id })
        .expect(400);
      const resolved = await t
        .as(finance)
        .post(`/v1/disputes/${opened.body.id}/resolve`)
        .send({ resolution: 'accepted', note: 'Corrected by 80.00', adjustment_id: adjustment.body.id })
        .expect(200);
      expect(resolved.body).toMatchObject({ status: 'accepted', adjustment_id: adjustment.body.id, resolution_note: 'Corrected by 80.00' });
      await t.as(finance).post(`/v1/disputes/${opened.body.id}/resolve`).send({ resolution: 'rejected', note: 'again' }).expect(409);
      await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
      expect((await t.as(rep).get(`/v1/statements/${statement.id}`).expect(200)).body.status).toBe('approved');

      const audit = (await t.as(TEST_ADMIN_KEY).get('/v1/audit?limit=100').expect(200)).body.data as { action: string; status_code: number }[];
      const path = audit.reverse().map((entry) => `${entry.action} ${entry.status_code}`);
      expect(path).toEqual(
        expect.arrayContaining([
          'POST /v1/disputes 201',
          'POST /v1/statements/:id/approve 409',
          'POST /v1/periods/:period/approve 409',
          'POST /v1/adjustments 201',
          'POST /v1/disputes/:id/resolve 200',
          'POST /v1/periods/:period/approve 200',
        ]),
      );
      const order = [
        'POST /v1/disputes 201',
        'POST /v1/periods/:period/approve 409',
        'POST /v1/disputes/:id/resolve 200',
        'POST /v1/periods/:period/approve 200',
      ].map((step) => path.indexOf(step));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    it('lets finance override an open dispute on purpose, and lists disputes by status and payee', async () => {
      await runPeriod(t, finance, OCT);
      const [, second] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${OCT}&status=draft`);
      const opened = await t.as(finance).post('/v1/disputes').send({ statement_id: second.id, message: 'Checking the setter split' }).expect(201);
      await t.as(finance).post(`/v1/statements/${second.id}/approve`).send({ override_disputes: 'yes' }).expect(400);
      await t.as(finance).post(`/v1/statements/${second.id}/approve`).send({ override_disputes: true }).expect(200);
      const open = (await t.as(finance).get(`/v1/disputes?status=open&payee_id=${second.payee_id}&period=${OCT}`).expect(200)).body.data;
      expect(open.map((dispute: { id: string }) => dispute.id)).toEqual([opened.body.id]);
      expect(
        (await t.as(rep).get('/v1/disputes').expect(200)).body.data.every((dispute: { payee_id: string }) => dispute.payee_id === statement.payee_id),
      ).toBe(true);
      await t.as(rep).post(`/v1/disputes/${opened.body.id}/resolve`).send({ resolution: 'accepted', note: 'x' }).expect(403);
    });

    it('keeps what settled a dispute, reads ids and text as a person means them, and bounds the open disputes of one statement', async () => {
      const [draft] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${OCT}&status=draft`);
      const view = (await t.as(finance).get(`/v1/statements/${draft.id}`).expect(200)).body as StatementBody;
      // An uppercase line id is the same line.
      const upper = await t
        .as(finance)
        .post('/v1/disputes')
        .send({ statement_id: draft.id, line_id: view.lines![0].id.toUpperCase(), message: '  Split looks off  ' })
        .expect(201);
      expect(upper.body).toMatchObject({ line_id: view.lines![0].id, message: 'Split looks off' });
      // 2,000 characters once trimmed fit; nothing but invisible marks is blank.
      await t
        .as(finance)
        .post('/v1/disputes')
        .send({ statement_id: draft.id, message: ` ${'y'.repeat(2000)} ` })
        .expect(201);
      const blank = await t.as(finance).post('/v1/disputes').send({ statement_id: draft.id, message: '\u00a0\u200b\u202e' }).expect(400);
      expect(blank.body.details).toEqual([expect.objectContaining({ field: 'message' })]);

      // The adjustment that settles an accepted dispute cannot be deleted from under it.
      const adjustment = await t
        .as(finance)
        .post('/v1/adjustments')
        .send({ payee_id: draft.payee_id, period: OCT, amount: '12.00', category: 'correction', reason: 'Split corrected' })
        .expect(201);
      await t
        .as(finance)
        .post(`/v1/disputes/${upper.body.id}/resolve`)
        .send({ resolution: 'accepted', note: 'Corrected', adjustment_id: adjustment.body.id })
        .expect(200);
      const kept = await t.as(finance).delete(`/v1/adjustments/${adjustment.body.id}`).expect(409);
      expect(kept.body.error).toContain(upper.body.id);
      // A second answer is a 409 whatever it carries.
      await t
        .as(finance)
        .post(`/v1/disputes/${upper.body.id}/resolve`)
        .send({ resolution: 'accepted', note: 'again', adjustment_id: '00000000-0000-4000-8000-000000000000' })
        .expect(409);

      const openNow = (await t.as(finance).get(`/v1/disputes?status=open&payee_id=${draft.payee_id}&period=${OCT}`).expect(200)).body.data.length;
      for (let index = openNow; index < 20; index++)
        await t
          .as(finance)
          .post('/v1/disputes')
          .send({ statement_id: draft.id, message: `question ${index}` })
          .expect(201);
      const full = await t.as(finance).post('/v1/disputes').send({ statement_id: draft.id, message: 'one too many' }).expect(409);
      expect(full.body.error).toContain('20 open disputes');
    });

    it('never lets an approval and a dispute opened at the same moment cross: the approval sees the dispute, or the dispute lands after it', async () => {
      const NOV = '2026-11';
      // Eight payees' November drafts, made by finance's own entries.
      const payees = (await allPages<StatementBody>(t, finance, `/v1/statements?period=${SEP}`))
        .map((entry) => entry.payee_id)
        .filter((id, index, all) => all.indexOf(id) === index)
        .slice(0, 8);
      for (const payeeId of payees)
        await t
          .as(finance)
          .post('/v1/adjustments')
          .send({ payee_id: payeeId, period: NOV, amount: '25.00', category: 'spiff', reason: 'November spiff' })
          .expect(201);
      const drafts = await allPages<StatementBody>(t, finance, `/v1/statements?period=${NOV}&status=draft`);
      expect(drafts.length).toBe(8);
      const [approval, ...opened] = await Promise.all([
        t.as(finance).post(`/v1/periods/${NOV}/approve`).send({}),
        ...drafts.map((draft) => t.as(finance).post('/v1/disputes').send({ statement_id: draft.id, message: 'at the same moment' })),
      ]);
      expect(opened.every((response) => response.status === 201)).toBe(true);
      if (approval.status === 409) return; // it saw at least one of them: nothing was approved
      expect(approval.status).toBe(200);
      for (const response of opened) {
        const target = (await t.as(finance).get(`/v1/statements/${response.body.statement_id}`).expect(200)).body as StatementBody & {
          approved_at: string | null;
        };
        // Approved anyway: only because the dispute came after the approval committed.
        if (target.status === 'approved') expect(new Date(response.body.opened_at).getTime()).toBeGreaterThanOrEqual(new Date(target.approved_at!).getTime());
      }
    });
  });
}
