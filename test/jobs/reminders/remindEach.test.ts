import { QueryTypes } from 'sequelize';
import { sequelize } from '../../../src/db';
import { CronJob, type JobContext } from '../../../src/jobs/CronJob';
import { notReminded, remindEach, type DueRow } from '../../../src/jobs/reminders';
import { NOTICE } from '../../../src/notifications/kinds';
import { notify } from '../../../src/notifications/notify';
import { useTestDatabase } from '../../support/db';
import { buildUser } from '../../support/factories';
import { noticesOf, runNow } from './support';

useTestDatabase();

const CAUSE = `'test:' || i.id`;

/** A job over `reminder_test_items`, three rows a page: what the four reminder jobs share. */
class ItemsJob extends CronJob {
  readonly name = 'reminder-items';
  readonly schedule = '* * * * *';
  seen: string[] = [];
  constructor(private readonly recipient: string) {
    super();
  }
  async perform(ctx: JobContext) {
    await remindEach<DueRow & { label: string }>(
      ctx,
      {
        dueColumn: 'i.due_at',
        idColumn: 'i.id',
        bind: [ctx.tick],
        page: 3,
        sql: (keyset, limit) => `
          SELECT i.id, i.label, to_json(i.due_at)#>>'{}' AS "dueKey", ${CAUSE} AS cause FROM reminder_test_items i
           WHERE i.due_at <= $1::timestamptz AND ${notReminded(CAUSE, NOTICE.followUpDue)} ${keyset}
           ORDER BY i.due_at, i.id LIMIT ${limit}`,
      },
      async (row) => {
        this.seen.push(row.label);
        if (row.label === 'nobody') return null;
        if (row.label === 'broken') throw new Error('this row cannot be reminded');
        return notify({ kind: NOTICE.followUpDue, cause: row.cause, recipientIds: [this.recipient], params: { reference: row.label } });
      },
    );
  }
}

beforeAll(async () => {
  await sequelize().query('CREATE TABLE reminder_test_items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), due_at timestamptz NOT NULL, label text NOT NULL)');
});

describe('remindEach', () => {
  it('pages through ties and microsecond due times without repeating or skipping a row; retries the unreached and the failed, not the reminded', async () => {
    // Seven rows due across three pages of three: four at one microsecond instant (a tie across the first page's edge, which
    // a JS Date would round to the millisecond), one with nobody to notify, one failing.
    await sequelize().query(`
      INSERT INTO reminder_test_items (due_at, label) VALUES
        ('2026-01-01 10:00:00.000001+00', 'a'), ('2026-01-01 10:00:00.000001+00', 'b'), ('2026-01-01 10:00:00.000001+00', 'c'),
        ('2026-01-01 10:00:00.000001+00', 'd'), ('2026-01-01 10:00:00.000002+00', 'nobody'),
        ('2026-01-02 00:00:00+00', 'broken'), ('2026-01-03 00:00:00.999999+00', 'e'),
        ('2099-01-01 00:00:00+00', 'later')`);
    const user = await buildUser();
    const job = new ItemsJob(user.id);
    const first = await runNow(job);
    expect(first).toMatchObject({ status: 'succeeded', counts: { reminded: 5, notifications: 5, unreached: 1, failed: 1 } });
    expect([...job.seen].sort()).toEqual(['a', 'b', 'broken', 'c', 'd', 'e', 'nobody']);
    const labels = (await noticesOf(NOTICE.followUpDue, { causePrefix: 'test:' })).map((n) => n.params.reference).sort();
    expect(labels).toEqual(['a', 'b', 'c', 'd', 'e']);

    job.seen = [];
    const second = await runNow(job);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toEqual({ unreached: 1, failed: 1 });
    expect([...job.seen].sort()).toEqual(['broken', 'nobody']);
    const [{ n }] = await sequelize().query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE cause LIKE 'test:%'`, { type: QueryTypes.SELECT });
    expect(n).toBe(5);
  });
});
