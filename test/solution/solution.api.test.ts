import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent, CaseClock, Complaint, FollowUp, Solution } from '../../src/models';
import { useTestApp } from '../support/app';
import { advanceClock, useFixedClock } from '../support/clock';
import { buildComplaint, buildCustomer, sealCase, signedIn } from '../support/factories';
import { moveTestCase, proposeTestSolution } from '../support/procedure';

const t = useTestApp();

type Auth = Record<string, string>;
type Signed = Awaited<ReturnType<typeof signedIn>>;
const propose = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/solution`).set(auth).send(body);
const review = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/review`).set(auth).send(body);
const move = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/transitions`).set(auth).send(body);
const followUp = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/follow-up`).set(auth).send(body);
const detail = async (auth: Auth, id: string) => (await t.request().get(`/api/v1/complaints/${id}`).set(auth)).body as Record<string, unknown> & { solutions: Array<Record<string, unknown>>; followUps: Array<Record<string, unknown>> };

let quality: Signed;
let director: Signed;
let intake: Signed;
beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Phạm Thu Hà' });
  director = await signedIn(['cs_director'], { name: 'Lê Quang Vinh' });
  intake = await signedIn(['intake']);
});

/** A complaint (customer with an address) moved to `stage`. */
async function caseIn(stage: 'solution' | 'review' | 'follow_up'): Promise<Complaint> {
  const path = { solution: ['investigation', 'solution'], review: ['investigation', 'solution', 'review'], follow_up: ['investigation', 'solution', 'review', 'response', 'follow_up'] } as const;
  return moveTestCase(await buildComplaint({ customerId: (await buildCustomer({ email: 'khach@example.vn' })).id }), path[stage]);
}

