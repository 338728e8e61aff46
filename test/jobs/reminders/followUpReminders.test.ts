import { FollowUpRemindersJob } from '../../../src/jobs/followUpRemindersJob';
import { manualTick } from '../../../src/jobs/CronJob';
import { NOTICE } from '../../../src/notifications/kinds';
import type { Complaint } from '../../../src/models';
import { useFixedClock, useTestClock } from '../../support/clock';
import { storedClock } from '../../support/clocks';
import { useTestDatabase } from '../../support/db';
import { buildComplaint, buildUser } from '../../support/factories';
import { moveTestCase, recordTestFollowUp } from '../../support/procedure';
import { expectNothing, forgetRuns, holders, mailsOf, noticesOf, runNow, sorted } from './support';

useTestDatabase();
useTestClock();

const job = new FollowUpRemindersJob();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const TO_FOLLOW_UP = ['investigation', 'solution', 'review', 'response', 'follow_up'] as const;

/** Time starts near the real now (intake's incident date is the real date's), off the whole minute: a manual tick on a whole minute is moved by 1 ms. */
const start = () => useFixedClock(Math.floor(Date.now() / 60_000) * 60_000 + 12_345);

async function inFollowUp(overrides: Parameters<typeof buildComplaint>[0] = {}): Promise<Complaint> {
  return moveTestCase(await buildComplaint(overrides), TO_FOLLOW_UP, { note: 'Khách hàng đồng ý phương án.' });
}
const followUpDue = async (c: Complaint) => (await storedClock(c.id, 'stage')).dueAt!;
const notices = (c: Complaint) => noticesOf(NOTICE.followUpDue, { complaintId: c.id });

describe('follow-up-reminders', () => {
  it('reminds the assignee once when the follow-up stage comes due (its 7 days), not a millisecond before, with an e-mail', async () => {
    start();
    const assignee = await buildUser({ roles: ['quality'] });
    const c = await inFollowUp({ assigneeId: assignee.id });
    const due = await followUpDue(c);
    // The follow-up stage's default SLA: 7 calendar days, ending at the end of the local day.
    expect(due.getTime() - c.stageEnteredAt.getTime()).toBeGreaterThanOrEqual(7 * DAY);
    expect(due.getTime() - c.stageEnteredAt.getTime()).toBeLessThan(8 * DAY);

    useFixedClock(due.getTime() - 1);
    await expectNothing(job);
    expect(await notices(c)).toEqual([]);

    useFixedClock(due);
    expect(await runNow(job)).toMatchObject({ status: 'succeeded', counts: { reminded: 1, notifications: 1 } });
    const [n, ...more] = await notices(c);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ recipient_id: assignee.id, params: { reference: c.reference, dueAt: due.toISOString() }, link: `/complaints/${c.id}`, complaint_id: c.id });
    const mails = await mailsOf(NOTICE.followUpDue, n.cause);
    expect(mails.map((m) => m.recipient)).toEqual([assignee.email]);
    expect(mails[0].payload).toMatchObject({ kind: NOTICE.followUpDue, params: { reference: c.reference } });

    // Run again, and a day later: nothing new (the run does not even count it).
    await expectNothing(job);
    useFixedClock(due.getTime() + DAY);
    await expectNothing(job);
    expect(await notices(c)).toHaveLength(1);
    expect(await mailsOf(NOTICE.followUpDue, n.cause)).toHaveLength(1);
  });

  it('reminds quality’s users when the case has no assignee; an outcome recorded, a closed case and a held case get nothing', async () => {
    start();
    const unassigned = await inFollowUp();
    const recorded = await inFollowUp();
    await recordTestFollowUp(recorded.id);
    const closed = await moveTestCase(await inFollowUp(), ['closed'], { note: 'Đã đóng hồ sơ.' });
    const held = await moveTestCase(await inFollowUp(), ['on_hold'], { reason: 'Chờ nhà cung cấp gửi kết quả kiểm nghiệm.' });
    const latest = Math.max(...(await Promise.all([unassigned, recorded].map(followUpDue))).map((d) => d.getTime()));

    useFixedClock(latest + 10 * DAY);
    const run = await runNow(job);
    expect(run).toMatchObject({ status: 'succeeded' });
    const quality = await holders(['quality']);
    expect(sorted((await notices(unassigned)).map((n) => n.recipient_id))).toEqual(quality);
    expect(run.counts).toMatchObject({ reminded: 1, notifications: quality.length });
    expect(await notices(recorded)).toEqual([]);
    expect(await notices(closed)).toEqual([]);
    expect(await notices(held)).toEqual([]);
  });

  it('counts a hold out: a case resumed in follow-up is reminded when its pushed-out due time comes, once', async () => {
    const t0 = start();
    const assignee = await buildUser({ roles: ['quality'] });
    let c = await inFollowUp({ assigneeId: assignee.id });
    const before = await followUpDue(c);
    useFixedClock(t0.getTime() + DAY);
    c = await moveTestCase(c, ['on_hold'], { reason: 'Chờ khách hàng dùng thử thêm.' });
    useFixedClock(t0.getTime() + 4 * DAY);
    c = await moveTestCase(c, ['follow_up']);
    const after = await followUpDue(c);
    expect(after.getTime()).toBeGreaterThan(before.getTime());

    useFixedClock(before);
    await expectNothing(job);
    useFixedClock(after);
    expect(await runNow(job)).toMatchObject({ counts: { reminded: 1, notifications: 1 } });
    expect((await notices(c)).map((n) => n.recipient_id)).toEqual([assignee.id]);
  });

  it('writes each reminder exactly once when the job runs twice at the same moment (two manual ticks)', async () => {
    start();
    const cases = [await inFollowUp(), await inFollowUp(), await inFollowUp()];
    const latest = Math.max(...(await Promise.all(cases.map(followUpDue))).map((d) => d.getTime()));
    const now = useFixedClock(latest + HOUR);
    await forgetRuns(job);
    const [a, b] = await Promise.all([job.run(manualTick(now)), new FollowUpRemindersJob().run(new Date(now.getTime() + 7))]);
    expect([a.ran, b.ran]).toEqual([true, true]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const quality = await holders(['quality']);
    for (const c of cases) {
      const rows = await notices(c);
      expect(sorted(rows.map((n) => n.recipient_id))).toEqual(quality);
      expect(await mailsOf(NOTICE.followUpDue, rows[0].cause)).toHaveLength(quality.length);
    }
    expect((a.counts!.notifications ?? 0) + (b.counts!.notifications ?? 0)).toBe(3 * quality.length);
  });
});
