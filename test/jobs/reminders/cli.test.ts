import fs from 'node:fs';
import { cliWith } from '../../support/cli';
import { migratedDataDir } from '../../support/serverProcess';

/** The reminder jobs as an operator runs them (`npm run cli -- job:run <name>`), on a migrated embedded database of their own. */
const dataDir = migratedDataDir('casebook-reminders-');
const cli = cliWith({ ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const JOBS = [
  ['follow-up-reminders', '5 * * * *'],
  ['report-deadlines', '10 * * * *'],
  ['overdue-actions', '15 8 * * *'],
  ['retention-review', '40 8 * * *'],
] as const;

describe('npm run cli -- job:run <reminder job>', () => {
  it('lists the four reminder jobs with their schedules and runs each once on demand', async () => {
    for (const [name] of JOBS) {
      const run = await cli(['job:run', name]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      // An empty database: nothing is due, so nothing is counted.
      expect(run.stdout).toMatch(new RegExp(`^${name}: succeeded \\(-\\)$`, 'm'));
    }
    const listed = await cli(['job:list']);
    expect(listed.code).toBe(0);
    for (const [name, schedule] of JOBS) {
      expect(listed.stdout).toContain(`${name}  (${schedule}, keeps 100 runs)`);
      const section = listed.stdout.slice(listed.stdout.indexOf(`${name}  (`)).split('\n').slice(1, 2)[0];
      expect(section).toMatch(/^\s+\S+Z\s+succeeded\s+\d+ ms\s+-$/);
    }
  }, 180_000);
});
