import { apiFuzzSuite } from './api-fuzz';

// The short run of npm test; `npm run fuzz` runs the long one (docs/operations.md, "Security").
// FUZZ_SHARD=i/n runs every n-th operation from the i-th, to spread a long run over processes.
const shard = /^(\d+)\/(\d+)$/.exec(process.env.FUZZ_SHARD ?? '');
apiFuzzSuite({
  seed: Number(process.env.FUZZ_SEED ?? 20261201),
  casesPerOperation: Number(process.env.FUZZ_CASES ?? 50),
  shard: shard ? { index: Number(shard[1]), of: Number(shard[2]) } : undefined,
});
