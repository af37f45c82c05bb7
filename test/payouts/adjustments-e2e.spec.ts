import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { Decimal } from '@app/commission-engine';
import { DatabaseService } from '@app/persistence';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { closerPlan, csvRecords, expectConsistent, parseCsv, runPeriod, statementsOf } from './payouts-helpers';

const SEP = '2026-09';
const OCT = '2026-10';
const NOV = '2026-11';

async function setUp(env: Record<string, string> = {}): Promise<{ sandbox: AuraSandbox; t: TestApp; finance: string; payroll: string }> {
  const sandbox = await createAuraSandbox({ calls: 1_200, seed: 44, months: 3, endMonth: NOV, now: '2026-12-15T00:00:00Z', rateLimit: { perMinute: null } });
  const t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, CLAWBACK_WINDOW_DAYS: '3650', ...env });
  const finance = (await createKey(t, 'finance')).secret;
  const payroll = (await createKey(t, 'payroll')).secret;
  expect((await syncToEnd(t)).status).toBe('succeeded');
  await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
  return { sandbox, t, finance, payroll };
}

/** product.md "Manual adjustments, balances": finance's own lines, end to end on embedded PGlite. */
describe('manual adjustments (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let payroll: string;
  beforeAll(async () => ({ sandbox, t, finance, payroll } = await setUp()), 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });
  const statementOf = async (payeeId: string, period: string) => (await statementsOf(t, finance, period)).find((statement) => statement.payee_id === payeeId)!;

  let bonusId: string;
  let payeeId: string;
  it('puts a bonus on the draft as a manual line with its category, reason and author, in the total and the hash', async () => {
    await runPeriod(t, finance, SEP);
    const before = (await statementsOf(t, finance, SEP))[0];
    payeeId = before.payee_id;
    const created = await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: payeeId, period: SEP, amount: '250.00', category: 'bonus', reason: 'Top closer of September' })
      .expect(201);
    bonusId = created.body.id;
    expect(created.body).toMatchObject({ payee_id: payeeId, period: SEP, amount: '250.00', category: 'bonus', statement_id: before.id });
    const after = await statementOf(payeeId, SEP);
    expect(new Decimal(after.total).minus(before.total).toFixed(2)).toBe('250.00');
    expect(after.hash).not.toBe(before.hash);
    expect(after.version).toBe(before.version + 1);
    const manual = after.lines!.find((line) => line.kind === 'manual')!;
    expect(manual).toMatchObject({ id: created.body.line_id, amount: '250.00', call_id: null, role: null });
    expect(manual.explanation).toMatchObject({
      kind: 'manual',
      category: 'bonus',
      reason: 'Top closer of September',
      created_by: expect.any(String),
      sentence: expect.stringContaining('Bonus'),
    });
    expectConsistent(after);
  });

  it('keeps the manual line byte for byte through a rerun of the period', async () => {
    const before = await statementOf(payeeId, SEP);
    await runPeriod(t, finance, SEP);
    const after = await statementOf(payeeId, SEP);
    expect(after.hash).toBe(before.hash);
    expect(after.lines!.filter((line) => line.kind === 'manual')).toEqual(before.lines!.filter((line) => line.kind === 'manual'));
  });

  it('freezes it with the approval, sends it to payroll in the export, and refuses a new one on the approved statement (409)', async () => {
    await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
    const approved = await statementOf(payeeId, SEP);
    const csv = csvRecords(parseCsv((await t.as(payroll).get(`/v1/payroll/exports/${SEP}?format=csv`).expect(200)).text));
    expect(csv.find((row) => row.payee_id === payeeId)!.total).toBe(approved.total);
    const refused = await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: payeeId, period: SEP, amount: '10.00', category: 'spiff', reason: 'Late SPIFF' })
      .expect(409);
    expect(refused.body.details).toEqual([expect.objectContaining({ statement_id: approved.id, status: 'approved' })]);
    await t.as(finance).delete(`/v1/adjustments/${bonusId}`).expect(409);
    await runPeriod(t, finance, OCT);
    expect((await statementOf(payeeId, SEP)).hash).toBe(approved.hash);
  });

  it('lets a draft adjustment be deleted, restating the statement without it', async () => {
    const october = (await statementsOf(t, finance, OCT))[0];
    const created = await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: october.payee_id, period: OCT, amount: '-40.00', category: 'draw', reason: 'Draw recovered' })
      .expect(201);
    expect((await statementOf(october.payee_id, OCT)).total).toBe(new Decimal(october.total).minus(40).toFixed(2));
    await t.as(finance).delete(`/v1/adjustments/${created.body.id}`).expect(200);
    const restated = await statementOf(october.payee_id, OCT);
    expect(restated.total).toBe(october.total);
    expect(restated.hash).toBe(october.hash);
    const listed = (await t.as(finance).get(`/v1/adjustments?period=${OCT}&category=draw`).expect(200)).body.data;
    expect(listed).toEqual([expect.objectContaining({ id: created.body.id, deleted_at: expect.any(String) })]);
  });

  it('creates the draft when the payee has none yet, and payroll cannot add one', async () => {
    const created = await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: 'user_2onlybonus', period: NOV, amount: '99.99', category: 'spiff', reason: 'Referral SPIFF' })
      .expect(201);
    const statement = await statementOf('user_2onlybonus', NOV);
    expect(statement).toMatchObject({ id: created.body.statement_id, status: 'draft', total: '99.99' });
    await t.as(payroll).post('/v1/adjustments').send({ payee_id: 'user_2x', period: NOV, amount: '1.00', category: 'bonus', reason: 'x' }).expect(403);
  });

  it.each([
    ['amount', { amount: 250.5 }],
    ['amount', { amount: '12.345' }],
    ['amount', { amount: '0' }],
    ['amount', { amount: '-0.00' }],
    ['amount', { amount: '1e3' }],
    ['reason', { reason: undefined }],
    ['reason', { reason: '   ' }],
    ['category', { category: 'tip' }],
    ['period', { period: '2026-13' }],
    ['payee_id', { payee_id: '=HYPERLINK("x")' }],
  ])('refuses a bad %s with a 400 naming it, writing nothing', async (field, change) => {
    const db = t.app.get(DatabaseService).client;
    const counts = async () => [await db.manualAdjustment.count(), await db.statement.count(), await db.statementLine.count()];
    const before = await counts();
    const body = { payee_id: payeeId, period: NOV, amount: '10.00', category: 'bonus', reason: 'ok', ...change };
    const refused = await t.as(finance).post('/v1/adjustments').send(body).expect(400);
    expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await counts()).toEqual(before);
  });
});

