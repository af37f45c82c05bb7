import { poisonRecordsScenario } from './poison-records-scenario';

poisonRecordsScenario('poison records (embedded PGlite)', async () => ({ env: {}, cleanup: async () => undefined }));
