import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent, MeetingAssignment, type Complaint } from '../../src/models';
import { assignmentsFor } from '../../src/queries/meetings';
import { csrfFrom, sessionAgent, useTestApp } from '../support/app';
import { buildComplaint, buildUser, sealCase, signedIn, tokenFor } from '../support/factories';

const t = useTestApp();

type Auth = Record<string, string>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const setStatus = (auth: Auth, id: string, body: unknown) => t.request().post(`/api/v1/meeting-assignments/${id}/status`).set(auth).send(body as object);
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let quality: Awaited<ReturnType<typeof signedIn>>;
let director: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  director = await signedIn(['cs_director'], { name: 'Lê Văn Giám' });
});

/** A case with approved minutes giving `assignee` one task (returned with its id). */
async function approvedTask(assigneeId: string, task = 'Cập nhật quy cách đóng gói'): Promise<{ c: Complaint; meeting: Json; taskId: string }> {
  const c = await buildComplaint();
  const made = await t
    .request()
    .post(`/api/v1/complaints/${c.id}/meetings`)
    .set(quality.auth)
    .send({
      heldAt: hoursAgo(2),
      attendees: [quality.user.id, 'Kho'],
      agenda: 'Rò rỉ máy lọc nước lô L-2611.',
      minutes: 'Kho xác nhận đóng gói thiếu xốp chèn góc.',
      decisions: 'Kho bổ sung quy cách đóng gói.',
      assignments: [{ assigneeId, task, dueAt: inDays(7) }],
    });
  expect(made.status).toBe(201);
  const approved = await t.request().post(`/api/v1/meetings/${made.body.id}/approve`).set(director.auth).send({ version: 0 });
  expect(approved.status).toBe(200);
  return { c, meeting: approved.body, taskId: approved.body.assignments[0].id };
}

describe('POST /api/v1/meeting-assignments/:id/status', () => {
  it('lets the assignee mark a task of approved minutes done (audited under the case); the task leaves their list; quality opens it again', async () => {
    const kho = await buildUser({ roles: ['dept_head'], name: 'Phạm Văn Kho' });
    const khoAuth = { Authorization: `Bearer ${await tokenFor(kho)}` };
    const { c, meeting, taskId } = await approvedTask(kho.id);
    expect((await assignmentsFor(kho.id)).map((a) => a.id)).toEqual([taskId]);

    const done = await setStatus(khoAuth, taskId, { status: 'done', version: 0 });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: taskId, meetingId: meeting.id, assignee: { id: kho.id, name: 'Phạm Văn Kho' }, status: 'done', version: 1 });
    expect(await assignmentsFor(kho.id)).toEqual([]);
    // The minutes stay approved and unchanged; the case detail shows the task done.
    const shown = await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth);
    expect(shown.body.meetings[0]).toMatchObject({ id: meeting.id, status: 'approved', version: meeting.version, assignments: [{ id: taskId, status: 'done' }] });

    // The same status again changes nothing and writes nothing (a form sent twice without a version).
    const again = await setStatus(khoAuth, taskId, { status: 'done' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'done', version: 1 });

    const reopened = await setStatus(quality.auth, taskId, { status: 'open' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', version: 2 });
    expect((await assignmentsFor(kho.id)).map((a) => a.id)).toEqual([taskId]);
    // cs_director may too.
    expect((await setStatus(director.auth, taskId, { status: 'done', version: 2 })).status).toBe(200);

    const events = await AuditEvent.findAll({ where: { entityType: 'MeetingAssignment', entityId: taskId }, order: [['occurredAt', 'ASC']] });
    expect(events.map((e) => [e.action, e.actorId, e.complaintId])).toEqual([
      ['meeting_assignment.created', quality.user.id, c.id],
      ['meeting_assignment.done', kho.id, c.id],
      ['meeting_assignment.reopened', quality.user.id, c.id],
      ['meeting_assignment.done', director.user.id, c.id],
    ]);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('answers 401 without a sign-in, 403 to another user who reads the case, 404 for an unknown task or one the reader cannot see', async () => {
    const kho = await buildUser({ roles: ['dept_head'] });
    const { taskId } = await approvedTask(kho.id);
    expect((await t.request().post(`/api/v1/meeting-assignments/${taskId}/status`).send({ status: 'done' })).status).toBe(401);

    const other = await signedIn(['dept_head']);
    const refused = await setStatus(other.auth, taskId, { status: 'done' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    const ceo = await signedIn(['ceo']);
    expect((await setStatus(ceo.auth, taskId, { status: 'done' })).status).toBe(403);
    // A sysadmin reads no case: the task is as unknown as a missing one.
    const sysadmin = await signedIn(['sysadmin']);
    expect((await setStatus(sysadmin.auth, taskId, { status: 'done' })).status).toBe(404);
    expect((await setStatus(quality.auth, UNKNOWN, { status: 'done' })).status).toBe(404);
    expect((await setStatus(quality.auth, 'not-a-uuid', { status: 'done' })).status).toBe(404);
    expect((await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true })).status).toBe('open');
  });

  it('answers 400 for a status that is not open or done, a bad version or an unknown field', async () => {
    const kho = await buildUser({ roles: ['dept_head'] });
    const { taskId } = await approvedTask(kho.id);
    for (const body of [{}, { status: 'finished' }, { status: 'done', version: -1 }, { status: 'done', version: 'x' }, { status: 'done', task: 'Việc khác' }]) {
      const res = await setStatus(quality.auth, taskId, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const res = await setStatus(quality.auth, taskId, { status: 'finished' });
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'status' })]);
    expect((await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true })).status).toBe('open');
  });

  it('answers 409 for a stale version and for a sealed case', async () => {
    const kho = await buildUser({ roles: ['dept_head'] });
    const { c, taskId } = await approvedTask(kho.id);
    expect((await setStatus(quality.auth, taskId, { status: 'done', version: 0 })).status).toBe(200);
    const stale = await setStatus(quality.auth, taskId, { status: 'open', version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');

    await sealCase(c.id);
    const sealed = await setStatus(quality.auth, taskId, { status: 'open' });
    expect(sealed.status).toBe(409);
    expect(sealed.body.code).toBe('immutable_record');
    expect((await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true })).status).toBe('done');
  });

  it('takes concurrent marks of one task one at a time: one wins, the others with the same version are 409', async () => {
    const kho = await buildUser({ roles: ['dept_head'] });
    const khoAuth = { Authorization: `Bearer ${await tokenFor(kho)}` };
    const { taskId } = await approvedTask(kho.id);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => setStatus(i % 2 ? khoAuth : quality.auth, taskId, { status: 'done', version: 0 })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const row = await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true });
    expect(row).toMatchObject({ status: 'done', version: 1 });
    expect(await AuditEvent.count({ where: { entityType: 'MeetingAssignment', entityId: taskId, action: 'meeting_assignment.done' } })).toBe(1);
  });
});

