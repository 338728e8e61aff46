import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent, AuditEventContent, ActionCase, Complaint, CorrectiveAction, type Department } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, buildDepartment, sealCase, signedIn } from '../support/factories';
import { moveTestCase, proposeTestSolution, recordTestFindings, recordTestFollowUp } from '../support/procedure';

const t = useTestApp();

type Auth = Record<string, string>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

const create = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/actions`).set(auth).send(body);
const patch = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().patch(`/api/v1/actions/${id}`).set(auth).send(body);
const link = (auth: Auth, id: string, actionId: string) => t.request().post(`/api/v1/complaints/${id}/action-links`).set(auth).send({ actionId });
const contact = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/actions/${id}/contacts`).set(auth).send(body);

let quality: Awaited<ReturnType<typeof signedIn>>;
let director: Awaited<ReturnType<typeof signedIn>>;
let warehouse: Department;
let head: Awaited<ReturnType<typeof signedIn>>;
let otherHead: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  warehouse = await buildDepartment({ code: `KHO${Date.now().toString(36)}`, name: 'Phòng Kho vận' });
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  director = await signedIn(['cs_director']);
  head = await signedIn(['dept_head'], { name: 'Phạm Văn Kho', departmentId: warehouse.id });
  otherHead = await signedIn(['dept_head']);
});

const body = (extra: Record<string, unknown> = {}) => ({
  type: 'corrective',
  description: 'Bổ sung xốp chèn góc vào quy cách đóng gói máy lọc nước.',
  ownerDepartment: warehouse.code,
  ownerId: head.user.id,
  dueAt: inDays(7),
  ...extra,
});

async function opened(c?: Complaint, extra: Record<string, unknown> = {}): Promise<{ c: Complaint; action: Json }> {
  const complaint = c ?? (await buildComplaint());
  const res = await create(quality.auth, complaint.id, body(extra));
  expect(res.status).toBe(201);
  return { c: complaint, action: res.body };
}

