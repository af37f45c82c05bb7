import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { createKey, startTestApp, TestApp } from '../support/test-app';

describeOnPostgres('plans on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let t: TestApp;
  let finance: string;

  beforeAll(async () => {
    database = await createScratchDatabase();
    t = await startTestApp({ DATABASE_URL: database.url });
    finance = (await createKey(t, 'finance')).secret;
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('lets exactly one of several tying plans sent at once through; the others get 409 naming it', async () => {
    const plan = (index: number) => ({
      name: `Concurrent ${index}`,
      effective_from: '2026-01-01',
      effective_to: null,
      payees: ['user_race'],
      priority: 0,
      roles: { closer: { rate: '0.10' } },
    });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, index) => t.as(finance).post('/v1/plans').send(plan(index))));
    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(5);
    const winner = created[0].body as { id: string; name: string };
    for (const answer of refused) {
      expect(answer.body.error).toContain(`plan '${winner.name}' (id ${winner.id}) for payee user_race`);
      expect(answer.body.details[0].conflicting_plan_id).toBe(winner.id);
    }
    const listed = await t.as(finance).get('/v1/plans?payee_id=user_race').expect(200);
    expect(listed.body.data.map((stored: { id: string }) => stored.id)).toEqual([winner.id]);
  });
});
