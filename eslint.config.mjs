// @ts-check
// Lint as Nest projects do: typescript-eslint's type-aware rules, Prettier for layout (eslint-config-prettier
// turns off the rules Prettier owns). `npm run lint` checks the whole tree; .ci/run runs it.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // payroll-client/ compiles only beside the client the test generates (test/platform/generated-client.spec.ts).
  {
    ignores: [
      'dist/',
      'coverage/',
      'data/',
      'node_modules/',
      'libs/persistence/src/generated/',
      'test/artifacts/',
      'test/platform/payroll-client/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits is a failure nobody sees: every one is awaited, returned, or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Refusing NUL and other control characters in hostile input is the point of those expressions.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests, the demo and the sandbox (a test double of Aura) read the API's JSON answers as supertest and fetch give them (any), and assert on them:
    // the no-unsafe-* rules would only add casts. The service's own code keeps every rule.
    files: ['test/**/*.ts', '**/*.spec.ts', 'apps/demo/**/*.ts', 'apps/aura-sandbox/**/*.ts', 'libs/commission-engine/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Messages print unknown JSON values; fakes implement async interfaces without awaiting anything.
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
