import { QueryTypes } from 'sequelize';
import { AuditEvent } from '../../src/models';
import { sequelize, transaction } from '../../src/db';
import { AuditAnchorJob } from '../../src/jobs/auditAnchorJob';
import { CronJob, manualTick, tickOf, type JobContext } from '../../src/jobs/CronJob';
import { recentJobRuns } from '../../src/queries/jobRuns';
import { useTestDatabase } from '../support/db';
import { useFixedClock, useTestClock } from '../support/clock';
import { buildCustomer } from '../support/factories';
import { waitUntilSealable } from '../support/audit';

useTestDatabase();
useTestClock();

class TestJob extends CronJob {
  readonly schedule = '* * * * *';
  performed = 0;
  constructor(
    readonly name: string,
    private readonly work: (ctx: JobContext) => Promise<unknown> = async () => undefined,
    override readonly keepRuns = 100,
  ) {
    super();
  }
  async perform(ctx: JobContext) {
    this.performed++;
    return this.work(ctx);
  }
}

const runsOf = (job: string) =>
  sequelize().query<{ tick: Date; status: string; counts: Record<string, number>; error: string | null; finished_at: Date | null }>(
    'SELECT tick, status, counts, error, finished_at FROM job_runs WHERE job = :job ORDER BY tick',
    { replacements: { job }, type: QueryTypes.SELECT },
  );

beforeAll(async () => {
  await sequelize().query('CREATE TABLE job_test_items (job text NOT NULL, n int NOT NULL)');
});

