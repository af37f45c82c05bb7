import { hostileAuraScenario } from '../hardening/hostile-aura-scenario';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';

describeOnPostgres('on PostgreSQL', () => {
  hostileAuraScenario('a hostile Aura', async () => {
    const database = await createScratchDatabase();
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  });
});
