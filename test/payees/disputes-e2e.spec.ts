import { disputesScenario } from './disputes-scenario';

disputesScenario('disputes (embedded PGlite)', async () => ({ env: {}, cleanup: async () => undefined }));
