import fs from 'node:fs';
import { cliWith } from '../support/cli';
import { migratedDataDir } from '../support/serverProcess';

/**
 * `job:list` and `job:run` as an operator runs them (`npm run cli -- job:run <names...>`), on one
 * migrated embedded database of their own. What each job does is tested beside it, in-process;
 * `archive-sealing` has its CLI test with `archive:verify` (test/archive/cli.test.ts), and
 * `sla-sweep` runs in two processes at once in test/jobs/twoSchedulers.test.ts.
 */
const dataDir = migratedDataDir('casebook-jobs-');
const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' };

const cli = cliWith(env);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The reminder and invitation jobs: name, schedule, and whether an empty database gives them nothing to count. */
const REMINDERS = [
  ['follow-up-reminders', '5 * * * *', true],
  ['report-deadlines', '10 * * * *', true],
  ['overdue-actions', '15 8 * * *', true],
  ['retention-review', '40 8 * * *', true],
  ['renewal-reminders', '0 7 * * *', false],
  ['satisfaction-requests', '7 * * * *', false],
] as const;

/** The runs `job:list` shows under one job: the lines after its heading, up to the next heading. */
function runsOf(listing: string, name: string): string[] {
  const from = listing.indexOf(`\n${name}  (`) + 1 || listing.indexOf(`${name}  (`);
  const lines = listing.slice(from).split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('  '));
  return lines.slice(0, end === -1 ? undefined : end);
}

describe('npm run cli -- job:list / job:run', () => {
  it('lists every job with its schedule and its last runs, runs ticks on demand, and runs nothing when a name is unknown', async () => {
    const empty = await cli(['job:list']);
    expect(empty.stderr).toBe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('audit-anchor  (* * * * *, keeps 100 runs)');
    expect(runsOf(empty.stdout, 'audit-anchor')).toEqual(['  no runs yet']);

    // Several jobs in one run, in the order given.
    const first = await cli(['job:run', 'audit-anchor', ...REMINDERS.map(([name]) => name)]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const reported = first.stdout.trim().split('\n');
    expect(reported.map((l) => l.split(':')[0])).toEqual(['audit-anchor', ...REMINDERS.map(([name]) => name)]);
    expect(reported[0]).toMatch(/^audit-anchor: succeeded \(anchors=\d+ events=\d+\)$/);
    for (const [name, , countsNothing] of REMINDERS) {
      // An empty database: nothing is due, so nothing is counted.
      expect(first.stdout).toMatch(new RegExp(`^${name}: succeeded${countsNothing ? ' \\(-\\)$' : ''}`, 'm'));
    }
    // A second manual run is a tick of its own: it runs too.
    expect((await cli(['job:run', 'audit-anchor'])).stdout).toMatch(/^audit-anchor: succeeded/m);

    // An unknown name anywhere: an error naming it and the jobs there are, and not even the known one runs.
    const unknown = await cli(['job:run', 'follow-up-reminders', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('No job named nope. Jobs: audit-anchor');

    const listed = await cli(['job:list']);
    expect(listed.code).toBe(0);
    const anchorRuns = runsOf(listed.stdout, 'audit-anchor');
    expect(anchorRuns).toHaveLength(2);
    for (const line of anchorRuns) expect(line).toMatch(/^\s+\S+Z\s+succeeded\s+\d+ ms\s+anchors=\d+ events=\d+$/);
    for (const [name, schedule] of REMINDERS) {
      expect(listed.stdout).toContain(`${name}  (${schedule}, keeps 100 runs)`);
      const runs = runsOf(listed.stdout, name);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatch(/^\s+\S+Z\s+succeeded\s+\d+ ms\s+\S+$/);
    }
  }, 180_000);
});
