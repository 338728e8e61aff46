import fs from 'node:fs';
import { cliWith } from '../../support/cli';
import { migratedDataDir } from '../../support/serverProcess';

/**
 * The scheduled jobs that remind and invite, as an operator runs them (`npm run cli -- job:run
 * <name>`), on one migrated embedded database of their own: one process per job, one `job:list`
 * for all of them. (What each job does is tested beside it, in-process; `audit-anchor` and
 * `archive-sealing` have their CLI tests in test/jobs/cli.test.ts and test/archive/cli.test.ts.)
 */
const dataDir = migratedDataDir('casebook-reminders-');
const cli = cliWith({ ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Each job's name, its schedule, and whether an empty database gives it nothing to count. */
const JOBS = [
  ['follow-up-reminders', '5 * * * *', true],
  ['report-deadlines', '10 * * * *', true],
  ['overdue-actions', '15 8 * * *', true],
  ['retention-review', '40 8 * * *', true],
  ['renewal-reminders', '0 7 * * *', false],
  ['satisfaction-requests', '7 * * * *', false],
] as const;

describe('npm run cli -- job:run <reminder job>', () => {
  it('lists the reminder and invitation jobs with their schedules and runs each once on demand', async () => {
    for (const [name, , countsNothing] of JOBS) {
      const run = await cli(['job:run', name]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      // An empty database: nothing is due, so nothing is counted.
      expect(run.stdout).toMatch(new RegExp(`^${name}: succeeded${countsNothing ? ' \\(-\\)$' : ''}`, 'm'));
    }
    const listed = await cli(['job:list']);
    expect(listed.code).toBe(0);
    for (const [name, schedule] of JOBS) {
      expect(listed.stdout).toContain(`${name}  (${schedule}, keeps 100 runs)`);
      const section = listed.stdout.slice(listed.stdout.indexOf(`${name}  (`)).split('\n').slice(1, 2)[0];
      expect(section).toMatch(/^\s+\S+Z\s+succeeded\s+\d+ ms\s+\S+$/);
    }
  }, 180_000);
});
