import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setWitnessFile, setWitnessMail } from '../../src/audit/witness';
import { resetClock } from '../../src/lib/clock';

/**
 * A witness file of this test file's own: each test file has its own database, and the verifier
 * reports every anchor the witness holds that the database does not.
 */
export function useFreshWitnessFile(): void {
  process.env.AUDIT_WITNESS_FILE = path.join(os.tmpdir(), `casebook-test-witness-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
  setWitnessFile(undefined);
}

/**
 * jest-light-runner (jest.config.js) runs one test file after another in the same worker process,
 * with the modules already loaded: the process-wide state a file may leave behind is reset before
 * each file (test/support/jestWorker.mjs) and again when its database opens (test/support/db.ts).
 * The policy cache needs no reset: it is keyed on the database it was read from (src/queries/policy.ts).
 */
export function freshFileState(): void {
  useFreshWitnessFile();
  setWitnessMail(undefined);
  resetClock();
}
