import { freshFileState } from './fileState';
import { TEST_AUDIT_SIGNING_KEY } from './signingKey';

// Every test process runs in UTC so that no code can lean on the machine's zone by accident;
// the organisation's zone is always passed explicitly.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
// One key for the template and every test file.
process.env.AUDIT_SIGNING_KEY = TEST_AUDIT_SIGNING_KEY;

/**
 * Called before every test file (jest-light-runner imports a setup file once per worker process
 * but calls its default export for each file): the process-wide state the previous file in this
 * worker left behind — its witness file, witness mail, a moved clock — is reset even in a file that
 * opens no database of its own (the CLI tests' children inherit this process's environment).
 */
export default function setupTestFile(): void {
  freshFileState();
}
