import { updateActionStatus } from '../../src/commands/actions';
import { recordCustomerAnswer, transitionCase, type Actor } from '../../src/commands/caseTransitioner';
import { ROLE_KEYS, type RoleKey } from '../../src/domain/roles';
import { Complaint, User } from '../../src/models';
import { defineAbilityFor } from '../../src/policies/ability';
import { caseDuties, myWork, type WorkItem } from '../../src/queries/myWork';
import { demoEmail, seedDemo } from '../../seeds/demo';
import { createTestAction } from '../support/actions';
import { sessionAgent, useTestApp } from '../support/app';
import { advanceClock, useTestClock } from '../support/clock';
import { declineDisposal, proposeDisposal } from '../../src/commands/disposal';
import { resetClock, useFixedClock } from '../../src/lib/clock';
import { sealedTestArchive } from '../support/archives';
import { asActor } from '../support/context';
import { buildComplaint, buildDepartment, buildUser, signedIn, TEST_PASSWORD } from '../support/factories';
import { moveTestCase, proposeTestSolution, recordTestFindings } from '../support/procedure';

const t = useTestApp();
useTestClock();
const ZONE = 'Asia/Ho_Chi_Minh';
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const abilityOf = (...roles: RoleKey[]) => defineAbilityFor({ id: 'u1', roles, departmentId: 'd1', active: true });

describe('whose cases wait for whom (from the procedure and the ability)', () => {
  it.each<[RoleKey, Array<{ stage: string; scope: string }>]>([
    ['intake', [{ stage: 'intake', scope: 'all' }]],
    [
      'quality',
      [
        { stage: 'intake', scope: 'handler' },
        { stage: 'investigation', scope: 'handler' },
        { stage: 'solution', scope: 'handler' },
        { stage: 'response', scope: 'handler' },
        { stage: 'follow_up', scope: 'handler' },
      ],
    ],
    ['dept_head', [{ stage: 'response', scope: 'department' }]],
    ['cs_director', [{ stage: 'review', scope: 'all' }]],
    ['legal', [{ stage: 'disputed', scope: 'all' }]],
    ['ceo', []],
    ['admin_officer', []],
    ['auditor', []],
    ['sysadmin', []],
  ])('%s', (role, duties) => {
    expect(caseDuties(abilityOf(role)).sort((a, b) => a.stage.localeCompare(b.stage))).toEqual([...duties].sort((a, b) => a.stage.localeCompare(b.stage)));
  });

  it('gives someone who also runs cases the case handler’s scope (intake + quality: their own intake cases, not the pool)', () => {
    expect(caseDuties(abilityOf('intake', 'quality')).find((d) => d.stage === 'intake')).toEqual({ stage: 'intake', scope: 'handler' });
  });
});

