import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEST_AUDIT_SIGNING_KEY } from './signingKey';

// Every test process runs in UTC so that no code can lean on the machine's zone by accident;
// the organisation's zone is always passed explicitly.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
// One key for the template and every test file; a witness file of this test file's own (each
// test file has its own database).
process.env.AUDIT_SIGNING_KEY = TEST_AUDIT_SIGNING_KEY;
process.env.AUDIT_WITNESS_FILE = path.join(os.tmpdir(), `casebook-test-witness-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
