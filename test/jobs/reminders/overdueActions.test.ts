import { transaction } from '../../../src/db';
import { updateActionStatus } from '../../../src/commands/actions';
import { OverdueActionsJob } from '../../../src/jobs/overdueActionsJob';
import { manualTick } from '../../../src/jobs/CronJob';
import { NOTICE } from '../../../src/notifications/kinds';
import { CorrectiveAction, type Complaint } from '../../../src/models';
import { useFixedClock, useTestClock } from '../../support/clock';
import { asActor } from '../../support/context';
import { useTestDatabase } from '../../support/db';
import { buildComplaint, buildDepartment, buildUser } from '../../support/factories';
import { createTestAction } from '../../support/actions';
import { moveTestCase } from '../../support/procedure';
import { expectNothing, forgetRuns, holders, mailsOf, noticesOf, runNow, sorted } from './support';

useTestDatabase();
useTestClock();

const job = new OverdueActionsJob();
const DAY = 86_400_000;
/** Time starts near the real now (intake's incident date is the real date's), off the whole minute: a manual tick on a whole minute is moved by 1 ms. */
const start = () => useFixedClock(Math.floor(Date.now() / 60_000) * 60_000 + 12_345);
const notices = (a: CorrectiveAction) => noticesOf(NOTICE.actionOverdue, { causePrefix: `action:${a.id}:` });

/** A department with its head, and a case in investigation (actions can be opened on it). */
async function setting() {
  const department = await buildDepartment();
  const head = await buildUser({ roles: ['dept_head'], departmentId: department.id });
  const otherHead = await buildUser({ roles: ['dept_head'] });
  const c = await moveTestCase(await buildComplaint(), ['investigation']);
  return { department, head, otherHead, c };
}
const actionOn = (c: Complaint, department: string, dueAt: Date, extra: Parameters<typeof createTestAction>[1] = {}) =>
  createTestAction(c.id, { ownerDepartment: department, dueAt, ...extra });

async function step(action: CorrectiveAction, status: 'in_progress' | 'done' | 'verified') {
  const officer = await buildUser({ roles: ['quality'] });
  const fresh = await CorrectiveAction.findByPk(action.id, { rejectOnEmpty: true });
  return asActor(() => updateActionStatus(action.id, { status, effective: status === 'verified' ? true : undefined }, fresh.version, { userId: officer.id, reads: () => true, can: () => true }), {
    userId: officer.id,
    roles: ['quality'],
    label: officer.name,
  });
}

describe('overdue-actions', () => {
  it('reminds the owner department’s head and quality once an action is past its due time, not at it, with e-mails', async () => {
    const t0 = start();
    const { department, head, otherHead, c } = await setting();
    const dueAt = new Date(t0.getTime() + 5 * DAY);
    const first = await actionOn(c, department.id, new Date(t0.getTime() + 20 * DAY));
    const action = await actionOn(c, department.id, dueAt);

    useFixedClock(dueAt);
    await expectNothing(job);
    useFixedClock(dueAt.getTime() + 1);
    const run = await runNow(job);
    const expected = sorted([head.id, ...(await holders(['quality']))]);
    expect(run).toMatchObject({ status: 'succeeded', counts: { reminded: 1, notifications: expected.length } });
    const rows = await notices(action);
    expect(sorted(rows.map((n) => n.recipient_id))).toEqual(expected);
    expect(rows.map((n) => n.recipient_id)).not.toContain(otherHead.id);
    // Named by its case and its number there (the second action of the case), never by its text.
    expect(rows[0]).toMatchObject({ params: { action: `${c.reference} #2`, reference: c.reference, dueAt: dueAt.toISOString() }, link: `/actions/${action.id}`, complaint_id: c.id });
    expect((await mailsOf(NOTICE.actionOverdue, rows[0].cause)).map((m) => m.recipient)).toContain(head.email);
    expect(await mailsOf(NOTICE.actionOverdue, rows[0].cause)).toHaveLength(expected.length);
    expect(await notices(first)).toEqual([]);

    useFixedClock(dueAt.getTime() + DAY);
    await expectNothing(job);
    expect(await notices(action)).toHaveLength(expected.length);
  });

  it('reminds again when a rescheduled action passes its new due time; done and verified actions get nothing, one in progress does', async () => {
    const t0 = start();
    const { department, c } = await setting();
    const due = new Date(t0.getTime() + DAY);
    const rescheduled = await actionOn(c, department.id, due);
    const done = await actionOn(c, department.id, due);
    const verified = await actionOn(c, department.id, due);
    const started = await actionOn(c, department.id, due);
    for (const s of ['in_progress', 'done'] as const) await step(done, s);
    for (const s of ['in_progress', 'done', 'verified'] as const) await step(verified, s);
    await step(started, 'in_progress');

    useFixedClock(due.getTime() + 60_000);
    await runNow(job);
    expect(await notices(rescheduled)).not.toEqual([]);
    expect(await notices(started)).not.toEqual([]);
    expect(await notices(done)).toEqual([]);
    expect(await notices(verified)).toEqual([]);

    const later = new Date(due.getTime() + 3 * DAY);
    await asActor(() => transaction(async () => (await CorrectiveAction.findByPk(rescheduled.id, { rejectOnEmpty: true })).update({ dueAt: later }, { auditAction: 'corrective_action.updated' } as object)));
    useFixedClock(later);
    await expectNothing(job);
    useFixedClock(later.getTime() + 1);
    expect(await runNow(job)).toMatchObject({ counts: { reminded: 1 } });
    const causes = new Set((await notices(rescheduled)).map((n) => n.params.dueAt));
    expect(causes).toEqual(new Set([due.toISOString(), later.toISOString()]));
  });

  it('skips an action that can no longer change (every case it answers closed) but keeps a supplier’s long-term fix tracked after closure', async () => {
    const t0 = start();
    const department = await buildDepartment();
    const due = new Date(t0.getTime() + DAY);
    const feedback = await buildComplaint({ kind: 'feedback' });
    const stuck = await createTestAction(feedback.id, { ownerDepartment: department.id, dueAt: due });
    const supplier = await createTestAction(feedback.id, { ownerDepartment: department.id, dueAt: due, type: 'supplier_long_term', supplier: { name: 'Công ty Linh kiện An Phát' } });
    await moveTestCase(feedback, ['closed'], { note: 'Đã trả lời khách hàng qua điện thoại.' });

    useFixedClock(due.getTime() + 60_000);
    await runNow(job);
    expect(await notices(stuck)).toEqual([]);
    expect(await notices(supplier)).not.toEqual([]);
  });

  it('writes each reminder exactly once when the job runs twice at the same moment (two manual ticks)', async () => {
    const t0 = start();
    const { department, head, c } = await setting();
    const due = new Date(t0.getTime() + DAY);
    const actions = [await actionOn(c, department.id, due), await actionOn(c, department.id, due), await actionOn(c, department.id, due)];
    const now = useFixedClock(due.getTime() + 60_000);
    await forgetRuns(job);
    const [a, b] = await Promise.all([job.run(manualTick(now)), new OverdueActionsJob().run(new Date(now.getTime() + 3))]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const expected = sorted([head.id, ...(await holders(['quality']))]);
    for (const action of actions) {
      const rows = await notices(action);
      expect(sorted(rows.map((n) => n.recipient_id))).toEqual(expected);
      expect(await mailsOf(NOTICE.actionOverdue, rows[0].cause)).toHaveLength(expected.length);
    }
  });
});
