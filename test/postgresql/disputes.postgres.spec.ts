import { disputesScenario } from '../payees/disputes-scenario';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';

describeOnPostgres('on PostgreSQL', () => {
  disputesScenario('disputes end to end, and opened while a period is approved', async () => {
    const database = await createScratchDatabase();
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  });
});
