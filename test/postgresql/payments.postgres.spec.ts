import { paymentsScenario } from '../payouts/payments-scenario';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';

describeOnPostgres('on PostgreSQL', () => {
  paymentsScenario('payments end to end', async () => {
    const database = await createScratchDatabase();
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  });
});
