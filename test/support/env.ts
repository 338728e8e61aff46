import { TEST_AUDIT_SIGNING_KEY } from './signingKey';

// Once per worker process (jest-light-runner evaluates a setup file once per process, before its
// first test file; what must be reset before every file is reset by test/support/jestWorker.mjs).
// Every test process runs in UTC so that no code can lean on the machine's zone by accident;
// the organisation's zone is always passed explicitly.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
// One key for the template and every test file.
process.env.AUDIT_SIGNING_KEY = TEST_AUDIT_SIGNING_KEY;
