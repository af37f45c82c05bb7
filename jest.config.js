// One Jest configuration for every tier: engine specs beside the code, module
// specs on embedded PGlite, and the end-to-end / PostgreSQL suites in test/.
// PGlite loads part of itself with import(), so the npm scripts run Jest with
// NODE_OPTIONS=--experimental-vm-modules.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = {
  // Prisma's generated client (nodenext) imports siblings as ./x.js
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target.replace(/^\.\//, '')}`;
}

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '.*\\.spec\\.ts$',
  moduleNameMapper,
  // End-to-end specs boot PGlite, the sandbox and real processes on a 2-core machine.
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
