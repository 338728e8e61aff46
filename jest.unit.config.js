/** Pure unit tests (no database): `npm run test:unit` for fast iteration on src/domain. */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  testMatch: ['<rootDir>/test/domain/**/*.test.ts'],
  setupFiles: base.setupFiles,
};