describe('POST /api/v1/complaints/:id/actions', () => {
  it('opens an action on the case, shows it on the case with its complaints, and audits it under the case', async () => {
    const c = await buildComplaint();
    const res = await create(quality.auth, c.id, body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'corrective',
      ownerDepartment: { id: warehouse.id, code: warehouse.code, name: 'Phòng Kho vận' },
      owner: { id: head.user.id, name: 'Phạm Văn Kho' },
      status: 'planned',
      overdue: false,
      effective: null,
      supplier: null,
      openedOn: { id: c.id, reference: c.reference },
      complaints: [{ id: c.id, reference: c.reference, status: 'intake' }],
      createdBy: { id: quality.user.id, name: 'Trần Thị Hồng Nhung' },
      version: 0,
    });
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(director.auth);
    expect(detail.body.actions).toEqual([expect.objectContaining({ id: res.body.id, status: 'planned' })]);
    const events = await AuditEvent.findAll({ where: { complaintId: c.id, entityType: ['CorrectiveAction', 'ActionCase'] } });
    expect(events.map((e) => e.action).sort()).toEqual(['action_case.created', 'corrective_action.created']);
  });

  it('takes a date as the end of that day and a supplier by name or in full', async () => {
    const c = await buildComplaint();
    const byName = await create(quality.auth, c.id, body({ type: 'supplier_long_term', dueAt: '2030-03-15', supplier: 'Công ty Nhựa Bình Minh' }));
    expect(byName.status).toBe(201);
    expect(byName.body.dueAt).toBe('2030-03-15T16:59:59.999Z');
    expect(byName.body.supplier).toEqual({ name: 'Công ty Nhựa Bình Minh', ref: null, countermeasureDoneAt: null, longTermDueAt: null });
    const full = await create(quality.auth, c.id, body({ type: 'supplier_long_term', supplier: { name: 'Bình Minh', ref: 'BM-8D-77', countermeasureDoneAt: '2026-11-20', longTermDueAt: '2027-02-01' } }));
    expect(full.status).toBe(201);
    expect(full.body.supplier).toMatchObject({ name: 'Bình Minh', ref: 'BM-8D-77', longTermDueAt: '2027-02-01T16:59:59.999Z' });
  });

  it('refuses: 401, 403 (not quality), 404, 400 per field, 409 on a closed or sealed case', async () => {
    const c = await buildComplaint();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/actions`).send(body())).status).toBe(401);
    for (const who of [director, head]) {
      const refused = await create(who.auth, c.id, body());
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    expect((await create(quality.auth, UNKNOWN, body())).status).toBe(404);
    const missing = await create(quality.auth, c.id, { type: 'supplier_long_term', description: ' ', ownerDepartment: 'KHONG-CO', dueAt: 'mai' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: Json) => e.path).sort()).toEqual(['description', 'dueAt']);
    const noSupplier = await create(quality.auth, c.id, body({ type: 'supplier_long_term' }));
    expect(noSupplier.status).toBe(400);
    expect(noSupplier.body.errors).toEqual([expect.objectContaining({ path: 'supplier', message: "A supplier's long-term fix names the supplier." })]);
    const unknown = await create(quality.auth, c.id, body({ ownerDepartment: 'KHONG-CO', ownerId: UNKNOWN }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: Json) => e.path).sort()).toEqual(['ownerDepartment', 'ownerId']);
    expect(await ActionCase.count({ where: { complaintId: c.id } })).toBe(0);

    const sealed = await buildComplaint();
    await sealCase(sealed.id);
    const refusedSealed = await create(quality.auth, sealed.id, body());
    expect(refusedSealed.status).toBe(409);
    expect(refusedSealed.body.code).toBe('immutable_record');
  });
});

describe('PATCH /api/v1/actions/:id', () => {
  it('moves planned → in_progress → done → verified, with the note in the audit, and refuses jumps with invalid_transition', async () => {
    const { c, action } = await opened();
    const jump = await patch(quality.auth, action.id, { status: 'done', version: 0 });
    expect(jump.status).toBe(409);
    expect(jump.body.code).toBe('invalid_transition');
    expect((await patch(quality.auth, action.id, { status: 'verified', effective: true, version: 0 })).body.code).toBe('invalid_transition');

    const started = await patch(head.auth, action.id, { status: 'in_progress', note: 'Đã đặt mua xốp chèn.', version: 0 });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'in_progress', version: 1 });
    const done = await t.request().patch(`/api/v1/actions/${action.id}`).set(head.auth).set('If-Match', '1').send({ status: 'done' });
    expect(done.status).toBe(200);
    const back = await patch(quality.auth, action.id, { status: 'in_progress', version: 2 });
    expect(back.body.code).toBe('invalid_transition');
    const verified = await patch(quality.auth, action.id, { status: 'verified', effective: true, note: 'Kiểm tra 20 lô: không còn rò rỉ.', version: 2 });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'verified', effective: true, verifiedBy: { id: quality.user.id } });

    const events = await AuditEvent.findAll({ where: { entityId: action.id, complaintId: c.id }, order: [['seq', 'ASC']] });
    expect(events.map((e) => e.action)).toEqual(['corrective_action.created', 'corrective_action.status_changed', 'corrective_action.status_changed', 'corrective_action.verified']);
    const content = await AuditEventContent.findOne({ where: { eventId: events[1].id } });
    expect((content!.content as Json).meta).toMatchObject({ from: 'planned', to: 'in_progress', note: 'Đã đặt mua xốp chèn.' });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('reopens an action that was not effective, with the reason', async () => {
    const { action } = await opened();
    await patch(quality.auth, action.id, { status: 'in_progress', version: 0 });
    await patch(quality.auth, action.id, { status: 'done', version: 1 });
    const noNote = await patch(quality.auth, action.id, { status: 'verified', effective: false, version: 2 });
    expect(noNote.status).toBe(400);
    expect(noNote.body.errors[0].path).toBe('note');
    const reopened = await patch(quality.auth, action.id, { status: 'verified', effective: false, note: 'Lô L-2612 vẫn rò rỉ.', version: 2 });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'in_progress', effective: false, verifiedBy: { id: quality.user.id } });
    const events = await AuditEvent.findAll({ where: { entityId: action.id, action: 'corrective_action.reopened' } });
    expect(events).toHaveLength(1);
  });

  it('refuses: 401, 428 without a version, 400, 404, 403 (another department, a director, a head verifying), 409 stale or closed', async () => {
    const { c, action } = await opened();
    expect((await t.request().patch(`/api/v1/actions/${action.id}`).send({ status: 'in_progress', version: 0 })).status).toBe(401);
    expect((await patch(quality.auth, action.id, { status: 'in_progress' })).status).toBe(428);
    expect((await patch(quality.auth, action.id, { status: 'finished', version: 0 })).status).toBe(400);
    expect((await patch(quality.auth, action.id, { status: 'in_progress', effective: true, version: 0 })).status).toBe(400);
    expect((await patch(quality.auth, UNKNOWN, { status: 'in_progress', version: 0 })).status).toBe(404);
    expect((await patch(director.auth, action.id, { status: 'in_progress', version: 0 })).status).toBe(403);
    const other = await patch(otherHead.auth, action.id, { status: 'in_progress', version: 0 });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('forbidden');
    await patch(head.auth, action.id, { status: 'in_progress', version: 0 });
    const stale = await patch(head.auth, action.id, { status: 'done', version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    await patch(head.auth, action.id, { status: 'done', version: 1 });
    expect((await patch(head.auth, action.id, { status: 'verified', effective: true, version: 2 })).status).toBe(403);

    // A closed case: its actions no longer change — but a supplier's long-term fix stays tracked.
    const supplier = await create(quality.auth, c.id, body({ type: 'supplier_long_term', supplier: 'Bình Minh' }));
    const corrective = await create(quality.auth, c.id, body({ type: 'containment' }));
    const closed = await moveTestCase(c, ['investigation', 'solution', 'review', 'response', 'follow_up', 'closed']);
    expect(closed.status).toBe('closed');
    const refused = await patch(quality.auth, corrective.body.id, { status: 'verified', effective: true, version: 2 });
    expect(refused.status).toBe(409);
    const tracked = await patch(quality.auth, supplier.body.id, { status: 'in_progress', version: 0 });
    expect(tracked.status).toBe(200);
  });

  it('locks an action once every case it answers is sealed: the command says 409 immutable_record, the database refuses a direct UPDATE', async () => {
    const { c, action } = await opened();
    await sealCase(c.id);
    const refused = await patch(quality.auth, action.id, { status: 'in_progress', version: 0 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('immutable_record');
    await expect(CorrectiveAction.sequelize!.query('UPDATE corrective_actions SET description = $1 WHERE id = $2', { bind: ['đổi', action.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    await expect(CorrectiveAction.sequelize!.query('DELETE FROM action_cases WHERE action_id = $1', { bind: [action.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });

  it('lets one of two users editing the same version win: one 200, one 409', async () => {
    const { action } = await opened();
    const results = await Promise.all([patch(quality.auth, action.id, { status: 'in_progress', version: 0 }), patch(head.auth, action.id, { status: 'in_progress', version: 0 })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('conflict');
  });
});

describe('one action answers several complaints', () => {
  it('links an existing action to a recurring case, lists both complaints, offers it as a candidate, and refuses a second link', async () => {
    const first = await buildComplaint({ lotRef: 'L-3001' });
    const { action } = await opened(first);
    const again = await buildComplaint({ lotRef: 'L-3001' });
    const page = await t.request().get(`/api/v1/complaints/${again.id}`).set(quality.auth);
    expect(page.status).toBe(200);

    const linked = await link(quality.auth, again.id, action.id);
    expect(linked.status).toBe(201);
    expect(linked.body.complaints.map((c: Json) => c.reference)).toEqual([first.reference, again.reference]);
    const shown = await t.request().get(`/api/v1/actions/${action.id}`).set(director.auth);
    expect(shown.status).toBe(200);
    expect(shown.body.complaints.map((c: Json) => c.id)).toEqual([first.id, again.id]);
    expect(shown.body.contacts).toEqual([]);
    const onCase = await t.request().get(`/api/v1/complaints/${again.id}`).set(quality.auth);
    expect(onCase.body.actions.map((a: Json) => a.id)).toEqual([action.id]);
    const linkEvent = await AuditEvent.findOne({ where: { complaintId: again.id, action: 'action_case.linked' } });
    expect(linkEvent).not.toBeNull();

    const twice = await link(quality.auth, again.id, action.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('conflict');
  });

  it('makes one link of parallel links of the same action to one case', async () => {
    const { action } = await opened();
    const c = await buildComplaint();
    const results = await Promise.all([1, 2, 3].map(() => link(quality.auth, c.id, action.id)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await ActionCase.count({ where: { actionId: action.id, complaintId: c.id } })).toBe(1);
  });

  it('refuses links: 401, 403, 400, 404, 409 on a sealed case', async () => {
    const { action } = await opened();
    const c = await buildComplaint();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/action-links`).send({ actionId: action.id })).status).toBe(401);
    expect((await link(head.auth, c.id, action.id)).status).toBe(403);
    expect((await link(quality.auth, c.id, 'not-a-uuid')).status).toBe(400);
    expect((await link(quality.auth, c.id, UNKNOWN)).status).toBe(400);
    expect((await link(quality.auth, UNKNOWN, action.id)).status).toBe(404);
    await sealCase(c.id);
    expect((await link(quality.auth, c.id, action.id)).status).toBe(409);
  });
});

