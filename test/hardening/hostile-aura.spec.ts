import { hostileAuraScenario } from './hostile-aura-scenario';

hostileAuraScenario('a hostile Aura (embedded PGlite)', async () => ({ env: {}, cleanup: async () => undefined }));
