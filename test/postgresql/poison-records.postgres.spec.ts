import { poisonRecordsScenario } from '../hardening/poison-records-scenario';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';

describeOnPostgres('on PostgreSQL', () => {
  poisonRecordsScenario('poison records', async () => {
    const database = await createScratchDatabase();
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  });
});
