import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { manualTick, tickOf, type CronJob } from '../../src/jobs/CronJob';
import { allJobs } from '../../src/jobs/scheduler';
import { testConfig } from '../support/app';
import { useTestDatabase } from '../support/db';
import { runTicksInProcesses } from '../support/jobProcesses';
import { buildComplaint, buildUser } from '../support/factories';
import { serverUrl, withDatabase } from '../support/testDatabase';

/**
 * The issue's test: two schedulers running the same job at once produce each notification exactly
 * once. The job is the SLA sweep (`sla-sweep`), which notifies the assignee, their department head
 * and the CS directors of breached clocks. With DATABASE_URL two real processes run it against
 * PostgreSQL; on the embedded database two scheduler instances (two job objects) run in this process.
 * Both variants also run two *different* ticks at once (the schedule next to a manual run): both
 * perform, and the notifications' (cause, recipient, kind) key still lets each exist once.
 */
useTestDatabase();

const JOB = 'sla-sweep';
const config = testConfig();
const newJob = (): CronJob => {
  const job = allJobs(config).find((j) => j.name === JOB);
  if (!job) throw new Error(`no ${JOB} job`);
  return job;
};

interface Seeded {
  cases: string[];
  assignee: string;
  head: string;
  director: string;
}

/** Cases received three hours ago (their one-hour clocks are past 80, 100 and 150 %), assigned to a quality officer whose department has a head. */
async function seed(n: number): Promise<Seeded> {
  const assignee = await buildUser({ roles: ['quality'], email: `xu-ly-${Date.now()}@example.vn` });
  const head = await buildUser({ roles: ['dept_head'], departmentId: assignee.departmentId });
  const director = await buildUser({ roles: ['cs_director'] });
  const cases: string[] = [];
  for (let i = 0; i < n; i++) cases.push((await buildComplaint({ receivedAt: new Date(Date.now() - 3 * 3600_000), assigneeId: assignee.id })).id);
  return { cases, assignee: assignee.id, head: head.id, director: director.id };
}

interface Counts {
  notifications: number;
  distinct: number;
  mails: number;
  distinctMails: number;
  byRecipient: Record<string, number>;
}

async function countsFor(s: Seeded): Promise<Counts> {
  const [row] = await sequelize().query<{ n: string; d: string }>(
    'SELECT count(*) AS n, count(DISTINCT (cause, recipient_id, kind)) AS d FROM notifications WHERE complaint_id = ANY($1::uuid[])',
    { bind: [s.cases], type: QueryTypes.SELECT },
  );
  const [mail] = await sequelize().query<{ n: string; d: string }>(
    `SELECT count(*) AS n, count(DISTINCT dedupe_key) AS d FROM outbox WHERE kind = 'notification.created' AND complaint_id = ANY($1::uuid[])`,
    { bind: [s.cases], type: QueryTypes.SELECT },
  );
  const per = await sequelize().query<{ recipient_id: string; n: string }>(
    'SELECT recipient_id, count(*) AS n FROM notifications WHERE complaint_id = ANY($1::uuid[]) GROUP BY recipient_id',
    { bind: [s.cases], type: QueryTypes.SELECT },
  );
  return {
    notifications: Number(row.n),
    distinct: Number(row.d),
    mails: Number(mail.n),
    distinctMails: Number(mail.d),
    byRecipient: Object.fromEntries(per.map((p) => [p.recipient_id, Number(p.n)])),
  };
}

/** What every sweep of these cases must leave, however many ran: each notice once, the assignee told of every level, the head of 100 %, the director of 150 %. */
function expectOnce(c: Counts, s: Seeded) {
  expect(c.notifications).toBeGreaterThan(0);
  expect(c.notifications).toBe(c.distinct);
  expect(c.mails).toBe(c.distinctMails);
  // Every recipient has an address: one e-mail per notification.
  expect(c.mails).toBe(c.notifications);
  expect(c.byRecipient[s.assignee]).toBeGreaterThan(0);
  expect(c.byRecipient[s.head]).toBeGreaterThan(0);
  expect(c.byRecipient[s.director]).toBeGreaterThan(0);
}

/** The same sweep once more, alone, finds nothing new: the counts are what one sweep leaves. */
async function expectNothingLeft(s: Seeded, before: Counts) {
  const again = await newJob().run(manualTick());
  expect(again).toMatchObject({ ran: true, status: 'succeeded' });
  expect(await countsFor(s)).toEqual(before);
}

const runsOf = async (tick: Date) =>
  sequelize().query<{ status: string }>('SELECT status FROM job_runs WHERE job = $1 AND tick = $2', { bind: [JOB, tick], type: QueryTypes.SELECT });

describe(`two schedulers, one ${JOB} tick: each notification exactly once`, () => {
  it(
    process.env.DATABASE_URL
      ? 'in one process on PostgreSQL: two scheduler instances run the same tick at once — one performs it; two different ticks at once both perform, nothing twice'
      : 'on the embedded database (in-process variant: two scheduler instances in this process; the two-process variant runs with DATABASE_URL): the same tick at once — one performs it; two different ticks at once both perform, nothing twice',
    async () => {
      const s = await seed(6);
      const tick = tickOf(new Date());
      const [a, b] = await Promise.all([newJob().run(tick), newJob().run(tick)]);
      expect([a.ran, b.ran].sort()).toEqual([false, true]);
      expect([a, b].find((o) => o.ran)!.status).toBe('succeeded');
      expect(await runsOf(tick)).toEqual([{ status: 'succeeded' }]);
      const once = await countsFor(s);
      expectOnce(once, s);

      // New breaches, swept by the schedule's tick and a manual run at the same moment.
      const t = await seed(6);
      const [c, d] = await Promise.all([newJob().run(tickOf(new Date(Date.now() + 60_000))), newJob().run(manualTick())]);
      expect([c, d].map((o) => [o.ran, o.status])).toEqual([
        [true, 'succeeded'],
        [true, 'succeeded'],
      ]);
      const both = await countsFor(t);
      expectOnce(both, t);
      await expectNothingLeft(t, both);
    },
  );

  if (process.env.DATABASE_URL) {

    it('in two real processes against PostgreSQL: the same tick at once — one performs it; two different ticks at once both perform, nothing twice', async () => {
      const [{ db }] = await sequelize().query<{ db: string }>('SELECT current_database() AS db', { type: QueryTypes.SELECT });
      const url = withDatabase(serverUrl()!, db);
      const s = await seed(20);
      // Minutes of its own: the in-process test above claimed this minute's tick and the next.
      const tick = tickOf(new Date(Date.now() + 10 * 60_000));
      const outcomes = await runTicksInProcesses(url, JOB, [tick, tick]);
      expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
      expect(outcomes.find((o) => o.ran)).toMatchObject({ status: 'succeeded', error: null });
      expect(await runsOf(tick)).toEqual([{ status: 'succeeded' }]);
      expectOnce(await countsFor(s), s);

      const t = await seed(20);
      const ticks = [tickOf(new Date(Date.now() + 12 * 60_000)), manualTick()];
      const both = await runTicksInProcesses(url, JOB, ticks);
      expect(both.map((o) => [o.ran, o.status])).toEqual([
        [true, 'succeeded'],
        [true, 'succeeded'],
      ]);
      const counts = await countsFor(t);
      expectOnce(counts, t);
      await expectNothingLeft(t, counts);
    }, 90_000);
  }
});