/** product.md "Negative balances": clawbacks beyond a month's earnings, under each NEGATIVE_BALANCE. */
describe.each([['carry_forward'], ['allow']])('negative balances with NEGATIVE_BALANCE=%s (embedded PGlite)', (mode) => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let payroll: string;
  beforeAll(async () => ({ sandbox, t, finance, payroll } = await setUp({ NEGATIVE_BALANCE: mode })), 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it(
    mode === 'carry_forward'
      ? 'gives October a total of 0.00 when its clawbacks exceed its earnings, and opens November with the remainder'
      : 'leaves October negative, with no carry lines',
    async () => {
      await runPeriod(t, finance, SEP);
      await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
      const september = await statementsOf(t, finance, SEP);
      // A closer with calls in November too, whose September and October calls all fall through.
      const calls = sandbox.store.all() as { id: string; closer_id: string; ended_at: string | null; status?: string }[];
      const monthOf = (call: { ended_at: string | null }) => call.ended_at?.slice(0, 7) ?? null;
      const payee = september
        .filter((statement) => calls.some((call) => call.closer_id === statement.payee_id && monthOf(call) === NOV && call.status === 'closed'))
        .sort((a, b) => new Decimal(b.total).comparedTo(a.total))[0];
      for (const call of calls.filter((entry) => entry.closer_id === payee.payee_id && (monthOf(entry) === SEP || monthOf(entry) === OCT))) {
        sandbox.store.update(call.id, { status: 'no_show' });
      }
      expect((await syncToEnd(t)).status).toBe('succeeded');
      await runPeriod(t, finance, OCT);
      const october = (await statementsOf(t, finance, OCT)).find((statement) => statement.payee_id === payee.payee_id)!;
      expectConsistent(october);
      const carry = october.lines!.filter((line) => line.kind === 'carry_forward');
      if (mode === 'allow') {
        expect(october.total).toBe(new Decimal(payee.total).neg().toFixed(2));
        expect(carry).toEqual([]);
        return;
      }
      expect(october.total).toBe('0.00');
      expect(carry).toEqual([expect.objectContaining({ amount: payee.total })]);
      await t.as(finance).post(`/v1/periods/${OCT}/approve`).send({}).expect(200);
      const balance = (await t.as(finance).get(`/v1/payees/${payee.payee_id}/balance`).expect(200)).body;
      expect(balance).toMatchObject({ to_recover: new Decimal(payee.total).neg().toFixed(2), carried: [expect.objectContaining({ period: OCT })] });

      await runPeriod(t, finance, NOV);
      const november = (await statementsOf(t, finance, NOV)).find((statement) => statement.payee_id === payee.payee_id)!;
      const carriedIn = november.lines!.find((line) => line.kind === 'carried_in')!;
      expect(carriedIn).toMatchObject({ amount: new Decimal(payee.total).neg().toFixed(2), adjusts_line_id: carry[0].id });
      expect(carry[0].adjusts_line_id).toBe(carriedIn.id);
      expect(new Decimal(november.total).isNegative()).toBe(false);
      await t.as(finance).post(`/v1/periods/${NOV}/approve`).send({}).expect(200);
      for (const period of [SEP, OCT, NOV]) {
        const rows = (await t.as(payroll).get(`/v1/payroll/exports/${period}`).expect(200)).body.rows as { total: string }[];
        expect(rows.every((row) => !new Decimal(row.total).isNegative())).toBe(true);
      }
    },
  );
});

describe('a carried balance ties the statements it joins (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  beforeAll(async () => ({ sandbox, t, finance } = await setUp()), 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('refuses to reopen a statement whose carried balance a later statement has taken in', async () => {
    await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: 'user_2drawonly', period: SEP, amount: '-100.00', category: 'draw', reason: 'Advance' })
      .expect(201);
    await t.as(finance).post(`/v1/periods/${SEP}/approve`).send({}).expect(200);
    const september = (await statementsOf(t, finance, SEP)).find((statement) => statement.payee_id === 'user_2drawonly')!;
    expect(september.total).toBe('0.00');
    await t
      .as(finance)
      .post('/v1/adjustments')
      .send({ payee_id: 'user_2drawonly', period: OCT, amount: '500.00', category: 'bonus', reason: 'Bonus' })
      .expect(201);
    const october = (await statementsOf(t, finance, OCT)).find((statement) => statement.payee_id === 'user_2drawonly')!;
    expect(october.total).toBe('400.00');
    await t.as(finance).post(`/v1/periods/${OCT}/approve`).send({}).expect(200);
    const refused = await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${september.id}/reopen`).send({}).expect(409);
    expect(refused.body.details).toEqual([expect.objectContaining({ carried_into_statement_id: october.id })]);
    expect((await t.as(finance).get('/v1/payees/user_2drawonly/balance').expect(200)).body.to_recover).toBe('0.00');
  });
});
