import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent, Finding, type Complaint } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, buildDepartment, sealCase, signedIn } from '../support/factories';
import { moveTestCase, recordTestFindings } from '../support/procedure';

const t = useTestApp();

type Auth = Record<string, string>;
const record = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/findings`).set(auth).send(body);
const detail = async (auth: Auth, id: string) => (await t.request().get(`/api/v1/complaints/${id}`).set(auth)).body as { findings: Array<Record<string, unknown>>; status: string };

let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
});

/** A complaint in investigation. */
async function investigating(overrides: Parameters<typeof buildComplaint>[0] = {}): Promise<Complaint> {
  return moveTestCase(await buildComplaint(overrides), ['investigation']);
}

describe('POST /api/v1/complaints/:id/findings', () => {
  it('records the findings during the investigation, shows them on the case, and audits them under the case', async () => {
    const c = await investigating();
    const department = await buildDepartment({ code: 'KHO', name: 'Kho vận' });
    const res = await record(quality.auth, c.id, {
      substantiated: true,
      rootCause: 'Đóng gói sai quy cách tại kho Bình Dương: thiếu xốp chèn góc.',
      responsibleDepartment: 'KHO',
      responsiblePerson: 'Nguyễn Văn Bình',
      disciplinaryMeasure: 'Nhắc nhở bằng văn bản',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      complaintId: c.id,
      round: 1,
      substantiated: true,
      rootCause: 'Đóng gói sai quy cách tại kho Bình Dương: thiếu xốp chèn góc.',
      recurring: false,
      recurringWith: [],
      responsibleDepartment: { id: department.id, code: 'KHO', name: 'Kho vận' },
      responsiblePerson: 'Nguyễn Văn Bình',
      disciplinaryMeasure: 'Nhắc nhở bằng văn bản',
      supersedes: null,
      current: true,
      recordedBy: { id: quality.user.id, name: quality.user.name },
    });
    const shown = await detail(quality.auth, c.id);
    expect(shown.findings).toEqual([expect.objectContaining({ id: res.body.id, current: true })]);
    const event = await AuditEvent.findOne({ where: { entityType: 'Finding', entityId: res.body.id } });
    expect(event).toMatchObject({ action: 'finding.created', complaintId: c.id, actorId: quality.user.id });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('keeps every version: a second recording supersedes the first, which stays listed', async () => {
    const c = await investigating();
    const first = await record(quality.auth, c.id, { substantiated: false, rootCause: 'Khách dùng sai điện áp.' });
    const second = await record(quality.auth, c.id, { substantiated: false, rootCause: 'Khách dùng sai điện áp; hướng dẫn sử dụng không ghi rõ.' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ supersedes: first.body.id, current: true });
    const shown = await detail(quality.auth, c.id);
    expect(shown.findings.map((f) => [f.id, f.current, f.supersededBy])).toEqual([
      [second.body.id, true, null],
      [first.body.id, false, second.body.id],
    ]);
  });

  it('prefills "recurring" and the earlier entries from intake\'s recurrence detection', async () => {
    const customer = await buildCustomer();
    const earlier = await buildComplaint({ customerId: customer.id, lotRef: 'L-2611' });
    const c = await investigating({ customerId: customer.id, lotRef: 'L-2611' });
    expect(c.recurring).toBe(true);
    const res = await record(quality.auth, c.id, { substantiated: false, rootCause: 'Lô L-2611 lỗi gioăng.' });
    expect(res.body).toMatchObject({ recurring: true, recurringWith: [{ id: earlier.id, reference: earlier.reference }] });
    // Quality may say otherwise: new after all.
    const corrected = await record(quality.auth, c.id, { substantiated: false, rootCause: 'Lỗi khác.', recurring: false });
    expect(corrected.body).toMatchObject({ recurring: false, recurringWith: [] });
  });

  it('answers 401 without a sign-in, 403 to a role that does not record findings, 404 for an unknown case', async () => {
    const c = await investigating();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/findings`).send({ substantiated: false, rootCause: 'x' })).status).toBe(401);
    for (const role of ['intake', 'dept_head', 'cs_director', 'ceo', 'auditor'] as const) {
      const { auth } = await signedIn([role]);
      const res = await record(auth, c.id, { substantiated: false, rootCause: 'x' });
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'forbidden']);
    }
    const missing = await record(quality.auth, '00000000-0000-4000-8000-000000000000', { substantiated: false, rootCause: 'x' });
    expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
    expect(await Finding.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('refuses what is missing or unknown with 400, naming the field, and writes nothing', async () => {
    const c = await investigating();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ rootCause: 'x' }, 'substantiated'],
      [{ substantiated: false }, 'rootCause'],
      [{ substantiated: false, rootCause: '   ' }, 'rootCause'],
      [{ substantiated: true, rootCause: 'Lỗi kho.' }, 'responsibleDepartment'],
      [{ substantiated: true, rootCause: 'Lỗi kho.', responsibleDepartment: 'KHONG-CO' }, 'responsibleDepartment'],
      [{ substantiated: false, rootCause: 'x', responsibleUserId: '00000000-0000-4000-8000-000000000000' }, 'responsibleUserId'],
      [{ substantiated: false, rootCause: 'x', recurring: true, recurringWith: [c.id] }, 'recurringWith'],
      [{ substantiated: false, rootCause: 'x', recurring: false, recurringWith: ['00000000-0000-4000-8000-000000000000'] }, 'recurringWith'],
      [{ substantiated: 'yes', rootCause: 'x' }, 'substantiated'],
      [{ substantiated: false, rootCause: 'x', blame: 'someone' }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await record(quality.auth, c.id, body);
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'validation_failed']);
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await Finding.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('refuses with 409 outside the investigation and solution stages and on a sealed case — after the role check', async () => {
    const inIntake = await buildComplaint();
    const refused = await record(quality.auth, inIntake.id, { substantiated: false, rootCause: 'x' });
    expect([refused.status, refused.body.code]).toEqual([409, 'conflict']);
    // Not this role's to record: 403, whatever the case's state.
    const { auth: intake } = await signedIn(['intake']);
    expect((await record(intake, inIntake.id, { substantiated: false, rootCause: 'x' })).status).toBe(403);

    const sealed = await investigating();
    await sealCase(sealed.id);
    const onSealed = await record(quality.auth, sealed.id, { substantiated: false, rootCause: 'x' });
    expect([onSealed.status, onSealed.body.code]).toEqual([409, 'immutable_record']);
  });

  it('hides the responsible person and the disciplinary measure from the roles that may not read them', async () => {
    const c = await investigating();
    await recordTestFindings(c.id, { substantiated: true, responsiblePerson: 'Lê Thị Thu', disciplinaryMeasure: 'Khiển trách' });
    for (const role of ['quality', 'cs_director', 'ceo', 'legal', 'auditor'] as const) {
      const { auth } = await signedIn([role]);
      expect([role, (await detail(auth, c.id)).findings[0]]).toEqual([role, expect.objectContaining({ responsiblePerson: 'Lê Thị Thu', disciplinaryMeasure: 'Khiển trách' })]);
    }
    for (const role of ['intake', 'dept_head', 'admin_officer'] as const) {
      const { auth } = await signedIn([role]);
      const shown = (await detail(auth, c.id)).findings[0];
      expect([role, 'responsiblePerson' in shown, 'disciplinaryMeasure' in shown, 'responsibleUserId' in shown]).toEqual([role, false, false, false]);
      expect(shown.rootCause).toEqual(expect.any(String));
    }
  });

  it('is the guard of investigation → solution: refused without findings, taken once they are recorded', async () => {
    const c = await investigating();
    const move = () => t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(quality.auth).send({ to: 'solution' });
    const refused = await move();
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid_transition']);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('findings');
    await recordTestFindings(c.id);
    const moved = await move();
    expect([moved.status, moved.body.status]).toEqual([200, 'solution']);
    // Revised in the solution stage (after a return, in round 2): still recordable there.
    expect((await record(quality.auth, c.id, { substantiated: false, rootCause: 'Bổ sung: lỗi do vận chuyển.' })).status).toBe(201);
  });

  it('needs evidence or the reason why there is none (recorded with the findings) to leave the investigation', async () => {
    const c = await investigating();
    const move = () => t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(quality.auth).send({ to: 'solution' });
    await record(quality.auth, c.id, { substantiated: false, rootCause: 'Khách dùng sai điện áp.' });
    const refused = await move();
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid_transition']);
    expect(refused.body.errors).toEqual([{ path: 'evidence', message: expect.stringContaining('evidence') }]);
    const upload = await t.request().post(`/api/v1/complaints/${c.id}/evidence`).set(quality.auth).field('description', 'Ảnh tem nhãn điện áp').attach('file', Buffer.from('Điện áp ghi trên tem: 110V\n'), 'tem.txt');
    expect(upload.status).toBe(201);
    expect((await move()).status).toBe(200);
  });

  it('never forks the history when two officers record at the same moment', async () => {
    const c = await investigating();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => record(quality.auth, c.id, { substantiated: false, rootCause: `Phiên bản ${i + 1}` })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const rows = await Finding.findAll({ where: { complaintId: c.id }, order: [['recordedAt', 'ASC'], ['id', 'ASC']] });
    // One chain: the first supersedes nothing, every other one exactly its predecessor.
    expect(rows.map((r) => r.supersedes)).toEqual([null, ...rows.slice(0, -1).map((r) => r.id)]);
    expect((await detail(quality.auth, c.id)).findings.filter((f) => f.current)).toHaveLength(1);
  });

  it('is immutable in the database: an UPDATE or DELETE of a finding is refused (CB001)', async () => {
    const c = await investigating();
    const f = await recordTestFindings(c.id);
    for (const sql of ['UPDATE findings SET root_cause = $1 WHERE id = $2', 'DELETE FROM findings WHERE id = $2 AND $1 <> \'\'']) {
      await expect(sequelize().query(sql, { bind: ['sửa lén', f.id], type: QueryTypes.RAW })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    }
    expect((await Finding.findByPk(f.id))!.rootCause).toBe(f.rootCause);
  });
});
