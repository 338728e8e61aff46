import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { sequelize, transaction } from '../../src/db';
import { AuditEvent, Meeting, MeetingAssignment, type Complaint } from '../../src/models';
import { assignmentsFor } from '../../src/queries/meetings';
import { useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { buildComplaint, buildUser, sealCase, signedIn } from '../support/factories';

const t = useTestApp();

type Auth = Record<string, string>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const create = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/meetings`).set(auth).send(body);
const approve = (auth: Auth, id: string, version: unknown) => t.request().post(`/api/v1/meetings/${id}/approve`).set(auth).send({ version });
const detail = async (auth: Auth, id: string) => (await t.request().get(`/api/v1/complaints/${id}`).set(auth)).body as { meetings: Json[] };

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let quality: Awaited<ReturnType<typeof signedIn>>;
let director: Awaited<ReturnType<typeof signedIn>>;
let warehouse: Awaited<ReturnType<typeof buildUser>>;
beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  director = await signedIn(['cs_director'], { name: 'Lê Văn Giám' });
  warehouse = await buildUser({ roles: ['dept_head'], name: 'Phạm Văn Kho' });
});

const body = (extra: Record<string, unknown> = {}) => ({
  heldAt: hoursAgo(2),
  attendees: [quality.user.id, 'P.KD', 'Kho'],
  agenda: 'Rò rỉ máy lọc nước lô L-2611: nguyên nhân và biện pháp.',
  minutes: 'P.KD trình bày phản ánh của khách; Kho xác nhận đóng gói thiếu xốp chèn góc.',
  decisions: 'Đổi máy cho khách; Kho bổ sung quy cách đóng gói.',
  assignments: [{ assigneeId: warehouse.id, task: 'Cập nhật quy cách đóng gói', dueAt: inDays(7) }],
  ...extra,
});

/** A case with an approved meeting. */
async function withApproved(): Promise<{ c: Complaint; meeting: Json }> {
  const c = await buildComplaint();
  const made = await create(quality.auth, c.id, body());
  expect(made.status).toBe(201);
  const approved = await approve(director.auth, made.body.id, made.body.version);
  expect(approved.status).toBe(200);
  return { c, meeting: approved.body };
}

describe('POST /api/v1/complaints/:id/meetings and POST /api/v1/meetings/:id/approve', () => {
  it('records a draft with its assignments, approves it, shows it on the case, and audits it under the case', async () => {
    const c = await buildComplaint();
    const res = await create(quality.auth, c.id, body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      complaintId: c.id,
      status: 'draft',
      version: 0,
      attendees: [
        { userId: quality.user.id, name: 'Trần Thị Hồng Nhung' },
        { userId: null, name: 'P.KD' },
        { userId: null, name: 'Kho' },
      ],
      assignments: [{ assignee: { id: warehouse.id, name: 'Phạm Văn Kho' }, task: 'Cập nhật quy cách đóng gói', status: 'open' }],
      approvedBy: null,
      approvedAt: null,
      supersedes: null,
      supersededBy: null,
      current: true,
      createdBy: { id: quality.user.id, name: 'Trần Thị Hồng Nhung' },
    });

    const approved = await approve(director.auth, res.body.id, res.body.version);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id: res.body.id, status: 'approved', version: 1, approvedBy: { id: director.user.id, name: 'Lê Văn Giám' } });
    expect(approved.body.approvedAt).toEqual(expect.any(String));

    const shown = await detail(quality.auth, c.id);
    expect(shown.meetings).toEqual([expect.objectContaining({ id: res.body.id, status: 'approved', assignments: [expect.objectContaining({ task: 'Cập nhật quy cách đóng gói' })] })]);

    const events = await AuditEvent.findAll({ where: { complaintId: c.id, entityType: ['Meeting', 'MeetingAssignment'] }, order: [['occurredAt', 'ASC']] });
    expect(events.map((e) => e.action).sort()).toEqual(['meeting.approved', 'meeting.created', 'meeting_assignment.created']);
    expect(events.every((e) => e.actorId === quality.user.id || (e.action === 'meeting.approved' && e.actorId === director.user.id))).toBe(true);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('lets quality approve too, and puts approved tasks on the assignee\'s own list (not drafts, not replaced ones)', async () => {
    const assignee = await buildUser({ roles: ['dept_head'] });
    const c = await buildComplaint();
    const draft = await create(quality.auth, c.id, body({ assignments: [{ assigneeId: assignee.id, task: 'Việc nháp', dueAt: inDays(3) }] }));
    expect(await assignmentsFor(assignee.id)).toEqual([]);
    const approved = await approve(quality.auth, draft.body.id, 0);
    expect(approved.status).toBe(200);
    expect(await assignmentsFor(assignee.id)).toEqual([
      expect.objectContaining({ task: 'Việc nháp', meetingId: draft.body.id, complaint: { id: c.id, reference: c.reference, subject: c.subject } }),
    ]);
    // A correction replaces the old tasks once it is approved.
    const fix = await create(quality.auth, c.id, body({ supersedes: draft.body.id, assignments: [{ assigneeId: assignee.id, task: 'Việc đã sửa', dueAt: inDays(5) }] }));
    expect((await assignmentsFor(assignee.id)).map((a) => a.task)).toEqual(['Việc nháp']);
    await approve(quality.auth, fix.body.id, 0);
    expect((await assignmentsFor(assignee.id)).map((a) => a.task)).toEqual(['Việc đã sửa']);
    // Done tasks leave the list: the status of an approved meeting's task may change.
    await asActor(() => transaction(async () => (await MeetingAssignment.findOne({ where: { meetingId: fix.body.id }, rejectOnEmpty: true })).update({ status: 'done' })));
    expect(await assignmentsFor(assignee.id)).toEqual([]);
  });

  it('corrects approved minutes with a new meeting that supersedes them: both kept, the old marked superseded', async () => {
    const { c, meeting } = await withApproved();
    const fix = await create(quality.auth, c.id, body({ supersedes: meeting.id, decisions: 'Đổi máy cho khách; Kho bổ sung quy cách đóng gói trong 5 ngày.' }));
    expect(fix.status).toBe(201);
    expect(fix.body).toMatchObject({ status: 'draft', supersedes: meeting.id, current: true });
    const shown = await detail(quality.auth, c.id);
    const byId = new Map(shown.meetings.map((m) => [m.id, m]));
    expect(byId.get(meeting.id)).toMatchObject({ status: 'approved', supersededBy: fix.body.id, current: false });
    expect(byId.get(fix.body.id)).toMatchObject({ status: 'draft', supersedes: meeting.id, supersededBy: null });
    const event = await AuditEvent.findOne({ where: { entityType: 'Meeting', entityId: fix.body.id } });
    expect(event).toMatchObject({ action: 'meeting.created', complaintId: c.id });
  });

  it('answers 401 without a sign-in, 403 to a role that may not, 404 for an unknown case or meeting', async () => {
    const c = await buildComplaint();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/meetings`).send(body())).status).toBe(401);
    expect((await t.request().post(`/api/v1/meetings/${UNKNOWN}/approve`).send({ version: 0 })).status).toBe(401);
    for (const role of ['intake', 'dept_head', 'ceo', 'cs_director'] as const) {
      const { auth } = await signedIn([role]);
      const res = await create(auth, c.id, body());
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'forbidden']);
    }
    const draft = await create(quality.auth, c.id, body());
    for (const role of ['intake', 'dept_head', 'ceo', 'auditor'] as const) {
      const { auth } = await signedIn([role]);
      const res = await approve(auth, draft.body.id, 0);
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'forbidden']);
    }
    const missing = await create(quality.auth, UNKNOWN, body());
    expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
    const badId = await create(quality.auth, 'not-a-uuid', body());
    expect(badId.status).toBe(404);
    const noMeeting = await approve(director.auth, UNKNOWN, 0);
    expect([noMeeting.status, noMeeting.body.code]).toEqual([404, 'not_found']);
    expect(await Meeting.count({ where: { complaintId: c.id } })).toBe(1);
    expect((await Meeting.findByPk(draft.body.id))!.status).toBe('draft');
  });

  it('refuses bad bodies with 400 naming the field, and writes nothing', async () => {
    const c = await buildComplaint();
    const inactive = await buildUser({ active: false });
    const { agenda: _agenda, ...noAgenda } = body();
    const cases: Array<[Record<string, unknown>, string]> = [
      [noAgenda, 'agenda'],
      [body({ agenda: '   ' }), 'agenda'],
      [body({ heldAt: 'yesterday' }), 'heldAt'],
      [body({ heldAt: inDays(1) }), 'heldAt'],
      [body({ attendees: [] }), 'attendees'],
      [body({ attendees: [UNKNOWN] }), 'attendees.0'],
      [body({ attendees: ['P.KD', inactive.id] }), 'attendees.1'],
      [body({ assignments: [{ assigneeId: warehouse.id, task: 'x', dueAt: 'next week' }] }), 'assignments.0.dueAt'],
      [body({ assignments: [{ assigneeId: UNKNOWN, task: 'x', dueAt: inDays(1) }] }), 'assignments.0.assigneeId'],
      [body({ assignments: [{ assigneeId: inactive.id, task: 'x', dueAt: inDays(1) }] }), 'assignments.0.assigneeId'],
      [body({ assignments: [{ assigneeId: warehouse.id, task: 'x', dueAt: inDays(1), owner: 'me' }] }), ''],
      [body({ supersedes: UNKNOWN }), 'supersedes'],
      [body({ decisions: 42 }), 'decisions'],
      [body({ status: 'approved' }), ''],
    ];
    for (const [b, path] of cases) {
      const res = await create(quality.auth, c.id, b);
      expect([JSON.stringify(b), res.status, res.body.code]).toEqual([JSON.stringify(b), 400, 'validation_failed']);
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    // A meeting of another case cannot be superseded here.
    const other = await withApproved();
    const elsewhere = await create(quality.auth, c.id, body({ supersedes: other.meeting.id }));
    expect([elsewhere.status, elsewhere.body.errors?.[0]?.path]).toEqual([400, 'supersedes']);
    const draft = await create(quality.auth, c.id, body());
    for (const v of ['1', -1, null]) expect((await approve(director.auth, draft.body.id, v)).status).toBe(400);
    expect((await t.request().post(`/api/v1/meetings/${draft.body.id}/approve`).set(director.auth).send({ version: 0, note: 'x' })).status).toBe(400);
    expect(await Meeting.count({ where: { complaintId: c.id } })).toBe(1);
    expect(await MeetingAssignment.count({ where: { complaintId: c.id } })).toBe(1);
  });

  it('answers 409 to a stale version, a second approval, superseding a draft or a corrected meeting, and a sealed case', async () => {
    const c = await buildComplaint();
    const draft = await create(quality.auth, c.id, body());
    const stale = await approve(director.auth, draft.body.id, 7);
    expect([stale.status, stale.body.code]).toEqual([409, 'conflict']);
    expect(stale.body.detail).toContain('current version 0');
    const ofDraft = await create(quality.auth, c.id, body({ supersedes: draft.body.id }));
    expect([ofDraft.status, ofDraft.body.code]).toEqual([409, 'conflict']);

    expect((await approve(director.auth, draft.body.id, 0)).status).toBe(200);
    const twice = await approve(director.auth, draft.body.id, 1);
    expect([twice.status, twice.body.code]).toEqual([409, 'conflict']);

    expect((await create(quality.auth, c.id, body({ supersedes: draft.body.id }))).status).toBe(201);
    const again = await create(quality.auth, c.id, body({ supersedes: draft.body.id }));
    expect([again.status, again.body.code]).toEqual([409, 'conflict']);

    const pending = await create(quality.auth, c.id, body());
    await sealCase(c.id);
    const sealed = await create(quality.auth, c.id, body());
    expect([sealed.status, sealed.body.code]).toEqual([409, 'immutable_record']);
    const approveSealed = await approve(director.auth, pending.body.id, 0);
    expect([approveSealed.status, approveSealed.body.code]).toEqual([409, 'immutable_record']);
    // 403 before 409: a role that may not learns nothing of the case.
    const { auth } = await signedIn(['intake']);
    expect((await create(auth, c.id, body())).status).toBe(403);
    expect(await Meeting.count({ where: { complaintId: c.id } })).toBe(3);
  });

  it('locks approved minutes and their assignments in the database (CB001), a draft\'s stay editable', async () => {
    const c = await buildComplaint();
    const draft = await create(quality.auth, c.id, body());
    const q = (sql: string) => sequelize().query(sql, { bind: [draft.body.id] });
    const assignment = () => MeetingAssignment.findOne({ where: { meetingId: draft.body.id }, rejectOnEmpty: true });
    const change = (values: Partial<MeetingAssignment>) => asActor(() => transaction(async () => (await assignment()).update(values)));
    // A draft's assignments may change.
    await change({ task: 'Cập nhật quy cách đóng gói và tem cảnh báo' });
    await approve(director.auth, draft.body.id, 0);
    const refused = async (sql: string, bind: unknown[] = [draft.body.id]) => {
      await expect(sequelize().query(sql, { bind })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    };
    await refused(`UPDATE meetings SET minutes = 'viết lại' WHERE id = $1`);
    await refused(`UPDATE meetings SET status = 'draft', approved_at = NULL, approved_by = NULL WHERE id = $1`);
    await refused(`DELETE FROM meetings WHERE id = $1`);
    await refused(`UPDATE meeting_assignments SET task = 'khác' WHERE meeting_id = $1`);
    await refused(`UPDATE meeting_assignments SET assignee_id = $2 WHERE meeting_id = $1`, [draft.body.id, quality.user.id]);
    await refused(`UPDATE meeting_assignments SET due_at = due_at + interval '1 day' WHERE meeting_id = $1`);
    await refused(`DELETE FROM meeting_assignments WHERE meeting_id = $1`);
    await refused(`INSERT INTO meeting_assignments (meeting_id, complaint_id, assignee_id, task, due_at) VALUES ($1, $2, $3, 'thêm', now())`, [draft.body.id, c.id, warehouse.id]);
    await expect(change({ task: 'khác' })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    // The task's progress is not the minutes: its status may change (both ways).
    await change({ status: 'done' });
    await change({ status: 'open' });
    const [rows] = await q(`SELECT task, status FROM meeting_assignments WHERE meeting_id = $1`);
    expect(rows).toEqual([{ task: 'Cập nhật quy cách đóng gói và tem cảnh báo', status: 'open' }]);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('lets only one of two concurrent corrections of the same minutes through', async () => {
    const { c, meeting } = await withApproved();
    const results = await Promise.all([create(quality.auth, c.id, body({ supersedes: meeting.id })), create(quality.auth, c.id, body({ supersedes: meeting.id }))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('conflict');
    expect(await Meeting.count({ where: { supersedes: meeting.id } })).toBe(1);
  });
});
