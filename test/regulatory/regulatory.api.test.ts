import { QueryTypes } from 'sequelize';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { SIGNATURE_THROTTLE } from '../../src/commands/signing';
import { sequelize } from '../../src/db';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical';
import { endOfCalendarDays } from '../../src/domain/calendar';
import { AuditEvent, CaseClock, RegulatoryReview, Signature, type Complaint } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn, TEST_PASSWORD } from '../support/factories';
import { moveTestCase, recordTestFollowUp } from '../support/procedure';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

type Auth = Record<string, string>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const post = (path: string, auth: Auth, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.request().post(`/api/v1/complaints/${id}/regulatory/${path}`).set(auth).set(headers).send(body);
const submit = (auth: Auth, id: string, body: Record<string, unknown> = { summary: 'Khách hàng bị bỏng do máy rò điện.' }) => post('submit', auth, id, body);
const decide = (auth: Auth, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => post('decision', auth, id, body, headers);
const file = (auth: Auth, id: string, body: Record<string, unknown> = { authority: 'Cục Quản lý Cạnh tranh và Bảo vệ người tiêu dùng', submittedAt: new Date(Date.now() - 60_000).toISOString(), referenceNo: 'BC-2026-0042' }) =>
  post('report', auth, id, body);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let quality: Awaited<ReturnType<typeof signedIn>>;
let intake: Awaited<ReturnType<typeof signedIn>>;
let ceo: Awaited<ReturnType<typeof signedIn>>;
let admin: Awaited<ReturnType<typeof signedIn>>;
let deptHead: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  intake = await signedIn(['intake']);
  ceo = await signedIn(['ceo'], { name: 'Nguyễn Văn Tổng' });
  admin = await signedIn(['admin_officer']);
  deptHead = await signedIn(['dept_head']);
});

const serious = () => buildComplaint({ harm: 'serious_injury' });
const signed = (c: Complaint, summary: string, reportCategory: string, decision: string, rationale: string) =>
  sha256Hex(canonicalJson({ reference: c.reference, subject: c.subject, harm: c.harm, summary, reportCategory, decision, rationale }));
const report = (extra: Record<string, unknown> = {}) => ({ decision: 'report', rationale: 'Có tổn hại nghiêm trọng, phải báo cáo.', password: TEST_PASSWORD, ...extra });

async function submitted(): Promise<Complaint> {
  const c = await serious();
  expect((await submit(quality.auth, c.id)).status).toBe(201);
  return c;
}

