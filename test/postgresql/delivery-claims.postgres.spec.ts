import { Client } from 'pg';
import { DeliveriesRepository } from '../../libs/events/src/delivery/deliveries.repository';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Replicas' delivery workers claim from one table at once. A delivery one
 * worker leased must not be leased again by another while the lease holds,
 * or the receiver gets the event twice: the claim's lock has to re-check the
 * lease on the row it locks, not only on the snapshot it chose rows from.
 */
describeOnPostgres('delivery claims of concurrent workers (PostgreSQL)', () => {
  const DELIVERIES = 600;
  let database: { url: string; drop(): Promise<void> };
  let apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase();
    // Two pools, as two replicas have.
    // The apps' own delivery workers stay off: the test's workers are the only ones claiming.
    const env = { DATABASE_URL: database.url, WEBHOOK_DELIVERY_ENABLED: 'false' };
    apps = [await startTestApp(env), await startTestApp(env)];
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const [subscription] = (
        await client.query<{ id: string }>(
          "INSERT INTO webhook_subscriptions (id, url, event_types, secret, created_by) VALUES (gen_random_uuid(), 'http://127.0.0.1:9/hooks', '{statement.approved}', 's', 'test') RETURNING id",
        )
      ).rows;
      await client.query(
        `WITH events AS (
           INSERT INTO outbox_events (id, type, ordering_key, occurred_at, body)
           SELECT gen_random_uuid(), 'statement.approved', 'statement:' || n, now(), '{}' FROM generate_series(1, ${DELIVERIES}) AS n
           RETURNING id, sequence, ordering_key)
         INSERT INTO webhook_deliveries (subscription_id, event_id, event_sequence, ordering_key, status, next_attempt_at, created_at)
         SELECT $1, id, sequence, ordering_key, 'pending', now() - interval '1 minute', now() FROM events`,
        [subscription.id],
      );
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
  });

  it('never leases one delivery to two workers while the lease holds', async () => {
    const leased: bigint[] = [];
    // One instant for every claim: each delivery is due, and a lease taken at it holds for all of them.
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + 10 * 60_000);
    const worker = async (repository: DeliveriesRepository) => {
      for (;;) {
        const claimed = await repository.claim(7, DELIVERIES, [], now, leaseUntil);
        if (claimed.length === 0) return;
        leased.push(...claimed.map((delivery) => delivery.id));
      }
    };
    const repositories = apps.map((app) => app.app.get(DeliveriesRepository));
    // Eight workers, four on each pool.
    await Promise.all([...repositories, ...repositories, ...repositories, ...repositories].map(worker));

    expect(leased).toHaveLength(DELIVERIES);
    expect(new Set(leased).size).toBe(DELIVERIES);
  }, 120_000);
});
