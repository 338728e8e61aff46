import fs from 'node:fs';
import { cliWith } from '../support/cli';
import { migratedDataDir } from '../support/serverProcess';

/** `archive:verify` and `job:run archive-sealing` as an operator runs them, on a migrated embedded database of their own. */
const dataDir = migratedDataDir('casebook-archive-');
const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' };

const cli = cliWith(env);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm run cli -- archive:verify / job:run archive-sealing', () => {
  it('runs the sealing job on demand and verifies the archives, the files and the audit trail with a progress bar', async () => {
    const job = await cli(['job:run', 'archive-sealing']);
    expect(job.code).toBe(0);
    expect(job.stdout).toMatch(/^archive-sealing: succeeded/m);
    const verify = await cli(['archive:verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^Checked \d+ items/m);
    expect(verify.stdout).toContain('OK: every archive, file and audit chain is intact.');
    // The bar goes to stderr, one phase after another.
    expect(verify.stderr).toContain('archives');
    expect(verify.stderr).toContain('audit');
  }, 120_000);
});
