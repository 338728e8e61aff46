import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { manualTick, tickOf } from '../../src/jobs/CronJob';
import { SatisfactionRequestsJob } from '../../src/jobs/satisfactionRequestsJob';
import { useTestDatabase } from '../support/db';
import { runTicksInProcesses } from '../support/jobProcesses';
import { serverUrl, withDatabase } from '../support/testDatabase';
import { caseClosedAt, HOUR } from './support';

/**
 * Two schedulers inviting at once: each case gets one invitation and one e-mail. On the embedded
 * database two job instances in this process; with DATABASE_URL also two real processes
 * (test/support/runJobTick.ts) started together against PostgreSQL, on different ticks (both perform).
 */
useTestDatabase();

async function closedCases(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await caseClosedAt(new Date(Date.now() - 80 * HOUR + i * 1000))).id);
  return ids;
}

async function expectOnceEach(ids: string[]) {
  const rows = await sequelize().query<{ id: string; invitations: string; mails: string }>(
    `SELECT c.id,
            (SELECT count(*) FROM survey_invitations i WHERE i.complaint_id = c.id) AS invitations,
            (SELECT count(*) FROM outbox o WHERE o.kind = 'survey.requested' AND o.complaint_id = c.id) AS mails
       FROM complaints c WHERE c.id = ANY($1::uuid[])`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  expect(rows).toHaveLength(ids.length);
  for (const r of rows) expect([r.id, Number(r.invitations), Number(r.mails)]).toEqual([r.id, 1, 1]);
}

describe('two satisfaction-requests schedulers at once', () => {
  it('in one process: the same tick runs once, two different ticks both run, every case invited once', async () => {
    const ids = await closedCases(8);
    const tick = tickOf(new Date());
    const [a, b] = await Promise.all([new SatisfactionRequestsJob().run(tick), new SatisfactionRequestsJob().run(tick)]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    await expectOnceEach(ids);
    const more = await closedCases(8);
    const runs = await Promise.all([new SatisfactionRequestsJob().run(tickOf(new Date(Date.now() + 60_000))), new SatisfactionRequestsJob().run(manualTick())]);
    expect(runs.map((r) => [r.ran, r.status])).toEqual([
      [true, 'succeeded'],
      [true, 'succeeded'],
    ]);
    await expectOnceEach(more);
  });

  if (process.env.DATABASE_URL) {
    it('in two real processes against PostgreSQL, on two ticks at once: every case invited and mailed once', async () => {
      const [{ db }] = await sequelize().query<{ db: string }>('SELECT current_database() AS db', { type: QueryTypes.SELECT });
      const url = withDatabase(serverUrl()!, db);
      const ids = await closedCases(30);
      const ticks = [tickOf(new Date(Date.now() + 10 * 60_000)), manualTick()];
      const outcomes = await runTicksInProcesses(url, 'satisfaction-requests', ticks);
      expect(outcomes.map((o) => [o.ran, o.status])).toEqual([
        [true, 'succeeded'],
        [true, 'succeeded'],
      ]);
      await expectOnceEach(ids);
    }, 90_000);
  }
});
