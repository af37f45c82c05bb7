import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';
import { allPages, closerPlan, parseCsv, runPeriod, statementsOf } from '../payouts/payouts-helpers';

const SEP = '2026-09';
const OCT = '2026-10';

interface PayeeBody {
  id: string;
  name: string | null;
  employee_id: string | null;
  payroll_code: string | null;
  listed_upstream: boolean;
  history?: { source: string; name: string | null }[];
}

/** product.md "Payees": the directory from Aura's team, payroll ids from finance, names on statements and exports. */
describe('payees (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let payroll: string;

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 900, seed: 52, months: 2, endMonth: OCT, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, CLAWBACK_WINDOW_DAYS: '3650' });
    finance = (await createKey(t, 'finance')).secret;
    payroll = (await createKey(t, 'payroll')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it("lists Aura's team with names; people Aura does not list are paid with no name and a run warning", async () => {
    const payees = await allPages<PayeeBody>(t, finance, '/v1/payees');
    const listed = (sandbox.team.all() as { id: string; name: string }[]).map((member) => member.id).sort();
    expect(payees.map((payee) => payee.id).sort()).toEqual(listed);
    expect(payees.every((payee) => payee.name && payee.listed_upstream)).toBe(true);
    const run = await runPeriod(t, finance, SEP);
    const statements = await statementsOf(t, finance, SEP);
    const unknown = statements.filter((statement) => sandbox.dataset.teamMissing.includes(statement.payee_id));
    expect(unknown.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const member = (sandbox.team.all() as { id: string; name: string }[]).find((entry) => entry.id === statement.payee_id);
      expect([statement.payee_id, (statement as unknown as { payee_name: string | null }).payee_name]).toEqual([statement.payee_id, member?.name ?? null]);
    }
    expect(
      run.warnings
        .filter((warning) => warning.code === 'unknown_payee')
        .map((warning) => warning['payee_id'])
        .sort(),
    ).toEqual(unknown.map((statement) => statement.payee_id).sort());
  });

  it("shows a rename in Aura on the next sync, in views, documents and the next export, without changing an approved statement's hash", async () => {
    await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
    const [approved] = (await statementsOf(t, finance, SEP)).filter((statement) => !sandbox.dataset.teamMissing.includes(statement.payee_id));
    sandbox.renameTeamMember(approved.payee_id, 'Renée Renamed-Whitfield');
    expect((await syncToEnd(t)).status).toBe('succeeded');
    const after = (await statementsOf(t, finance, SEP)).find((statement) => statement.id === approved.id)!;
    expect(after.hash).toBe(approved.hash);
    expect((after as unknown as { payee_name: string }).payee_name).toBe('Renée Renamed-Whitfield');
    const document = (await t.as(finance).get(`/v1/statements/${approved.id}/document`).expect(200)).text;
    expect(document).toContain('Renée Renamed-Whitfield');
    const payee = (await t.as(finance).get(`/v1/payees/${approved.payee_id}`).expect(200)).body as PayeeBody;
    expect(payee.history).toEqual([expect.objectContaining({ source: 'aura', name: expect.any(String) })]);
    const rows = (await t.as(payroll).get(`/v1/payroll/exports/${SEP}`).expect(200)).body.rows as { payee_id: string; payee_name: string }[];
    expect(rows.find((row) => row.payee_id === approved.payee_id)!.payee_name).toBe('Renée Renamed-Whitfield');
  });

  it('maps payees to payroll (finance only, fields validated) and exports them in the documented columns, readable by a strict CSV parser', async () => {
    const [first, second] = (await statementsOf(t, finance, SEP)).map((statement) => statement.payee_id);
    await t.as(finance).put(`/v1/payees/${first}`).send({ employee_id: 'E-10442', payroll_code: 'COMM-SALES' }).expect(200);
    await t.as(finance).put(`/v1/payees/${second}`).send({ employee_id: 'E-2,"quoted"', payroll_code: null }).expect(400);
    await t.as(finance).put(`/v1/payees/${second}`).send({ employee_id: '=cmd', payroll_code: null }).expect(400);
    await t.as(finance).put(`/v1/payees/${second}`).send({ employee_id: 'E-7' }).expect(400);
    await t.as(payroll).put(`/v1/payees/${first}`).send({ employee_id: 'X', payroll_code: 'Y' }).expect(403);
    await t.as(finance).put('/v1/payees/not-a-person').send({ employee_id: 'X', payroll_code: 'Y' }).expect(400);
    const csv = parseCsv((await t.as(payroll).get(`/v1/payroll/exports/${SEP}?format=csv`).expect(200)).text);
    expect(csv[0]).toEqual([
      'statement_id',
      'payee_id',
      'payee_name',
      'employee_id',
      'payroll_code',
      'period',
      'currency',
      'commission_total',
      'adjustment_total',
      'total',
      'status',
      'approved_at',
      'statement_hash',
    ]);
    const row = csv.find((cells) => cells[1] === first)!;
    expect(row.slice(3, 5)).toEqual(['E-10442', 'COMM-SALES']);
    expect(csv.slice(1).every((cells) => cells.length === csv[0].length)).toBe(true);
    // Each change keeps the values it replaced, with who changed them.
    await t.as(finance).put(`/v1/payees/${first}`).send({ employee_id: 'E-10443', payroll_code: 'COMM-SALES' }).expect(200);
    const history = (
      (await t.as(finance).get(`/v1/payees/${first}`).expect(200)).body as {
        history: { source: string; employee_id: string | null; changed_by: string | null }[];
      }
    ).history;
    expect(history.filter((entry) => entry.source === 'finance').map((entry) => entry.employee_id)).toEqual(['E-10442', null]);
    expect(history.every((entry) => entry.source !== 'finance' || entry.changed_by)).toBe(true);
  });
});
