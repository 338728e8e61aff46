/** Browser tests: `npm run test:browser` drives Debian's Chromium through playwright-core against a live app. */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'],
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  setupFiles: base.setupFiles,
  // A browser launch plus argon2 sign-ins on a two-core runner: give each test room.
  testTimeout: 90000,
  // Each file runs its own Chromium; two at once is all a two-core runner takes.
  maxWorkers: 2,
};