describe('the Done button (home task list and the case page)', () => {
  it('marks a task done from the home page by a no-JS form: back home, the task gone from the list', async () => {
    const kho = await buildUser({ roles: ['dept_head'], name: 'Phạm Văn Kho' });
    const { taskId } = await approvedTask(kho.id, 'Đổi trả 20 thùng cho đại lý');
    const agent = await sessionAgent(t.app, kho);
    const home = await agent.get('/').query({ lang: 'vi' });
    expect(home.status).toBe(200);
    const html = decoded(home.text);
    expect(html).toContain('Đổi trả 20 thùng cho đại lý');
    expect(html).toContain(`action="/meeting-assignments/${taskId}/status"`);
    expect(html).toContain('Đã xong');

    // Without the CSRF token: refused, nothing changed.
    expect((await agent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ status: 'done', version: '0', back: 'home' })).status).toBe(403);
    expect((await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true })).status).toBe('open');

    const res = await agent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ _csrf: csrfFrom(home.text), status: 'done', version: '0', back: 'home' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/#tasks-h');
    const after = decoded((await agent.get('/').query({ lang: 'vi' })).text);
    expect(after).toContain('Đã đánh dấu công việc là đã xong.');
    expect(after).not.toContain('Đổi trả 20 thùng cho đại lý');

    // The same form sent again (stale version): said on the page, no error page.
    const twice = await agent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ _csrf: csrfFrom(home.text), status: 'done', version: '0', back: 'home' });
    expect(twice.status).toBe(303);
    expect(decoded((await agent.get('/').query({ lang: 'vi' })).text)).toContain('Công việc đã thay đổi trong lúc bạn xem: hãy xem lại.');
  });

  it('shows Done on the case page to the assignee and quality only, and opens a done task again from there', async () => {
    const kho = await buildUser({ roles: ['dept_head'] });
    const { c, meeting, taskId } = await approvedTask(kho.id);
    const khoAgent = await sessionAgent(t.app, kho);
    const page = await khoAgent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.text).toContain(`action="/meeting-assignments/${taskId}/status"`);
    const otherAgent = await sessionAgent(t.app, await buildUser({ roles: ['dept_head'] }));
    expect((await otherAgent.get(`/complaints/${c.id}`)).text).not.toContain('/meeting-assignments/');
    // Another user posting the form: the forbidden page.
    const otherPage = await otherAgent.get(`/complaints/${c.id}`);
    expect((await otherAgent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ _csrf: csrfFrom(otherPage.text), status: 'done' })).status).toBe(403);

    const done = await khoAgent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ _csrf: csrfFrom(page.text), status: 'done', version: '0', back: 'case' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/complaints/${c.id}#meeting-${meeting.id}`);

    const qualityAgent = await sessionAgent(t.app, quality.user);
    const shown = decoded((await qualityAgent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(shown).toMatch(/data-testid="assignment-status" data-status="done">Đã xong/);
    expect(shown).toContain('data-testid="assignment-open"');
    const reopened = await qualityAgent.post(`/meeting-assignments/${taskId}/status`).type('form').send({ _csrf: csrfFrom(shown), status: 'open', version: '1', back: 'case' });
    expect(reopened.status).toBe(303);
    expect((await MeetingAssignment.findByPk(taskId, { rejectOnEmpty: true })).status).toBe('open');
  });
});