describe('the guards, through the transitions endpoint', () => {
  const to = (auth: Auth, id: string, target: string, extra: Record<string, unknown> = {}) => t.request().post(`/api/v1/complaints/${id}/transitions`).set(auth).send({ to: target, ...extra });
  const actionErrors = (res: { body: Json }) => ((res.body.errors ?? []) as Json[]).filter((e) => e.path === 'actions');

  it('needs a containment or corrective action for a substantiated complaint before review, and every non-supplier action done before closing', async () => {
    const c = await moveTestCase(await buildComplaint(), ['investigation', 'solution']);
    await recordTestFindings(c.id, { substantiated: true });
    await proposeTestSolution(c.id);
    const refused = await to(quality.auth, c.id, 'review');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('invalid_transition');
    expect(actionErrors(refused)).toEqual([expect.objectContaining({ message: expect.stringContaining('substantiated') })]);

    const preventive = await create(quality.auth, c.id, body({ type: 'preventive' }));
    expect(actionErrors(await to(quality.auth, c.id, 'review'))).toHaveLength(1);
    const containment = await create(quality.auth, c.id, body({ type: 'containment' }));
    const supplier = await create(quality.auth, c.id, body({ type: 'supplier_long_term', supplier: 'Bình Minh' }));
    const moved = await to(quality.auth, c.id, 'review');
    expect(moved.status).toBe(200);

    const inFollowUp = await moveTestCase(await Complaint.findByPk(c.id, { rejectOnEmpty: true }), ['response', 'follow_up']);
    expect(inFollowUp.status).toBe('follow_up');
    await recordTestFollowUp(c.id);
    const closing = await to(quality.auth, c.id, 'closed', { note: 'Đã xong.' });
    expect(closing.status).toBe(409);
    expect(actionErrors(closing)).toEqual([expect.objectContaining({ message: expect.stringContaining('2') })]);
    for (const a of [preventive.body, containment.body]) {
      expect((await patch(quality.auth, a.id, { status: 'in_progress', version: 0 })).status).toBe(200);
      expect((await patch(quality.auth, a.id, { status: 'done', version: 1 })).status).toBe(200);
    }
    const closed = await to(quality.auth, c.id, 'closed', { note: 'Đã xong.' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    // The supplier's long-term fix stays open, tracked on the register.
    const register = await t.request().get('/api/v1/actions').query({ type: 'supplier_long_term', q: c.reference }).set(quality.auth);
    expect(register.body.items.map((a: Json) => [a.id, a.status])).toEqual([[supplier.body.id, 'planned']]);
  });
});

describe('POST /api/v1/actions/:id/contacts', () => {
  it("lets the owner department's head log a contact about the result, shown on the action", async () => {
    const { c, action } = await opened();
    const res = await contact(head.auth, action.id, { complaintId: c.id, contactedAt: new Date(Date.now() - 3600_000).toISOString(), via: 'phone', note: 'Khách hàng xác nhận máy mới không rò rỉ.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ complaint: { id: c.id, reference: c.reference }, via: 'phone', contactedBy: { id: head.user.id, name: 'Phạm Văn Kho' } });
    const shown = await t.request().get(`/api/v1/actions/${action.id}`).set(quality.auth);
    expect(shown.body.contacts).toHaveLength(1);
    expect(await AuditEvent.count({ where: { complaintId: c.id, action: 'action_contact.created' } })).toBe(1);
  });

  it('refuses: 401, 403 (another department, a director), 404, 400 (a case it does not answer, a future time), 409 on a sealed case', async () => {
    const { c, action } = await opened();
    const good = { complaintId: c.id, contactedAt: new Date().toISOString(), via: 'phone', note: 'Đã gọi.' };
    expect((await t.request().post(`/api/v1/actions/${action.id}/contacts`).send(good)).status).toBe(401);
    expect((await contact(otherHead.auth, action.id, good)).status).toBe(403);
    expect((await contact(director.auth, action.id, good)).status).toBe(403);
    expect((await contact(head.auth, UNKNOWN, good)).status).toBe(404);
    const elsewhere = await buildComplaint();
    const notAnswered = await contact(head.auth, action.id, { ...good, complaintId: elsewhere.id });
    expect(notAnswered.status).toBe(400);
    expect(notAnswered.body.errors[0].path).toBe('complaintId');
    expect((await contact(head.auth, action.id, { ...good, contactedAt: inDays(2) })).status).toBe(400);
    expect((await contact(head.auth, action.id, { ...good, via: 'pigeon' })).status).toBe(400);
    await sealCase(c.id);
    const sealed = await contact(head.auth, action.id, good);
    expect(sealed.status).toBe(409);
  });
});

describe('GET /api/v1/actions/:id and GET /api/v1/actions (the register)', () => {
  it('refuses 401, 403 for a role that reads no register, 404 for an unknown action', async () => {
    expect((await t.request().get('/api/v1/actions')).status).toBe(401);
    const sysadmin = await signedIn(['sysadmin']);
    expect((await t.request().get('/api/v1/actions').set(sysadmin.auth)).status).toBe(403);
    const ceo = await signedIn(['ceo']);
    expect((await t.request().get('/api/v1/actions').set(ceo.auth)).status).toBe(403);
    expect((await t.request().get(`/api/v1/actions/${UNKNOWN}`).set(quality.auth)).status).toBe(404);
    expect((await t.request().get(`/api/v1/actions/${UNKNOWN}`)).status).toBe(401);
    expect((await t.request().get(`/api/v1/actions/${UNKNOWN}`).set(sysadmin.auth)).status).toBe(403);
    expect((await t.request().get('/api/v1/actions').query({ status: 'finished' }).set(quality.auth)).status).toBe(400);
    expect((await t.request().get('/api/v1/actions').query({ department: 'KHONG-CO' }).set(quality.auth)).status).toBe(400);
  });

  it('filters by type, status, department, overdue and supplier, pages by keyset, and scopes a department head to theirs', async () => {
    const dept = await buildDepartment({ code: `QC${Date.now().toString(36)}`, name: 'Phòng QC' });
    const c = await buildComplaint();
    const mk = (extra: Record<string, unknown>) => create(quality.auth, c.id, body({ ownerDepartment: dept.code, ownerId: null, ...extra }));
    const late = await mk({ dueAt: new Date(Date.now() - 86_400_000).toISOString(), description: 'Hành động đã quá hạn' });
    const soon = await mk({ dueAt: inDays(1) });
    const supplier = await mk({ type: 'supplier_long_term', dueAt: inDays(30), supplier: { name: 'Nhựa Tiền Phong', ref: 'TP-2026-9' } });
    const all = await t.request().get('/api/v1/actions').query({ department: dept.code }).set(quality.auth);
    expect(all.body.items.map((a: Json) => a.id)).toEqual([late.body.id, soon.body.id, supplier.body.id]);
    expect(all.body.items[0].overdue).toBe(true);
    const overdue = await t.request().get('/api/v1/actions').query({ department: dept.id, overdue: 'true' }).set(director.auth);
    expect(overdue.body.items.map((a: Json) => a.id)).toEqual([late.body.id]);
    const bySupplier = await t.request().get('/api/v1/actions').query({ supplier: 'tiền phong' }).set(quality.auth);
    expect(bySupplier.body.items.map((a: Json) => a.id)).toEqual([supplier.body.id]);
    const planned = await t.request().get('/api/v1/actions').query({ department: dept.code, status: 'planned,in_progress', type: 'corrective' }).set(quality.auth);
    expect(planned.body.items).toHaveLength(2);
    const page1 = await t.request().get('/api/v1/actions').query({ department: dept.code, limit: 2 }).set(quality.auth);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.request().get('/api/v1/actions').query({ department: dept.code, limit: 2, cursor: page1.body.nextCursor }).set(quality.auth);
    expect(page2.body.items.map((a: Json) => a.id)).toEqual([supplier.body.id]);
    expect(page2.body.nextCursor).toBeNull();

    const qcHead = await signedIn(['dept_head'], { departmentId: dept.id });
    const mine = await t.request().get('/api/v1/actions').set(qcHead.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((a: Json) => a.ownerDepartment.id === dept.id)).toBe(true);
    expect(mine.body.items).toHaveLength(3);
    const notMine = await t.request().get('/api/v1/actions').set(head.auth);
    expect(notMine.body.items.some((a: Json) => a.ownerDepartment.id === dept.id)).toBe(false);
  });
});