describe('CronJob', () => {
  it('records a run left running by a stopped instance as abandoned at the job’s next run, and leaves a recent one alone', async () => {
    const now = useFixedClock('2026-05-06T08:00:00Z');
    await sequelize().query(
      `INSERT INTO job_runs (job, tick, status, started_at) VALUES
         ('crashy', '2026-05-06T06:00:00Z', 'running', '2026-05-06T06:00:00Z'),
         ('crashy', '2026-05-06T07:50:00Z', 'running', '2026-05-06T07:50:00Z')`,
    );
    const job = new TestJob('crashy');
    expect((await job.run(tickOf(now))).ran).toBe(true);
    const runs = await runsOf('crashy');
    expect(runs.map((r) => r.status)).toEqual(['failed', 'running', 'succeeded']);
    expect(runs[0].error).toMatch(/^abandoned: no outcome 60 minutes after it started/);
    expect(runs[0].finished_at).toEqual(now);
  });

  it('runs a tick once when two instances run it at the same time: one perform, one run row', async () => {
    const tick = new Date('2026-05-04T03:10:00Z');
    const work = async (ctx: JobContext) => {
      await new Promise((r) => setTimeout(r, 50));
      await ctx.chunk(() => sequelize().query("INSERT INTO job_test_items VALUES ('twice', 1)"));
      ctx.count('items');
    };
    const a = new TestJob('twice', work);
    const b = new TestJob('twice', work);
    const [ra, rb] = await Promise.all([a.run(tick), b.run(tick)]);
    expect([ra.ran, rb.ran].sort()).toEqual([false, true]);
    expect(a.performed + b.performed).toBe(1);
    const runs = await runsOf('twice');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', counts: { items: 1 }, error: null });
    expect(runs[0].finished_at).not.toBeNull();
    // A later call for the same tick (a restart, a slow instance) skips it too.
    expect((await a.run(tick)).ran).toBe(false);
    expect(a.performed + b.performed).toBe(1);
    const [{ n }] = await sequelize().query<{ n: number }>("SELECT count(*) AS n FROM job_test_items WHERE job = 'twice'", { type: QueryTypes.SELECT });
    expect(n).toBe(1);
  });

  it('records a failing perform as failed with the error message, the stored value redacted', async () => {
    const job = new TestJob('fails', async () => {
      await sequelize().query("SELECT 'Nguyễn Văn An'::uuid");
    });
    const outcome = await job.run(new Date('2026-05-04T03:11:00Z'));
    expect(outcome).toMatchObject({ ran: true, status: 'failed' });
    const [run] = await runsOf('fails');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/22P02: invalid input syntax for type uuid: "\[value\]"/);
    expect(run.error).not.toContain('Nguyễn');
    const plain = new TestJob('fails-plain', async () => {
      throw new Error('the mail relay refused the batch');
    });
    await plain.run(new Date('2026-05-04T03:11:00Z'));
    expect((await runsOf('fails-plain'))[0]).toMatchObject({ status: 'failed', error: 'Error: the mail relay refused the batch' });
  });

  it('commits each chunk in its own transaction: a failure in chunk 3 keeps chunks 1 and 2 and their counts', async () => {
    const job = new TestJob('chunks', async (ctx) => {
      for (let n = 1; n <= 5; n++) {
        await ctx.chunk(async () => {
          await sequelize().query("INSERT INTO job_test_items VALUES ('chunks', :n)", { replacements: { n } });
          ctx.count('items');
          if (n === 3) throw new Error(`chunk ${n} broke`);
        });
      }
    });
    const outcome = await job.run(new Date('2026-05-04T03:12:00Z'));
    expect(outcome).toMatchObject({ ran: true, status: 'failed', counts: { items: 2 }, error: 'Error: chunk 3 broke' });
    const rows = await sequelize().query<{ n: number }>("SELECT n FROM job_test_items WHERE job = 'chunks' ORDER BY n", { type: QueryTypes.SELECT });
    expect(rows.map((r) => r.n)).toEqual([1, 2]);
    expect((await runsOf('chunks'))[0]).toMatchObject({ status: 'failed', counts: { items: 2 }, error: 'Error: chunk 3 broke' });
  });

  it('holds no transaction between chunks, and refuses to run inside one', async () => {
    const seen: Array<string | null> = [];
    const job = new TestJob('short', async (ctx) => {
      for (let i = 0; i < 2; i++) {
        await ctx.chunk(async () => {
          const [{ xid }] = await sequelize().query<{ xid: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS xid', { type: QueryTypes.SELECT });
          await sequelize().query("INSERT INTO job_test_items VALUES ('short', 1)");
          const [{ after }] = await sequelize().query<{ after: string }>('SELECT pg_current_xact_id()::text AS after', { type: QueryTypes.SELECT });
          seen.push(xid, after);
        });
      }
    });
    await job.run(new Date('2026-05-04T03:13:00Z'));
    // Each chunk started fresh (no xid assigned yet) and got a transaction id of its own.
    expect(seen[0]).toBeNull();
    expect(seen[2]).toBeNull();
    expect(seen[1]).not.toBe(seen[3]);
    await expect(transaction(() => job.run(new Date('2026-05-04T03:14:00Z')))).rejects.toThrow(/inside a transaction/);
  });

  it('keeps only the last keepRuns runs of a job', async () => {
    const job = new TestJob('capped', async () => undefined, 3);
    for (let m = 0; m < 5; m++) {
      useFixedClock(new Date(Date.UTC(2026, 4, 4, 4, m, 7)));
      expect((await job.run()).ran).toBe(true);
    }
    const runs = await runsOf('capped');
    expect(runs.map((r) => new Date(r.tick).toISOString())).toEqual(['2026-05-04T04:02:00.000Z', '2026-05-04T04:03:00.000Z', '2026-05-04T04:04:00.000Z']);
    // Another job's runs are not touched by this one's cap.
    expect(await runsOf('twice')).toHaveLength(1);
    const recent = await recentJobRuns(['capped', 'nothing'], 2);
    expect(recent.get('capped')!.map((r) => r.tick.toISOString())).toEqual(['2026-05-04T04:04:00.000Z', '2026-05-04T04:03:00.000Z']);
    expect(recent.get('nothing')).toEqual([]);
  });

  it('ticks on the scheduled minute; a manual tick never falls on one', () => {
    expect(tickOf(new Date('2026-05-04T03:10:59.999Z')).toISOString()).toBe('2026-05-04T03:10:00.000Z');
    expect(manualTick(new Date('2026-05-04T03:10:00.000Z')).toISOString()).toBe('2026-05-04T03:10:00.001Z');
    expect(manualTick(new Date('2026-05-04T03:10:12.345Z')).toISOString()).toBe('2026-05-04T03:10:12.345Z');
  });
});

describe('the audit-anchor job', () => {
  it('anchors through a job run and records its counts; the same tick does not run again', async () => {
    const customer = await buildCustomer();
    const written = await AuditEvent.findOne({ where: { entityId: customer.id }, order: [['position', 'DESC']] });
    await waitUntilSealable(written!.txId);
    const job = new AuditAnchorJob();
    const tick = new Date('2026-05-04T05:00:00Z');
    const first = await job.run(tick);
    expect(first).toMatchObject({ ran: true, status: 'succeeded', counts: { anchors: 1 } });
    expect(first.counts!.events).toBeGreaterThan(0);
    expect((await job.run(tick)).ran).toBe(false);
    const second = await job.run(new Date('2026-05-04T05:10:00Z'));
    expect(second).toMatchObject({ ran: true, status: 'succeeded', counts: { anchors: 0, events: 0 } });
    expect((await runsOf('audit-anchor')).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });
});
