import { paymentsScenario } from './payments-scenario';

paymentsScenario('payments end to end (embedded PGlite)', async () => ({ env: {}, cleanup: async () => undefined }));
