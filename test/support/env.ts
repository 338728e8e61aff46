import { useFreshWitnessFile } from './fileState';
import { TEST_AUDIT_SIGNING_KEY } from './signingKey';

// Every test process runs in UTC so that no code can lean on the machine's zone by accident;
// the organisation's zone is always passed explicitly.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
// One key for the template and every test file.
process.env.AUDIT_SIGNING_KEY = TEST_AUDIT_SIGNING_KEY;
useFreshWitnessFile();
