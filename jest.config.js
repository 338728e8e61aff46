/** Unit and API tests: `npm test` runs these after typecheck and lint. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jest's own transform now compiles only the global setup and teardown (jest loads them itself).
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 30000,
  // jest-light-runner runs the test files in plain Node worker processes that keep their loaded
  // modules from one file to the next, instead of jest's fresh module registry per file (which
  // loaded the whole app again for each of ~130 files). TypeScript is compiled by tsx, which
  // `npm run test:jest` loads with `node --import tsx` and the worker processes inherit. What a
  // file could leave behind for the next is reset when its database opens
  // (test/support/fileState.ts); time limits come from test/support/timeouts.ts. See
  // docs/ARCHITECTURE.md "Tests".
  runner: '<rootDir>/test/support/jestRunner.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
  // One worker per core, not jest's default of cores - 1 (a single in-band worker on 2 cores):
  // many files spend seconds waiting (child server processes, the login throttle's real holds),
  // and the other worker uses that time.
  maxWorkers: '100%',
};