describe('my work, per role, with real records', () => {
  let everything: Actor;
  const users = {} as Record<'intake' | 'quality' | 'quality2' | 'head' | 'otherHead' | 'owner' | 'director' | 'legal' | 'ceo' | 'admin' | 'auditor' | 'sysadmin', User>;
  const cases = {} as Record<string, Complaint>;
  const ids = {} as Record<string, string>;

  const workOf = async (user: User) => (await myWork(defineAbilityFor(user), user)).items;
  const keys = (items: WorkItem[]) => items.map((i) => `${i.kind}:${i.id}`);

  beforeAll(async () => {
    const dept = await buildDepartment({ name: 'Phòng Kỹ thuật' });
    users.intake = await buildUser({ roles: ['intake'] });
    users.quality = await buildUser({ roles: ['quality'] });
    users.quality2 = await buildUser({ roles: ['quality'] });
    users.head = await buildUser({ roles: ['dept_head'], departmentId: dept.id });
    users.otherHead = await buildUser({ roles: ['dept_head'] });
    users.owner = await buildUser({ roles: ['dept_head'] });
    users.director = await buildUser({ roles: ['cs_director'] });
    users.legal = await buildUser({ roles: ['legal'] });
    users.admin = await buildUser({ roles: ['admin_officer'] });
    users.auditor = await buildUser({ roles: ['auditor'] });
    users.sysadmin = await buildUser({ roles: ['sysadmin'] });
    everything = { userId: users.quality2.id, can: () => true };

    cases.intakePool = await buildComplaint();
    cases.intakeMine = await buildComplaint({ assigneeId: users.quality.id });
    cases.investigationMine = await moveTestCase(await buildComplaint({ assigneeId: users.quality.id }), ['investigation']);
    cases.investigationOther = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation']);
    cases.solutionPool = await moveTestCase(await buildComplaint(), ['investigation', 'solution']);
    cases.review = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation', 'solution', 'review']);
    // In response: one whose findings name the head's department, one the department owns an action on, one of nobody's department.
    const found = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation', 'solution']);
    await recordTestFindings(found.id, { substantiated: true, responsibleDepartment: dept.id });
    cases.responseFindings = await moveTestCase(found, ['review', 'response']);
    cases.responseAction = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation', 'solution', 'review', 'response']);
    cases.responseOther = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation', 'solution', 'review', 'response']);
    // Disputed: rejected in round 1 and again in round 2.
    const disputed = await moveTestCase(await buildComplaint({ assigneeId: users.quality2.id }), ['investigation', 'solution', 'review', 'response']);
    await asActor(() => recordCustomerAnswer(disputed.id, undefined, { accepted: false, reason: 'Chưa đồng ý.' }, everything, ZONE));
    await proposeTestSolution(disputed.id);
    for (const to of ['review', 'response'] as const) await asActor(() => transitionCase(disputed.id, undefined, { to }, everything, ZONE));
    cases.disputed = await asActor(() => recordCustomerAnswer(disputed.id, undefined, { accepted: false, reason: 'Khởi kiện.' }, everything, ZONE));
    expect(cases.disputed.status).toBe('disputed');

    // Actions: the head's department's (open, and one done), one owned by a person, one of another department.
    ids.deptAction = (await createTestAction(cases.responseAction.id, { ownerDepartment: dept.id, dueAt: new Date(Date.now() + 3 * 86_400_000) })).id;
    ids.ownedAction = (await createTestAction(cases.investigationMine.id, { ownerId: users.owner.id, dueAt: new Date(Date.now() + 5 * 86_400_000) })).id;
    ids.otherAction = (await createTestAction(cases.investigationMine.id)).id;

    // Regulatory: one review awaiting the CEO, one `report` decision unfiled, one filed.
    const quality = await signedIn(['quality']);
    const ceo = await signedIn(['ceo']);
    users.ceo = ceo.user;
    const admin = await signedIn(['admin_officer']);
    const submit = async (c: Complaint) =>
      expect((await t.request().post(`/api/v1/complaints/${c.id}/regulatory/submit`).set(quality.auth).send({ summary: 'Khách hàng bị bỏng nhẹ do máy rò điện.' })).status).toBe(201);
    const decide = async (c: Complaint) =>
      expect((await t.request().post(`/api/v1/complaints/${c.id}/regulatory/decision`).set(ceo.auth).send({ decision: 'report', rationale: 'Phải báo cáo.', password: TEST_PASSWORD })).status).toBe(201);
    cases.toSign = await buildComplaint({ harm: 'serious_injury' });
    await submit(cases.toSign);
    cases.toFile = await buildComplaint({ harm: 'serious_injury' });
    await submit(cases.toFile);
    await decide(cases.toFile);
    cases.filed = await buildComplaint({ harm: 'serious_injury' });
    await submit(cases.filed);
    await decide(cases.filed);
    expect(
      (await t.request().post(`/api/v1/complaints/${cases.filed.id}/regulatory/report`).set(admin.auth).send({ authority: 'Sở Y tế Hà Nội', submittedAt: new Date().toISOString(), referenceNo: 'SYT-2026-01' })).status,
    ).toBe(201);
  });

  const caseKeys = (...names: string[]) => names.map((n) => `case:${cases[n].id}`);

  it('intake: every case in intake (both pool and assigned), nothing else of the case sources', async () => {
    const work = await workOf(users.intake);
    const mine = keys(work).filter((k) => k.startsWith('case:'));
    expect(mine).toEqual(expect.arrayContaining(caseKeys('intakePool', 'intakeMine')));
    expect(work.every((i) => i.kind === 'case' && i.stage === 'intake')).toBe(true);
  });

  it('quality: cases assigned to them and the unassigned ones past intake, never a colleague’s or the intake pool', async () => {
    const work = keys(await workOf(users.quality));
    expect(work).toEqual(expect.arrayContaining(caseKeys('intakeMine', 'investigationMine', 'solutionPool')));
    for (const k of caseKeys('intakePool', 'investigationOther', 'review', 'responseOther', 'disputed', 'toSign')) expect(work).not.toContain(k);
    expect(work.filter((k) => !k.startsWith('case:'))).toEqual([]);
    // The colleague gets theirs and the same unassigned one.
    const other = keys(await workOf(users.quality2));
    expect(other).toEqual(expect.arrayContaining(caseKeys('investigationOther', 'solutionPool', 'responseFindings', 'responseAction', 'responseOther')));
    expect(other).not.toContain(`case:${cases.investigationMine.id}`);
    expect(other).not.toContain(`case:${cases.review.id}`);
  });

  it("dept_head: their department's cases in response and their department's open actions; another head none of them", async () => {
    const work = keys(await workOf(users.head));
    expect(work.sort()).toEqual([...caseKeys('responseFindings', 'responseAction'), `action:${ids.deptAction}`].sort());
    const other = keys(await workOf(users.otherHead));
    expect(other).toEqual([]);
  });

  it('an action’s owner: the action they own, in progress too, until it is done', async () => {
    expect(keys(await workOf(users.owner))).toEqual([`action:${ids.ownedAction}`]);
    const allowed = { userId: users.quality2.id, reads: () => true, can: () => true };
    let action = await asActor(() => updateActionStatus(ids.ownedAction, { status: 'in_progress' }, undefined, allowed));
    expect(await workOf(users.owner)).toEqual([expect.objectContaining({ kind: 'action', id: ids.ownedAction, status: 'in_progress' })]);
    action = await asActor(() => updateActionStatus(ids.ownedAction, { status: 'done' }, action.version, allowed));
    expect(action.status).toBe('done');
    expect(await workOf(users.owner)).toEqual([]);
  });

  it('cs_director: the cases awaiting review; legal: the disputed ones', async () => {
    expect(keys(await workOf(users.director))).toEqual(caseKeys('review'));
    expect(keys(await workOf(users.legal))).toEqual(caseKeys('disputed'));
  });

  it('ceo: the reviews awaiting the decision; admin_officer: the report decisions not filed', async () => {
    const ceo = await workOf(users.ceo);
    expect(ceo.map((i) => [i.kind, i.complaint.id])).toEqual([['signature', cases.toSign.id]]);
    const admin = await workOf(users.admin);
    expect(admin.map((i) => [i.kind, i.complaint.id])).toEqual([['filing', cases.toFile.id]]);
    expect(admin[0].dueAt).toEqual(expect.any(String));
  });

  it('legal: a disposal proposal waits for a lawyer who did not propose it, until it is decided', async () => {
    const { archive } = await sealedTestArchive();
    const proposer = await buildUser({ roles: ['sysadmin', 'legal'] });
    useFixedClock(archive.retentionUntil.getTime() + 86_400_000);
    try {
      const d = await asActor(() => proposeDisposal(archive.id, { reason: 'Hết thời hạn lưu trữ.' }, { userId: proposer.id, mayPropose: true, mayDecide: true }));
      const waiting = (await workOf(users.legal)).filter((i) => i.kind === 'disposal');
      expect(waiting.map((i) => i.id)).toEqual([d.id]);
      expect((await workOf(proposer)).filter((i) => i.kind === 'disposal')).toEqual([]);
      await asActor(() => declineDisposal(d.id, {}, { userId: users.legal.id, mayPropose: false, mayDecide: true }));
      expect((await workOf(users.legal)).filter((i) => i.kind === 'disposal')).toEqual([]);
    } finally {
      resetClock();
    }
  });

  it('auditor and sysadmin: nothing waits', async () => {
    expect(await workOf(users.auditor)).toEqual([]);
    expect(await workOf(users.sysadmin)).toEqual([]);
  });

  it('orders every source together by due time, soonest first, those without a deadline last', async () => {
    for (const user of Object.values(users)) {
      const due = (await workOf(user)).map((i) => (i.dueAt ? Date.parse(i.dueAt) : Infinity));
      expect(due).toEqual([...due].sort((a, b) => a - b));
    }
    // The head's: the cases (hours-long stage clocks) before the action due in 3 days.
    const head = await workOf(users.head);
    expect(head[head.length - 1]).toMatchObject({ kind: 'action', id: ids.deptAction });
  });

  it('bounds each source: the limit, and whether more cases wait', async () => {
    const capped = await myWork(defineAbilityFor(users.quality2), users.quality2, 2);
    expect(capped.items.filter((i) => i.kind === 'case')).toHaveLength(2);
    expect(capped.moreCases).toBe(true);
    expect((await myWork(defineAbilityFor(users.director), users.director, 2)).moreCases).toBe(false);
  });

  it('shows it on the home page in the due order, with the time left, overdue marked, each linking where it is done', async () => {
    const agent = await sessionAgent(t.app, users.head);
    let html = decoded((await agent.get('/').query({ lang: 'vi' })).text);
    let rows = html.split('data-testid="home-task"').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain(`href="/actions/${ids.deptAction}"`);
    expect(rows[2]).toContain('còn 2 ngày');
    expect(rows[0]).toContain('Hồ sơ đang ở bước Phản hồi khách hàng');
    expect(html).not.toContain('data-overdue="true"');
    // A day later the cases' hour-long clocks are overdue; the action is not.
    advanceClock(86_400_000);
    html = decoded((await agent.get('/').query({ lang: 'vi' })).text);
    rows = html.split('data-testid="home-task"').slice(1);
    expect(rows.slice(0, 2).every((r) => r.includes('data-overdue="true"') && r.includes('quá hạn'))).toBe(true);
    expect(rows[2]).not.toContain('data-overdue');
    expect(rows[2]).toContain('còn 47 giờ');

    const ceo = await sessionAgent(t.app, users.ceo);
    const ceoHtml = decoded((await ceo.get('/').query({ lang: 'en' })).text);
    expect(ceoHtml).toContain(`href="/complaints/${cases.toSign.id}/regulatory/sign"`);
    expect(ceoHtml).toContain('Regulatory report decision');
    const admin = await sessionAgent(t.app, users.admin);
    expect(decoded((await admin.get('/').query({ lang: 'vi' })).text)).toContain(`href="/complaints/${cases.toFile.id}#regulatory"`);
  });

  it('links to the queue when more cases wait than the list shows (50)', async () => {
    const agent = await sessionAgent(t.app, users.intake);
    expect((await agent.get('/')).text).not.toContain('data-testid="home-tasks-more"');
    for (let i = 0; i < 49; i++) await buildComplaint({}, users.intake);
    const html = decoded((await agent.get('/').query({ lang: 'vi' })).text);
    expect(html.split('data-testid="home-task"').slice(1)).toHaveLength(50);
    expect(html).toContain('href="/complaints?status=intake&sort=due" data-testid="home-tasks-more">Xem tất cả trong hàng đợi hồ sơ');
  });

  it('shows a friendly empty state to a user with nothing waiting', async () => {
    const agent = await sessionAgent(t.app, users.sysadmin);
    const vi = decoded((await agent.get('/').query({ lang: 'vi' })).text);
    expect(vi).toContain('data-testid="my-work-empty"');
    expect(vi).toContain('Hiện không có việc nào chờ bạn.');
    expect(vi).not.toContain('data-testid="home-tasks"');
    const en = decoded((await agent.get('/').query({ lang: 'en' })).text);
    expect(en).toContain('Nothing waits for you right now.');
  });
});

describe('the home page of each demo role', () => {
  beforeAll(async () => {
    await seedDemo();
  });

  it.each(ROLE_KEYS)('renders for the demo %s, with the work list or its empty state', async (role) => {
    const user = await User.findOne({ where: { email: demoEmail(role) }, rejectOnEmpty: true });
    const agent = await sessionAgent(t.app, user);
    const res = await agent.get('/').query({ lang: 'vi' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`data-testid="role-card-${role}"`);
    expect(/data-testid="(home-tasks|my-work-empty)"/.test(res.text)).toBe(true);
  });
});