describe('POST /complaints/:id/regulatory/submit', () => {
  it('submits a serious case to the CEO with the provisional report deadline and starts the report clock', async () => {
    const c = await serious();
    const res = await submit(quality.auth, c.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ complaintId: c.id, status: 'awaiting_ceo', reportCategory: 'death_or_serious_injury', reportDueProvisional: true, decision: null, filing: null });
    expect(res.body.reportDueAt).toBe(endOfCalendarDays(c.receivedAt, 10, ZONE).toISOString());
    const clock = await CaseClock.findOne({ where: { complaintId: c.id, kind: 'report' } });
    expect(clock).toMatchObject({ outcome: null, setBy: 'regulatory_review.submitted' });
    expect(clock!.dueAt!.toISOString()).toBe(res.body.reportDueAt);
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(ceo.auth);
    expect(detail.body.regulatory).toMatchObject({ id: res.body.id, status: 'awaiting_ceo', clock: { dueAt: res.body.reportDueAt, outcome: null } });
    expect(detail.body.nextDueAt).not.toBeNull();
    expect(await AuditEvent.count({ where: { action: 'regulatory_review.submitted', complaintId: c.id } })).toBe(1);
  });

  it('takes the category from quality (intake may submit too) and refuses a case without the flag unless potential serious harm is marked', async () => {
    const c = await buildComplaint();
    const refused = await submit(quality.auth, c.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('conflict');
    const res = await submit(intake.auth, c.id, { summary: 'Nguy cơ ngộ độc hàng loạt.', reportCategory: 'public_health_threat', potentialSeriousHarm: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reportCategory: 'public_health_threat', potentialSeriousHarm: true });
    expect(res.body.reportDueAt).toBe(endOfCalendarDays(c.receivedAt, 2, ZONE).toISOString());
  });

  it('refuses 403 (ceo, dept_head), 401, 404, 409 a second open review, 400 a bad body', async () => {
    const c = await serious();
    expect((await submit(ceo.auth, c.id)).status).toBe(403);
    expect((await submit(deptHead.auth, c.id)).status).toBe(403);
    expect((await submit({}, c.id)).status).toBe(401);
    expect((await submit(quality.auth, UNKNOWN)).status).toBe(404);
    const bad = await submit(quality.auth, c.id, { summary: '', reportCategory: 'minor' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(['reportCategory', 'summary']);
    expect((await submit(quality.auth, c.id)).status).toBe(201);
    const twice = await submit(quality.auth, c.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('conflict');
    expect(await RegulatoryReview.count({ where: { complaintId: c.id } })).toBe(1);
  });
});

describe('POST /complaints/:id/regulatory/decision', () => {
  it('signs the decision: signer, printed name, role, meaning, time and the hash of exactly what was signed; fixes the deadline', async () => {
    const c = await submitted();
    const body = report({ reportCategory: 'public_health_threat' });
    const hash = signed(c, 'Khách hàng bị bỏng do máy rò điện.', 'public_health_threat', 'report', body.rationale);
    const res = await decide(ceo.auth, c.id, { ...body, contentSha256: hash });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      decision: 'report',
      reportDueAt: endOfCalendarDays(c.receivedAt, 2, ZONE).toISOString(),
      signature: { signerId: ceo.user.id, signerName: 'Nguyễn Văn Tổng', signerRole: 'ceo', meaning: 'Quyết định báo cáo cơ quan chức năng', contentSha256: hash, supersedes: null },
    });
    expect(Object.keys(res.body.signature)).toEqual(expect.arrayContaining(['id', 'signerId', 'meaning', 'signedAt', 'contentSha256']));
    const row = (await Signature.findByPk(res.body.signature.id))!;
    expect(sha256Hex(canonicalJson(row.content))).toBe(hash);
    expect(row.content).toEqual({ reference: c.reference, subject: c.subject, harm: 'serious_injury', summary: 'Khách hàng bị bỏng do máy rò điện.', reportCategory: 'public_health_threat', decision: 'report', rationale: body.rationale });
    const clock = (await CaseClock.findOne({ where: { complaintId: c.id, kind: 'report' } }))!;
    expect(clock.dueAt!.toISOString()).toBe(res.body.reportDueAt);
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(admin.auth);
    expect(detail.body.regulatory).toMatchObject({ status: 'decided', decision: 'report', reportDueProvisional: false, signatureId: row.id });
    expect(detail.body.signatures).toHaveLength(1);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('refuses a wrong password with 401 signature_invalid, audited, nothing signed; rate-limits after repeated failures', async () => {
    const c = await submitted();
    // A CEO of its own: the window is per user.
    const ceo = await signedIn(['ceo']);
    const res = await decide(ceo.auth, c.id, report({ password: 'wrong password here' }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('signature_invalid');
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
    expect((await RegulatoryReview.findOne({ where: { complaintId: c.id } }))!.status).toBe('awaiting_ceo');
    expect(await AuditEvent.count({ where: { action: 'signature.failed', complaintId: c.id, actorId: ceo.user.id } })).toBe(1);
    for (let i = 1; i < SIGNATURE_THROTTLE.maxFailures; i++) expect((await decide(ceo.auth, c.id, report({ password: 'wrong password here' }))).status).toBe(401);
    const limited = await decide(ceo.auth, c.id, report());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
    expect(await AuditEvent.count({ where: { action: 'signature.rate_limited', complaintId: c.id } })).toBe(1);
  });

  it('refuses a non-CEO (403), a stale contentSha256 (409), a case without a review (409)', async () => {
    const c = await submitted();
    expect((await decide(quality.auth, c.id, report())).status).toBe(403);
    expect((await decide(admin.auth, c.id, report())).status).toBe(403);
    const stale = await decide(ceo.auth, c.id, report({ contentSha256: signed(c, 'tóm tắt cũ', 'death_or_serious_injury', 'report', report().rationale) }));
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
    const none = await serious();
    expect((await decide(ceo.auth, none.id, report())).status).toBe(409);
    expect((await decide(ceo.auth, UNKNOWN, report())).status).toBe(404);
  });

  it('replays the first answer for the same Idempotency-Key; a later decision supersedes it and stops the clock on no_report', async () => {
    const c = await submitted();
    const key = { 'Idempotency-Key': `sign-${c.id}` };
    const first = await decide(ceo.auth, c.id, report(), key);
    expect(first.status).toBe(201);
    const again = await decide(ceo.auth, c.id, report(), key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.signature.id).toBe(first.body.signature.id);
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(1);
    // The stored request hash covers the decision without the re-entered password (a hash of it
    // beside known fields would let whoever reads the table guess the password).
    const [{ request_hash: stored }] = await sequelize().query<{ request_hash: string }>('SELECT request_hash FROM idempotency_keys WHERE key = $1', { bind: [key['Idempotency-Key']], type: QueryTypes.SELECT });
    const { password: _password, ...withoutPassword } = report();
    const path = `POST /api/v1/complaints/${c.id}/regulatory/decision`;
    expect(stored).toBe(sha256Hex(`${path}\n${canonicalJson(withoutPassword)}`));
    expect(stored).not.toBe(sha256Hex(`${path}\n${canonicalJson(report())}`));

    const later = await decide(ceo.auth, c.id, { decision: 'no_report', rationale: 'Thẩm định lại: không thuộc diện báo cáo.', password: TEST_PASSWORD });
    expect(later.status).toBe(201);
    expect(later.body.signature.supersedes).toBe(first.body.signature.id);
    expect(later.body.reportDueAt).toBeUndefined();
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(ceo.auth);
    expect(detail.body.signatures.map((s: Json) => s.id)).toEqual([later.body.signature.id, first.body.signature.id]);
    expect(detail.body.regulatory).toMatchObject({ decision: 'no_report', clock: { outcome: 'not_needed' } });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });
});

describe('POST /complaints/:id/regulatory/report', () => {
  it('files a report decision once (admin_officer), meeting the report clock; 403 others, 409 before a report decision and twice', async () => {
    const c = await submitted();
    expect((await file(admin.auth, c.id)).status).toBe(409);
    expect((await decide(ceo.auth, c.id, report())).status).toBe(201);
    expect((await file(quality.auth, c.id)).status).toBe(403);
    expect((await file(ceo.auth, c.id)).status).toBe(403);
    const res = await file(admin.auth, c.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'filed', filing: { authority: 'Cục Quản lý Cạnh tranh và Bảo vệ người tiêu dùng', referenceNo: 'BC-2026-0042', filedBy: { id: admin.user.id } }, clock: { outcome: 'met' } });
    const twice = await file(admin.auth, c.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('conflict');
    const bad = await file(admin.auth, c.id, { authority: '', submittedAt: 'yesterday' });
    expect(bad.status).toBe(400);
    expect((await decide(ceo.auth, c.id, report())).status).toBe(409);
  });
});

describe('in the database and the procedure', () => {
  it('refuses any change of a signature (CB001)', async () => {
    const c = await submitted();
    const res = await decide(ceo.auth, c.id, report());
    await expect(sequelize().query(`UPDATE signatures SET meaning = 'khác' WHERE id = $1`, { bind: [res.body.signature.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    await expect(sequelize().query(`DELETE FROM signatures WHERE id = $1`, { bind: [res.body.signature.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });

  it('keeps the case from closing while a review is open or a report decision is unfiled', async () => {
    const c = await submitted();
    const atFollowUp = await moveTestCase(c, ['investigation', 'solution', 'review', 'response', 'follow_up'], { note: 'Đã đổi máy cho khách.' });
    expect(atFollowUp.status).toBe('follow_up');
    await recordTestFollowUp(c.id);
    const closeAt = async () => {
      const v = (await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth)).body.version;
      return t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(quality.auth).send({ to: 'closed', note: 'Kết thúc.', version: v });
    };
    const open = await closeAt();
    expect(open.status).toBe(409);
    expect(open.body.code).toBe('invalid_transition');
    expect(open.body.errors.map((e: Json) => e.path)).toContain('regulatory');
    expect((await decide(ceo.auth, c.id, report())).status).toBe(201);
    const unfiled = await closeAt();
    expect(unfiled.status).toBe(409);
    expect(unfiled.body.errors).toEqual([{ path: 'regulatory', message: 'The `report` decision is not filed yet' }]);
    expect((await file(admin.auth, c.id)).status).toBe(201);
    expect((await closeAt()).status).toBe(200);
  });
});
