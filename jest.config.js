// Test tiers as Jest projects, each with its own timeout (test/support/tiers/) (issue #13 "Test tiers"):
// - unit:     specs beside the code in libs/ and apps/: the engine, parsers, renderers,
//             module specs on embedded PGlite; no build needed (`npm run test:unit`);
// - app:      test/: the booted service in process against the Aura sandbox, on PGlite;
// - process:  test/ specs that run the built service (dist/) as its own process;
// - postgres: test/postgresql/, against TEST_DATABASE_URL (skipped without it).
// PGlite loads part of itself with import(), so the npm scripts run Jest with
// NODE_OPTIONS=--experimental-vm-modules.
const os = require('node:os');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = {
  // Prisma's generated client (nodenext) imports siblings as ./x.js
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target.replace(/^\.\//, '')}`;
}

/** Specs that start dist/apps/commissions-api/src/main.js (or the demo) as a process of its own. */
const PROCESS_SPECS = [
  'test/platform/service-process.spec.ts',
  'test/hardening/leaks.spec.ts',
  'test/hardening/hostile-aura.spec.ts',
  'test/ingestion/sync-resume.spec.ts',
  'test/demo/demo.spec.ts',
];

const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};

module.exports = {
  // Most suites wait on the sandbox, PostgreSQL or a child process, not on a core: two workers even on a
  // 2-core machine (Jest's default there is one). Each suite has its own database (PGlite copy or scratch
  // PostgreSQL database) and its own ports. JEST_MAX_WORKERS overrides.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? Math.max(2, os.availableParallelism() - 1),
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps'],
      testRegex: '.*\\.spec\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/test/support/tiers/unit.ts'],
    },
    {
      ...shared,
      displayName: 'app',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.spec\\.ts$',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgresql/', ...PROCESS_SPECS.map((spec) => `<rootDir>/${spec}`)],
      setupFilesAfterEnv: ['<rootDir>/test/support/tiers/app.ts'],
    },
    {
      ...shared,
      displayName: 'process',
      roots: ['<rootDir>/test'],
      testMatch: PROCESS_SPECS.map((spec) => `<rootDir>/${spec}`),
      setupFilesAfterEnv: ['<rootDir>/test/support/tiers/process.ts'],
    },
    {
      ...shared,
      displayName: 'postgres',
      roots: ['<rootDir>/test/postgresql'],
      testRegex: '.*\\.spec\\.ts$',
      setupFilesAfterEnv: ['<rootDir>/test/support/tiers/process.ts'],
    },
  ],
};
