import { apiFuzzSuite } from './api-fuzz';

// The short run of npm test; `npm run fuzz` runs the long one (docs/operations.md, "Security").
apiFuzzSuite({ seed: Number(process.env.FUZZ_SEED ?? 20261201), casesPerOperation: Number(process.env.FUZZ_CASES ?? 200) });