describe('POST /api/v1/complaints/:id/solution', () => {
  it('records a proposal in the solution stage (201), shows it on the case and audits it under the case', async () => {
    const c = await caseIn('solution');
    const res = await propose(quality.auth, c.id, { summary: '  Đổi máy lọc nước mới và kiểm tra lại đường ống tại nhà khách hàng.  ', version: c.version });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      complaintId: c.id,
      round: 1,
      version: 1,
      summary: 'Đổi máy lọc nước mới và kiểm tra lại đường ống tại nhà khách hàng.',
      proposedBy: { id: quality.user.id, name: 'Phạm Thu Hà' },
      proposedAt: expect.any(String),
      review: null,
    });
    expect((await detail(director.auth, c.id)).solutions).toEqual([res.body]);
    const event = await AuditEvent.findOne({ where: { entityType: 'Solution', entityId: res.body.id } });
    expect(event).toMatchObject({ action: 'solution.proposed', complaintId: c.id, actorId: quality.user.id });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('answers 401, 403, 400, 404 and 409 (wrong stage, stale version, sealed case) without writing anything', async () => {
    const c = await caseIn('solution');
    expect((await t.request().post(`/api/v1/complaints/${c.id}/solution`).send({ summary: 'x' })).status).toBe(401);
    expect((await propose(director.auth, c.id, { summary: 'x' })).status).toBe(403);
    expect((await propose(intake.auth, c.id, { summary: 'x' })).status).toBe(403);
    const blank = await propose(quality.auth, c.id, { summary: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors.map((e: { path: string }) => e.path)).toEqual(['summary']);
    expect((await propose(quality.auth, c.id, { summary: 'x', extra: true })).status).toBe(400);
    expect((await propose(quality.auth, c.id, { summary: 'x', actions: 'nope' })).status).toBe(400);
    expect((await propose(quality.auth, '00000000-0000-4000-8000-000000000000', { summary: 'x' })).status).toBe(404);
    const stale = await propose(quality.auth, c.id, { summary: 'x', version: c.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    const early = await moveTestCase(await buildComplaint(), ['investigation']);
    const wrong = await propose(quality.auth, early.id, { summary: 'Giải pháp quá sớm.' });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ code: 'invalid_transition', errors: [{ path: 'status' }] });
    expect(await Solution.count({ where: { complaintId: [c.id, early.id] } })).toBe(0);
    // Accepts the actions key (the corrective actions capability creates them).
    expect((await propose(quality.auth, c.id, { summary: 'Thay lõi lọc.', actions: [] })).status).toBe(201);
    const sealed = await caseIn('solution');
    await sealCase(sealed.id);
    expect((await propose(quality.auth, sealed.id, { summary: 'x' })).status).toBe(409);
  });
});

describe('the review: POST /api/v1/complaints/:id/review', () => {
  it('refuses the proposer (403) even with the CS director role, and lets another director decide', async () => {
    const both = await signedIn(['quality', 'cs_director']);
    const c = await caseIn('solution');
    expect((await propose(both.auth, c.id, { summary: 'Hoàn tiền 100% cho khách hàng.' })).status).toBe(201);
    expect((await move(both.auth, c.id, { to: 'review' })).status).toBe(200);
    const self = await review(both.auth, c.id, { approved: true, comment: 'Tự duyệt.' });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('forbidden');
    // Through the transitions endpoint as well: 403, and the case page does not offer it (the guard).
    expect((await move(both.auth, c.id, { to: 'response' })).status).toBe(403);
    expect((await detail(both.auth, c.id)).status).toBe('review');
    expect((await review(director.auth, c.id, { approved: true, comment: 'Đồng ý.' })).body.status).toBe('response');
    const [s] = (await detail(director.auth, c.id)).solutions;
    expect(s.review).toEqual({ approved: true, comment: 'Đồng ý.', reviewedBy: { id: director.user.id, name: 'Lê Quang Vinh' }, reviewedAt: expect.any(String) });
  });

  it('answers 401, 403, 400 and 409 (not in review, stale version)', async () => {
    const c = await caseIn('review');
    expect((await t.request().post(`/api/v1/complaints/${c.id}/review`).send({ approved: true })).status).toBe(401);
    expect((await review(quality.auth, c.id, { approved: true })).status).toBe(403);
    expect((await review(director.auth, c.id, { approved: false })).status).toBe(400);
    expect((await review(director.auth, c.id, { approved: 'yes' })).status).toBe(400);
    expect((await review(director.auth, c.id, { approved: true, version: c.version + 5 })).status).toBe(409);
    const early = await caseIn('solution');
    const wrong = await review(director.auth, early.id, { approved: true });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('invalid_transition');
    expect((await Solution.findOne({ where: { complaintId: c.id } }))!.reviewedAt).toBeNull();
  });

  it('return, re-propose, approve: every version kept with its review; a returned proposal no longer counts', async () => {
    const c = await caseIn('solution');
    const first = await propose(quality.auth, c.id, { summary: 'Tặng phiếu mua hàng 200.000 đ.' });
    await move(quality.auth, c.id, { to: 'review' });
    expect((await review(director.auth, c.id, { approved: false, comment: 'Chưa xử lý nguyên nhân: cần kiểm tra lô hàng.' })).body).toMatchObject({ status: 'solution', round: 1 });
    // The returned proposal does not take the case back to review.
    const refused = await move(quality.auth, c.id, { to: 'review' });
    expect(refused.status).toBe(409);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('solution');
    const second = await propose(quality.auth, c.id, { summary: 'Đổi sản phẩm mới và kiểm tra toàn bộ lô L-2026-11.' });
    expect(second.body).toMatchObject({ version: 2, round: 1 });
    expect((await move(quality.auth, c.id, { to: 'review' })).status).toBe(200);
    expect((await review(director.auth, c.id, { approved: true })).body.status).toBe('response');
    const shown = (await detail(quality.auth, c.id)).solutions;
    expect(shown.map((s) => [s.version, s.summary, (s.review as { approved: boolean } | null)?.approved])).toEqual([
      [2, 'Đổi sản phẩm mới và kiểm tra toàn bộ lô L-2026-11.', true],
      [1, 'Tặng phiếu mua hàng 200.000 đ.', false],
    ]);
    expect(shown[1].review).toMatchObject({ comment: 'Chưa xử lý nguyên nhân: cần kiểm tra lô hàng.', reviewedBy: { id: director.user.id } });
    expect(shown[1].id).toBe(first.body.id);
    const actions = (await AuditEvent.findAll({ where: { entityType: 'Solution', complaintId: c.id }, order: [['position', 'ASC']] })).map((e) => e.action);
    expect(actions).toEqual(['solution.proposed', 'solution.returned', 'solution.proposed', 'solution.approved']);
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('round 2 after the customer rejects needs a new proposal: the approved round-1 text does not count', async () => {
    const c = await caseIn('review');
    await review(director.auth, c.id, { approved: true });
    const rejected = await t.request().post(`/api/v1/complaints/${c.id}/customer-response`).set(quality.auth).send({ accepted: false, reason: 'Khách hàng muốn được hoàn tiền.' });
    expect(rejected.body).toMatchObject({ status: 'solution', round: 2 });
    const blocked = await move(quality.auth, c.id, { to: 'review' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.errors.map((e: { path: string }) => e.path)).toContain('solution');
    const again = await propose(quality.auth, c.id, { summary: 'Hoàn tiền toàn bộ trong 3 ngày làm việc.' });
    expect(again.body).toMatchObject({ round: 2, version: 2 });
    expect((await move(quality.auth, c.id, { to: 'review' })).status).toBe(200);
    expect((await review(director.auth, c.id, { approved: true })).body).toMatchObject({ status: 'response', round: 2 });
    expect((await detail(quality.auth, c.id)).solutions.map((s) => [s.round, s.version])).toEqual([[2, 2], [1, 1]]);
  });

  it('two CS directors reviewing at once: exactly one wins, the other gets 409, and one review is written', async () => {
    const other = await signedIn(['cs_director']);
    const c = await caseIn('review');
    const results = await Promise.all([
      review(director.auth, c.id, { approved: true, version: c.version }),
      review(other.auth, c.id, { approved: false, comment: 'Trả lại.', version: c.version }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await Solution.findAll({ where: { complaintId: c.id } });
    expect(rows.filter((s) => s.reviewedAt !== null)).toHaveLength(1);
    const winner = results.find((r) => r.status === 200)!;
    expect(rows[0].approved).toBe(winner.body.status === 'response');
  });
});

describe('concurrent proposals', () => {
  it('take turns on the case lock: six at once get versions 1–6, none lost, each audited', async () => {
    const c = await caseIn('solution');
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => propose(quality.auth, c.id, { summary: `Phương án ${n}` })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await AuditEvent.count({ where: { entityType: 'Solution', complaintId: c.id, action: 'solution.proposed' } })).toBe(6);
  });
});

describe('the database keeps proposals append-only', () => {
  it('refuses to change a proposal or a reviewed one, and to delete either (immutable SQLSTATE)', async () => {
    const c = await caseIn('review');
    const [s] = await Solution.findAll({ where: { complaintId: c.id } });
    const attempt = (sql: string) => sequelize().query(sql, { replacements: { id: s.id }, type: QueryTypes.RAW }).then(() => 'ok', (e: { parent?: { code?: string } }) => e.parent?.code);
    expect(await attempt("UPDATE solutions SET summary = 'sửa lén' WHERE id = :id")).toBe('CB001');
    expect(await attempt('DELETE FROM solutions WHERE id = :id')).toBe('CB001');
    await review(director.auth, c.id, { approved: true });
    expect(await attempt("UPDATE solutions SET review_comment = 'khác' WHERE id = :id")).toBe('CB001');
    const rejected = await t.request().post(`/api/v1/complaints/${c.id}/customer-response`).set(quality.auth).send({ accepted: false, reason: 'Không đồng ý.' });
    expect(rejected.status).toBe(200);
  });
});

describe('POST /api/v1/complaints/:id/follow-up', () => {
  it('records the outcome in follow_up (201): not in the future, not before follow-up began; the case can then close', async () => {
    const c = await caseIn('follow_up');
    expect((await move(quality.auth, c.id, { to: 'closed' })).body.errors.map((e: { path: string }) => e.path)).toContain('followUp');
    const contactedAt = new Date().toISOString();
    const res = await followUp(quality.auth, c.id, { contactedAt, via: 'phone', satisfied: true, note: 'Khách hàng hài lòng với máy mới.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ complaintId: c.id, via: 'phone', satisfied: true, note: 'Khách hàng hài lòng với máy mới.', recordedBy: { id: quality.user.id } });
    expect((await detail(quality.auth, c.id)).followUps).toEqual([res.body]);
    expect(await AuditEvent.findOne({ where: { entityType: 'FollowUp', entityId: res.body.id } })).toMatchObject({ action: 'follow_up.recorded', complaintId: c.id });
    const closing = await move(quality.auth, c.id, { to: 'closed' });
    expect(closing.body.errors?.map((e: { path: string }) => e.path) ?? []).not.toContain('followUp');
  });

  it('answers 401, 403, 400 and 409', async () => {
    const c = await caseIn('follow_up');
    const good = { contactedAt: new Date().toISOString(), via: 'phone', satisfied: false, note: 'Khách chưa hài lòng.' };
    expect((await t.request().post(`/api/v1/complaints/${c.id}/follow-up`).send(good)).status).toBe(401);
    expect((await followUp(director.auth, c.id, good)).status).toBe(403);
    expect((await followUp(quality.auth, c.id, { ...good, via: 'pigeon' })).status).toBe(400);
    expect((await followUp(quality.auth, c.id, { ...good, note: '' })).status).toBe(400);
    const future = await followUp(quality.auth, c.id, { ...good, contactedAt: new Date(Date.now() + 3 * 3600_000).toISOString() });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ path: 'contactedAt' })]);
    const before = await followUp(quality.auth, c.id, { ...good, contactedAt: new Date(c.receivedAt.getTime() - 3600_000).toISOString() });
    expect(before.body.errors).toEqual([expect.objectContaining({ path: 'contactedAt' })]);
    const early = await caseIn('solution');
    const wrong = await followUp(quality.auth, early.id, good);
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('invalid_transition');
    expect(await FollowUp.count({ where: { complaintId: [c.id, early.id] } })).toBe(0);
  });
});

describe('the 20-day resolution clock', () => {
  it('is met when the case first enters follow_up or disputed, and missed when that is later than 20 days', async () => {
    const start = new Date(Math.floor(Date.now() / 1000) * 1000);
    useFixedClock(start);
    const onTime = await caseIn('follow_up');
    const resolution = await CaseClock.findOne({ where: { complaintId: onTime.id, kind: 'resolution' } });
    expect(resolution).toMatchObject({ outcome: 'met', metAt: start });

    const late = await caseIn('review');
    await review(director.auth, late.id, { approved: true });
    await t.request().post(`/api/v1/complaints/${late.id}/customer-response`).set(quality.auth).send({ accepted: false, reason: 'Không đồng ý.' });
    await proposeTestSolution(late.id);
    await move(quality.auth, late.id, { to: 'review' });
    await review(director.auth, late.id, { approved: true });
    advanceClock(25 * 24 * 3600_000);
    const disputed = await t.request().post(`/api/v1/complaints/${late.id}/customer-response`).set(quality.auth).send({ accepted: false, reason: 'Sẽ khởi kiện.' });
    expect(disputed.body.status).toBe('disputed');
    expect(await CaseClock.findOne({ where: { complaintId: late.id, kind: 'resolution' } })).toMatchObject({ outcome: 'missed' });
  });
});
