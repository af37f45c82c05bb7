import { PlansReader } from '@app/plans';
import { DatabaseService } from '@app/persistence';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/**
 * Plans over HTTP on embedded PGlite: one app for the file. Each block works
 * in its own calendar year (or with its own payees) so that the plans one
 * block creates never tie with, or pay the calls of, another block.
 */
type PlanJson = Record<string, unknown>;

function planJson(year: number, overrides: PlanJson = {}): PlanJson {
  return {
    name: `Plan ${year}`,
    effective_from: `${year}-01-01`,
    effective_to: `${year + 1}-01-01`,
    payees: null,
    priority: 0,
    self_set: 'closer_only',
    missing_setter: 'none',
    roles: { closer: { rate: '0.10' } },
    ...overrides,
  };
}

describe('plans API (embedded PGlite)', () => {
  let t: TestApp;
  let finance: string;
  let payroll: string;

  beforeAll(async () => {
    t = await startTestApp();
    finance = (await createKey(t, 'finance')).secret;
    payroll = (await createKey(t, 'payroll')).secret;
  });
  afterAll(() => t.close());

  const create = (body: unknown) =>
    t
      .as(finance)
      .post('/v1/plans')
      .send(body as object);
  const fieldsOf = (body: { details: { field: string }[] }) => body.details.map((problem) => problem.field);

  describe('creating and reading', () => {
    const example = {
      name: 'Closers and setters 2026',
      effective_from: '2026-01-01',
      effective_to: '2027-01-01',
      payees: null,
      priority: 0,
      self_set: 'closer_only',
      missing_setter: 'none',
      roles: {
        closer: {
          rate: '0.10',
          flat: '0',
          tiers: {
            basis: 'amount',
            mode: 'marginal',
            steps: [
              { from: '0', rate: '0.10' },
              { from: '15000', rate: '0.12' },
            ],
          },
          rules: [{ when: { product_id: ['prod_1'], utm_source: ['google'] }, rate: '0.15' }],
          min_per_call: null,
          max_per_call: '2500',
          max_per_period: null,
        },
        setter: { flat: '100' },
      },
    };

    it('stores the plan of product.md and GET returns exactly what POST answered, decimals as sent', async () => {
      const created = await create(example).expect(201);
      expect(created.body).toMatchObject({ ...example, id: expect.any(String), created_by: expect.any(String) });
      expect(created.body.roles.closer.tiers.steps).toEqual([
        { from: '0', rate: '0.10' },
        { from: '15000', rate: '0.12' },
      ]);
      expect(created.body.roles.setter).toEqual({ flat: '100', min_per_call: null, max_per_call: null, max_per_period: null });
      expect(Date.parse(created.body.created_at)).not.toBeNaN();
      const fetched = await t.as(finance).get(`/v1/plans/${created.body.id}`).expect(200);
      expect(fetched.body).toEqual(created.body);
      const listed = await t.as(finance).get('/v1/plans?limit=100').expect(200);
      expect(listed.body.data).toContainEqual(created.body);
    });

    it('gives other contexts every plan in the engine shape through PlansReader', async () => {
      const plans = await t.app.get(PlansReader).allPlans();
      const stored = plans.find((plan) => plan.name === example.name);
      expect(stored).toEqual({ ...example, id: expect.any(String), roles: expect.objectContaining({ setter: expect.objectContaining({ flat: '100' }) }) });
      const order = plans.map((plan) => `${plan.effective_from} ${plan.id}`);
      expect(order).toEqual([...order].sort());
    });

    it('fills the documented defaults (priority 0, closer_only, none) when they are left out', async () => {
      const created = await create({
        name: 'Defaults 2019',
        effective_from: '2019-01-01',
        effective_to: '2019-02-01',
        roles: { closer: { rate: '0.05' } },
      }).expect(201);
      expect(created.body).toMatchObject({ payees: null, priority: 0, self_set: 'closer_only', missing_setter: 'none', effective_to: '2019-02-01' });
    });

    it('answers 404 for an unknown plan and 400 for an id that is not a UUID', async () => {
      const missing = await t.as(finance).get('/v1/plans/00000000-0000-4000-8000-000000000000').expect(404);
      expect(missing.body.code).toBe('NOT_FOUND');
      const bad = await t.as(finance).get('/v1/plans/nope').expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    });

    it('replays a creation sent twice with the same Idempotency-Key and stores one plan', async () => {
      const body = planJson(2018, { name: 'Idempotent 2018' });
      const first = await create(body).set('Idempotency-Key', 'plan-2018').expect(201);
      const again = await t.as(finance).post('/v1/plans').set('Idempotency-Key', 'plan-2018').send(body).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const all = await t.app.get(PlansReader).allPlans();
      expect(all.filter((plan) => plan.name === 'Idempotent 2018')).toHaveLength(1);
    });
  });

  describe('validation', () => {
    it.each<[string, PlanJson, string, RegExp]>([
      ['a rate sent as a JSON number', { roles: { closer: { rate: 0.1 } } }, 'roles.closer.rate', /decimal string.*not a JSON number/],
      ['a rate above 1', { roles: { closer: { rate: '1.5' } } }, 'roles.closer.rate', /between 0 and 1/],
      ['a negative flat amount', { roles: { setter: { flat: '-5' } } }, 'roles.setter.flat', /0 or more/],
      [
        'tiers not starting at 0',
        { roles: { closer: { tiers: { basis: 'amount', mode: 'marginal', steps: [{ from: '100', rate: '0.1' }] } } } },
        'roles.closer.tiers.steps[0].from',
        /first step must start at "0"/,
      ],
      [
        'tiers not strictly ascending',
        {
          roles: {
            closer: {
              tiers: {
                basis: 'amount',
                mode: 'marginal',
                steps: [
                  { from: '0', rate: '0.1' },
                  { from: '0', rate: '0.2' },
                ],
              },
            },
          },
        },
        'roles.closer.tiers.steps[1].from',
        /strictly ascending/,
      ],
      ['an unknown role', { roles: { closer: { rate: '0.1' }, manager: { rate: '0.1' } } }, 'roles.manager', /unknown role "manager"/],
      [
        'an unknown match field',
        { roles: { closer: { rate: '0.1', rules: [{ when: { colour: ['red'] }, rate: '0.2' }] } } },
        'roles.closer.rules[0].when.colour',
        /unknown match field "colour"/,
      ],
      ['effective_to before effective_from', { effective_from: '2026-05-01', effective_to: '2026-04-01' }, 'effective_to', /after effective_from/],
      ['an unknown key', { colour: 'red' }, 'colour', /unknown field "colour"/],
      ['a date that is no calendar day', { effective_from: '2026-02-30' }, 'effective_from', /not a calendar date/],
      ['an unknown self_set', { self_set: 'sometimes' }, 'self_set', /one of "closer_only", "both"/],
    ])('refuses %s with a 400 naming the field', async (_, overrides, field, message) => {
      const response = await create(planJson(2026, overrides)).expect(400);
      expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
      expect(response.body.details).toEqual([{ field, message: expect.stringMatching(message) }]);
      expect(response.body.error).toContain(field);
    });

    it('lists every bad field of one body, each with its own message', async () => {
      const response = await create({
        name: 'Broken',
        effective_from: '2026-05-01',
        effective_to: '2026-04-01',
        colour: 'red',
        roles: {
          closer: {
            rate: '1.5',
            flat: 100,
            tiers: {
              basis: 'amount',
              mode: 'marginal',
              steps: [
                { from: '100', rate: '0.1' },
                { from: '50', rate: '0.2' },
              ],
            },
            rules: [{ when: { colour: ['red'] }, rate: '0.2' }],
          },
          manager: { rate: '0.1' },
        },
      }).expect(400);
      expect(fieldsOf(response.body).sort()).toEqual(
        [
          'colour',
          'effective_to',
          'roles.closer.flat',
          'roles.closer.rate',
          'roles.closer.rules[0].when.colour',
          'roles.closer.tiers.steps[0].from',
          'roles.closer.tiers.steps[1].from',
          'roles.manager',
        ].sort(),
      );
      for (const problem of response.body.details) expect(problem.message).toEqual(expect.any(String));
    });

    it('names the body when it is not a plan object at all', async () => {
      const response = await create([1, 2]).expect(400);
      expect(response.body.details).toEqual([{ field: 'body', message: expect.stringMatching(/JSON object/) }]);
    });

    it('stores nothing when it refuses a plan', async () => {
      const before = (await t.app.get(PlansReader).allPlans()).length;
      await create(planJson(2026, { roles: { closer: { rate: 2 } } })).expect(400);
      expect(await t.app.get(PlansReader).allPlans()).toHaveLength(before);
    });
  });

  describe('ties', () => {
    let closers2021: { id: string; name: string };

    beforeAll(async () => {
      closers2021 = (await create(planJson(2021, { name: 'Closers 2021', effective_to: '2021-07-01' })).expect(201)).body;
    });

    it('refuses with 409 a default plan that overlaps another default plan of the same priority, naming it', async () => {
      const response = await create(planJson(2021, { name: 'Overlap', effective_from: '2021-03-01', effective_to: '2021-04-01' })).expect(409);
      expect(response.body.code).toBe('CONFLICT');
      expect(response.body.error).toContain(`plan 'Closers 2021' (id ${closers2021.id})`);
      expect(response.body.error).toMatch(/on 2021-03-01 as closer; give it another priority or window/);
      expect(response.body.details).toEqual([
        expect.objectContaining({
          conflicting_plan_id: closers2021.id,
          conflicting_plan_name: 'Closers 2021',
          role: 'closer',
          payee_id: null,
          overlap_from: '2021-03-01',
        }),
      ]);
    });

    it('accepts a plan starting the day the other ends (effective_to is exclusive)', async () => {
      await create(planJson(2021, { name: 'Second half 2021', effective_from: '2021-07-01' })).expect(201);
    });

    it('accepts a payee-specific plan over a default one: naming the payee always wins', async () => {
      await create(planJson(2021, { name: 'User X 2021', payees: ['user_x'] })).expect(201);
    });

    it('refuses a second plan naming the same payee at the same priority, naming payee and plan', async () => {
      const first = await t.app.get(PlansReader).allPlans();
      const userX = first.find((plan) => plan.name === 'User X 2021')!;
      const response = await create(planJson(2021, { name: 'Team 2021', payees: ['user_y', 'user_x'], effective_from: '2021-03-01' })).expect(409);
      expect(response.body.error).toBe(
        `Plan would tie with plan 'User X 2021' (id ${userX.id}) for payee user_x on 2021-03-01 as closer; give it another priority or window`,
      );
      expect(response.body.details[0]).toMatchObject({ conflicting_plan_id: userX.id, payee_id: 'user_x' });
    });

    it('accepts an overlapping plan of another priority', async () => {
      await create(planJson(2021, { name: 'Priority 5 2021', priority: 5 })).expect(201);
    });

    it('accepts an overlapping plan that pays another role only', async () => {
      await create(planJson(2021, { name: 'Setters 2021', roles: { setter: { flat: '50' } } })).expect(201);
    });
  });

  describe('ending a plan (PATCH)', () => {
    let id: string;

    beforeAll(async () => {
      id = (await create(planJson(2023, { name: 'Open-ended 2023', effective_to: null, payees: ['patch_payee'] })).expect(201)).body.id;
    });

    it('sets an end on an open-ended plan and GET shows it', async () => {
      const patched = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2024-01-01' }).expect(200);
      expect(patched.body).toMatchObject({ id, effective_to: '2024-01-01', name: 'Open-ended 2023' });
      expect((await t.as(finance).get(`/v1/plans/${id}`).expect(200)).body.effective_to).toBe('2024-01-01');
    });

    it('ends it earlier, and the plan other contexts read ends then too', async () => {
      await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-06-01' }).expect(200);
      const plan = (await t.app.get(PlansReader).allPlans()).find((candidate) => candidate.id === id);
      expect(plan).toMatchObject({ effective_to: '2023-06-01', roles: { closer: { rate: '0.10' } } });
    });

    it('changes nothing when sent the end it already has', async () => {
      const same = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-06-01' }).expect(200);
      expect(same.body.effective_to).toBe('2023-06-01');
    });

    it('refuses to lengthen it, to remove its end, or to end it on or before its start', async () => {
      const longer = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-09-01' }).expect(400);
      expect(longer.body.details).toEqual([{ field: 'effective_to', message: expect.stringMatching(/only be moved earlier.*2023-06-01/) }]);
      const removed = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: null }).expect(400);
      expect(fieldsOf(removed.body)).toEqual(['effective_to']);
      const early = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-01-01' }).expect(400);
      expect(early.body.details).toEqual([{ field: 'effective_to', message: expect.stringMatching(/after effective_from \(2023-01-01\)/) }]);
      const notADate = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-13-01' }).expect(400);
      expect(fieldsOf(notADate.body)).toEqual(['effective_to']);
      expect((await t.as(finance).get(`/v1/plans/${id}`).expect(200)).body.effective_to).toBe('2023-06-01');
    });

    it('refuses any other field by name as immutable', async () => {
      const response = await t.as(finance).patch(`/v1/plans/${id}`).send({ effective_to: '2023-05-01', name: 'Renamed', roles: {} }).expect(400);
      expect(response.body.details).toEqual([
        { field: 'name', message: expect.stringMatching(/immutable.*a change of terms is a new plan/) },
        { field: 'roles', message: expect.stringMatching(/immutable/) },
      ]);
      expect((await t.as(finance).get(`/v1/plans/${id}`).expect(200)).body).toMatchObject({ name: 'Open-ended 2023', effective_to: '2023-06-01' });
    });

    it('answers 404 for an unknown plan', async () => {
      const response = await t.as(finance).patch('/v1/plans/00000000-0000-4000-8000-000000000000').send({ effective_to: '2023-05-01' }).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it('writes each change to the audit log', async () => {
      const audit = await t.as(TEST_ADMIN_KEY).get(`/v1/audit?resource_type=plan&resource_id=${id}`).expect(200);
      const actions = audit.body.data.map((entry: { action: string; status_code: number }) => `${entry.action} ${entry.status_code}`);
      expect(actions).toEqual(expect.arrayContaining(['PATCH /v1/plans/:id 200', 'PATCH /v1/plans/:id 400', 'POST /v1/plans 201']));
    });
  });

  describe('listing', () => {
    let everyone: string;
    let p1: string;
    let p2: string;

    beforeAll(async () => {
      everyone = (await create(planJson(2024, { name: 'Default H1 2024', effective_to: '2024-07-01' })).expect(201)).body.id;
      p1 = (await create(planJson(2024, { name: 'P1 2024', effective_from: '2024-03-01', payees: ['filter_p1'] })).expect(201)).body.id;
      p2 = (await create(planJson(2024, { name: 'P2 Jan 2024', effective_to: '2024-02-01', payees: ['filter_p2'] })).expect(201)).body.id;
    });

    const ids = (body: { data: { id: string }[] }) => body.data.map((plan) => plan.id);

    it('filters by active_on: plans whose window holds the day', async () => {
      expect(ids((await t.as(finance).get('/v1/plans?active_on=2024-03-15').expect(200)).body)).toEqual([everyone, p1]);
      // Same effective_from: by id.
      expect(ids((await t.as(finance).get('/v1/plans?active_on=2024-01-31').expect(200)).body)).toEqual([everyone, p2].sort());
      expect(ids((await t.as(finance).get('/v1/plans?active_on=2024-07-01').expect(200)).body)).toEqual([p1]);
    });

    it('filters by payee_id: plans naming the payee and default plans', async () => {
      const listed = (await t.as(finance).get('/v1/plans?payee_id=filter_p1&limit=100').expect(200)).body;
      expect(ids(listed)).toEqual(expect.arrayContaining([everyone, p1]));
      expect(ids(listed)).not.toContain(p2);
      for (const plan of listed.data) expect(plan.payees === null || plan.payees.includes('filter_p1')).toBe(true);
      expect(ids((await t.as(finance).get('/v1/plans?payee_id=filter_p2&active_on=2024-01-15').expect(200)).body)).toEqual([everyone, p2].sort());
    });

    it('pages with limit and an opaque cursor through every plan once', async () => {
      const all = ids((await t.as(finance).get('/v1/plans?limit=100').expect(200)).body);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = (await t.as(finance).get(`/v1/plans${query}`).expect(200)).body;
        expect(page.data.length).toBeLessThanOrEqual(2);
        paged.push(...ids(page));
        cursor = page.pagination.next_cursor;
        expect(page.pagination.has_more).toBe(cursor !== null);
      } while (cursor !== null);
      expect(paged).toEqual(all);
      expect(all.length).toBeGreaterThan(3);
    });

    it('names the bad query parameter in a 400', async () => {
      const badDay = await t.as(finance).get('/v1/plans?active_on=2024-02-30').expect(400);
      expect(fieldsOf(badDay.body)).toContain('active_on');
      const notADay = await t.as(finance).get('/v1/plans?active_on=tomorrow').expect(400);
      expect(fieldsOf(notADay.body)).toContain('active_on');
      const badCursor = await t.as(finance).get('/v1/plans?cursor=garbage').expect(400);
      expect(fieldsOf(badCursor.body)).toEqual(['cursor']);
      const forged = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url');
      expect(fieldsOf((await t.as(finance).get(`/v1/plans?cursor=${forged}`).expect(400)).body)).toEqual(['cursor']);
      expect(fieldsOf((await t.as(finance).get('/v1/plans?limit=0').expect(400)).body)).toEqual(['limit']);
      expect(fieldsOf((await t.as(finance).get('/v1/plans?owner=me').expect(400)).body)).toEqual(['owner']);
    });
  });

  describe('roles', () => {
    it('lets finance and admin in and keeps payroll out of every plan route', async () => {
      await t
        .as(TEST_ADMIN_KEY)
        .post('/v1/plans')
        .send(planJson(2017, { name: 'By admin 2017' }))
        .expect(201);
      await t.as(finance).get('/v1/plans').expect(200);
      const refused = await t.as(payroll).get('/v1/plans').expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
      await t.as(payroll).post('/v1/plans').send(planJson(2016)).expect(403);
      await t
        .as(payroll)
        .post('/v1/plans/preview')
        .send({ period: '2016-01', plan: planJson(2016) })
        .expect(403);
      await t.as(payroll).patch('/v1/plans/00000000-0000-4000-8000-000000000000').send({ effective_to: '2016-05-01' }).expect(403);
      await t.http.get('/v1/plans').expect(401);
    });
  });

  describe('what-if preview', () => {
    let database: DatabaseService;
    let base: { id: string };

    const call = (id: string, fields: { closer: string; setter?: string; base: string; at: string; commissionable?: boolean }) =>
      database.client.call.create({
        data: {
          id,
          status: fields.commissionable === false ? 'cancelled' : 'closed',
          closerId: fields.closer,
          setterId: fields.setter ?? null,
          linkedPaymentId: `pay_${id}`,
          expectedDealValue: BigInt(Math.round(Number(fields.base) * 100)),
          baseAmount: fields.base,
          effectiveBase: fields.base,
          currency: 'USD',
          commissionAt: new Date(fields.at),
          commissionDay: fields.at.slice(0, 10),
          period: fields.at.slice(0, 7),
          commissionable: fields.commissionable ?? true,
          reason: fields.commissionable === false ? 'not_closed' : null,
          raw: { id },
          contentHash: `hash_${id}`,
        },
      });

    const counts = async () => {
      const db = database.client;
      return {
        plans: await db.plan.count(),
        statements: await db.statement.count(),
        lines: await db.statementLine.count(),
        runs: await db.payoutRun.count(),
        calls: await db.call.count(),
        audit: await db.auditEntry.count(),
        idempotency: await db.idempotencyRecord.count(),
      };
    };

    const proposal = planJson(2031, {
      name: 'Richer March 2031',
      effective_from: '2031-03-01',
      effective_to: '2031-04-01',
      priority: 1,
      roles: { closer: { rate: '0.12' }, setter: { flat: '25' } },
    });

    beforeAll(async () => {
      database = t.app.get(DatabaseService);
      base = (await create(planJson(2031, { name: 'Base 2031' })).expect(201)).body;
      await call('pv_1', { closer: 'preview_a', setter: 'preview_s', base: '1234.56', at: '2031-03-05T10:00:00.000Z' });
      await call('pv_2', { closer: 'preview_b', base: '999.99', at: '2031-03-10T10:00:00.000Z' });
      await call('pv_3', { closer: 'preview_a', base: '500.05', at: '2031-03-20T10:00:00.000Z' });
      await call('pv_4', { closer: 'preview_a', base: '10000.00', at: '2031-04-02T10:00:00.000Z' });
      await call('pv_5', { closer: 'preview_b', base: '777.00', at: '2031-03-12T10:00:00.000Z', commissionable: false });
    });

    it("returns each payee's current and proposed totals for the period's stored calls, in cents", async () => {
      const response = await t.as(finance).post('/v1/plans/preview').send({ period: '2031-03', plan: proposal }).expect(200);
      // current (Base 2031, closer 10 %): a 123.456→123.46 + 50.005→50.01; b 99.999→100.00; the setter has no plan.
      // proposed (closer 12 %, setter flat 25): a 148.1472→148.15 + 60.006→60.01; b 119.9988→120.00; s 25.00.
      // April's call and the uncommissionable one count in neither.
      expect(response.body).toEqual({
        period: '2031-03',
        currency: 'USD',
        payees: [
          { payee_id: 'preview_a', current_total: '173.47', proposed_total: '208.16', difference: '34.69' },
          { payee_id: 'preview_b', current_total: '100.00', proposed_total: '120.00', difference: '20.00' },
          { payee_id: 'preview_s', current_total: '0.00', proposed_total: '25.00', difference: '25.00' },
        ],
        totals: { current: '273.47', proposed: '353.16', difference: '79.69' },
        unplanned_current: [{ call_id: 'pv_1', role: 'setter', payee_id: 'preview_s' }],
        unplanned_proposed: [],
      });
    });

    it('shows a cheaper proposal as a negative difference', async () => {
      const cheaper = { ...proposal, name: 'Leaner March 2031', roles: { closer: { rate: '0.05' } } };
      const response = await t.as(finance).post('/v1/plans/preview').send({ period: '2031-03', plan: cheaper }).expect(200);
      // a 61.728→61.73 + 25.0025→25.00 = 86.73; b 49.9995→50.00.
      expect(response.body.payees).toEqual([
        { payee_id: 'preview_a', current_total: '173.47', proposed_total: '86.73', difference: '-86.74' },
        { payee_id: 'preview_b', current_total: '100.00', proposed_total: '50.00', difference: '-50.00' },
      ]);
      expect(response.body.totals).toEqual({ current: '273.47', proposed: '136.73', difference: '-136.74' });
    });

    it('writes nothing: no plan, statement, line, run, audit entry or idempotency record', async () => {
      const before = await counts();
      await t.as(finance).post('/v1/plans/preview').set('Idempotency-Key', 'preview-1').send({ period: '2031-03', plan: proposal }).expect(200);
      await t.as(finance).post('/v1/plans/preview').send({ period: '2031-04', plan: proposal }).expect(200);
      expect(await counts()).toEqual(before);
    });

    it('answers an empty preview for a period without calls', async () => {
      const response = await t.as(finance).post('/v1/plans/preview').send({ period: '2031-06', plan: proposal }).expect(200);
      expect(response.body).toMatchObject({ payees: [], totals: { current: '0.00', proposed: '0.00', difference: '0.00' }, unplanned_current: [] });
    });

    it('refuses with 409 a proposal that would tie with a plan in force, naming it', async () => {
      const tying = { ...proposal, priority: 0 };
      const response = await t.as(finance).post('/v1/plans/preview').send({ period: '2031-03', plan: tying }).expect(409);
      expect(response.body.error).toContain(`plan 'Base 2031' (id ${base.id})`);
      expect(response.body.details[0].conflicting_plan_id).toBe(base.id);
    });

    it("names every bad field of the request, the plan's under plan.", async () => {
      const response = await t
        .as(finance)
        .post('/v1/plans/preview')
        .send({ period: '2031-13', plan: { ...proposal, roles: { closer: { rate: 0.12 } } }, dry_run: true })
        .expect(400);
      expect(fieldsOf(response.body).sort()).toEqual(['dry_run', 'period', 'plan.roles.closer.rate']);
      const noPlan = await t.as(finance).post('/v1/plans/preview').send({ period: '2031-03' }).expect(400);
      expect(fieldsOf(noPlan.body)).toEqual(['plan']);
    });
  });
});
