import { ReportDeadlinesJob } from '../../../src/jobs/reportDeadlinesJob';
import { manualTick } from '../../../src/jobs/CronJob';
import { NOTICE } from '../../../src/notifications/kinds';
import { RegulatoryReview, User, type Complaint } from '../../../src/models';
import { useFixedClock, useTestClock } from '../../support/clock';
import { useTestDatabase } from '../../support/db';
import { buildComplaint, buildUser } from '../../support/factories';
import { decideTestReview, fileTestReport, expectNothing, forgetRuns, holders, mailsOf, noticesOf, runNow, sorted, submitTestReview } from './support';

useTestDatabase();
useTestClock();

const job = new ReportDeadlinesJob();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Time starts near the real now (intake's incident date is the real date's), off the whole minute: a manual tick on a whole minute is moved by 1 ms. */
const start = () => useFixedClock(Math.floor(Date.now() / 60_000) * 60_000 + 12_345);

/** A serious case (harm serious_injury: flagged for review) submitted to the CEO: the report is due 10 days after receipt. */
async function submitted(): Promise<{ c: Complaint; review: RegulatoryReview }> {
  const c = await buildComplaint({ harm: 'serious_injury' });
  const review = await submitTestReview(c.id);
  return { c, review };
}
const notices = (c: Complaint) => noticesOf(NOTICE.reportDue, { complaintId: c.id });
const windows = async (c: Complaint) => [...new Set((await notices(c)).map((n) => n.params.window))];
const recipientsOf = async (c: Complaint, window: string) => sorted((await notices(c)).filter((n) => n.params.window === window).map((n) => n.recipient_id));

describe('report-deadlines', () => {
  it('reminds every admin officer and CEO 3 days and 1 day before the deadline and once when overdue, each once, with e-mails', async () => {
    start();
    const admin = await buildUser({ roles: ['admin_officer'] });
    const ceo = await buildUser({ roles: ['ceo'] });
    const bystander = await buildUser({ roles: ['dept_head'] });
    const { c, review } = await submitted();
    const due = review.reportDueAt.getTime();

    useFixedClock(due - 3 * DAY - 1);
    await expectNothing(job);
    expect(await notices(c)).toEqual([]);

    useFixedClock(due - 3 * DAY);
    const first = await runNow(job);
    const people = await holders(['admin_officer', 'ceo']);
    expect(people).toEqual(expect.arrayContaining([admin.id, ceo.id]));
    expect(people).not.toContain(bystander.id);
    expect(first).toMatchObject({ status: 'succeeded', counts: { reminded: 1, notifications: people.length } });
    expect(await recipientsOf(c, '3d')).toEqual(people);
    const [n] = await notices(c);
    expect(n).toMatchObject({ params: { reference: c.reference, dueAt: review.reportDueAt.toISOString(), window: '3d' }, link: `/complaints/${c.id}`, complaint_id: c.id });
    const mailed = sorted((await mailsOf(NOTICE.reportDue, n.cause)).map((m) => m.recipient));
    expect(mailed).toEqual(await emailsOf(people));
    expect(mailed).toEqual(expect.arrayContaining([admin.email, ceo.email]));

    useFixedClock(due - 3 * DAY + HOUR);
    await expectNothing(job);
    useFixedClock(due - DAY - 1);
    await expectNothing(job);
    useFixedClock(due - DAY);
    expect(await runNow(job)).toMatchObject({ counts: { reminded: 1 } });
    expect(await windows(c)).toEqual(['3d', '1d']);
    useFixedClock(due - 1);
    await expectNothing(job);
    useFixedClock(due);
    expect(await runNow(job)).toMatchObject({ counts: { reminded: 1 } });
    useFixedClock(due + 5 * DAY);
    await expectNothing(job);
    expect(await windows(c)).toEqual(['3d', '1d', 'overdue']);
    expect(await recipientsOf(c, 'overdue')).toEqual(people);
  });

  it('sends only the window a review is in when it is first seen (a late submission, a run after downtime)', async () => {
    start();
    const { c, review } = await submitted();
    useFixedClock(review.reportDueAt.getTime() - 12 * HOUR);
    expect((await runNow(job)).status).toBe('succeeded');
    expect(await windows(c)).toEqual(['1d']);
  });

  it('covers a decided, unfiled report and reminds again against a deadline the decision moved; no_report and filed reviews get nothing', async () => {
    start();
    const decided = await submitted();
    const moved = await submitted();
    const notNeeded = await submitted();
    const filed = await submitted();
    await decideTestReview(decided.c.id, 'report');
    await decideTestReview(notNeeded.c.id, 'no_report');
    await decideTestReview(filed.c.id, 'report');
    await fileTestReport(filed.c.id);
    const due = decided.review.reportDueAt.getTime();

    // The submission's deadline (10 days, death_or_serious_injury), 3 days before.
    useFixedClock(due - 3 * DAY + 1);
    await runNow(job);
    expect(await windows(decided.c)).toEqual(['3d']);
    expect(await windows(moved.c)).toEqual(['3d']);
    expect(await notices(notNeeded.c)).toEqual([]);
    expect(await notices(filed.c)).toEqual([]);

    // The CEO reports with a category of a later deadline (15 days): its 3-day reminder comes again, for the new date.
    const { review } = await decideTestReview(moved.c.id, 'report', 'other_reportable');
    expect(review.reportDueAt.getTime()).toBeGreaterThan(due);
    useFixedClock(review.reportDueAt.getTime() - 3 * DAY);
    await runNow(job);
    const movedNotices = await notices(moved.c);
    expect(new Set(movedNotices.map((n) => n.params.dueAt))).toEqual(new Set([new Date(due).toISOString(), review.reportDueAt.toISOString()]));
    expect(await notices(notNeeded.c)).toEqual([]);
    expect(await notices(filed.c)).toEqual([]);
  });

  it('writes each reminder exactly once when the job runs twice at the same moment (two manual ticks)', async () => {
    start();
    const reviews = [await submitted(), await submitted(), await submitted()];
    const now = useFixedClock(Math.max(...reviews.map((r) => r.review.reportDueAt.getTime())) - 2 * DAY);
    await forgetRuns(job);
    const [a, b] = await Promise.all([job.run(manualTick(now)), new ReportDeadlinesJob().run(new Date(now.getTime() + 3))]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const people = await holders(['admin_officer', 'ceo']);
    for (const { c } of reviews) {
      const rows = await notices(c);
      expect(sorted(rows.map((n) => n.recipient_id))).toEqual(people);
      expect(await mailsOf(NOTICE.reportDue, rows[0].cause)).toHaveLength(people.length);
    }
    expect((a.counts!.notifications ?? 0) + (b.counts!.notifications ?? 0)).toBe(3 * people.length);
  });
});

/** The e-mail addresses of `ids`, sorted (every test user has one). */
async function emailsOf(ids: string[]): Promise<string[]> {
  return sorted((await User.findAll({ where: { id: ids }, attributes: ['email'] })).map((u) => u.email));
}
