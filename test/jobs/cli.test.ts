import fs from 'node:fs';
import { cliWith } from '../support/cli';
import { migratedDataDir } from '../support/serverProcess';

/** `job:run` and `job:list` as an operator runs them, on a migrated embedded database of their own. */
const dataDir = migratedDataDir('casebook-jobs-');
const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' };

const cli = cliWith(env);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm run cli -- job:list / job:run', () => {
  it('lists every job with its schedule and its last runs, and runs one tick on demand', async () => {
    const empty = await cli(['job:list']);
    expect(empty.stderr).toBe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('audit-anchor  (* * * * *, keeps 100 runs)');
    expect(empty.stdout).toContain('no runs yet');

    const first = await cli(['job:run', 'audit-anchor']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^audit-anchor: succeeded \(anchors=\d+ events=\d+\)$/m);
    // A second manual run is a tick of its own: it runs too.
    expect((await cli(['job:run', 'audit-anchor'])).stdout).toMatch(/^audit-anchor: succeeded/m);

    const listed = await cli(['job:list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\dT/.test(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\s+\S+Z\s+succeeded\s+\d+ ms\s+anchors=\d+ events=\d+$/);

    const unknown = await cli(['job:run', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No job named nope. Jobs: audit-anchor');
  }, 120_000);
});
