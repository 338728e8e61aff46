import { DateTime } from 'luxon';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical';
import { RegulatoryReview, Signature, type Complaint } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const casePage = async (agent: Agent, id: string) => decoded((await agent.get(`/complaints/${id}`).query({ lang: 'vi' })).text);
const localAgo = (minutes: number) => DateTime.now().setZone(ZONE).minus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm");
const RATIONALE = 'Khách hàng bị bỏng độ hai: phải báo cáo.';
const SUMMARY = 'Khách hàng bị bỏng do máy rò điện.';

let quality: Awaited<ReturnType<typeof signedIn>>;
let ceoApi: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  ceoApi = await signedIn(['ceo']);
});

const serious = (extra: Parameters<typeof buildComplaint>[0] = {}) => buildComplaint({ harm: 'serious_injury', ...extra });
async function submitted(extra: Parameters<typeof buildComplaint>[0] = {}): Promise<Complaint> {
  const c = await serious(extra);
  const res = await t.request().post(`/api/v1/complaints/${c.id}/regulatory/submit`).set(quality.auth).send({ summary: SUMMARY });
  expect(res.status).toBe(201);
  return c;
}
const hashOf = (c: Complaint, decision: string, rationale: string, reportCategory = 'death_or_serious_injury') =>
  sha256Hex(canonicalJson({ reference: c.reference, subject: c.subject, harm: c.harm, summary: SUMMARY, reportCategory, decision, rationale }));

async function confirmPage(agent: Agent, id: string, decision = 'report', rationale = RATIONALE) {
  const form = await agent.get(`/complaints/${id}/regulatory/sign`).query({ lang: 'vi' });
  expect(form.status).toBe(200);
  return agent.post(`/complaints/${id}/regulatory/sign`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(form.text), step: 'confirm', decision, rationale, reportCategory: 'death_or_serious_injury' });
}
/** Posts the confirmed signing form (`confirm`: a confirmation page already shown, e.g. to send it twice). */
async function signBy(agent: Agent, id: string, password: string, contentSha256?: string, confirm?: { status: number; text: string }) {
  confirm ??= await confirmPage(agent, id);
  expect(confirm.status).toBe(200);
  const hash = /name="contentSha256" value="([0-9a-f]{64})"/.exec(confirm.text)![1];
  const signedAfter = /name="signedAfter" value="([^"]*)"/.exec(confirm.text)![1];
  return agent
    .post(`/complaints/${id}/regulatory/sign`)
    .query({ lang: 'vi' })
    .type('form')
    .send({ _csrf: csrfFrom(confirm.text), step: 'sign', decision: 'report', rationale: RATIONALE, reportCategory: 'death_or_serious_injury', contentSha256: contentSha256 ?? hash, signedAfter, password });
}

describe('the regulatory panel on the case page', () => {
  it('offers quality the submit form (the harm box only on a case without the flag) and records the submission', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const plain = await casePage(agent, (await buildComplaint()).id);
    expect(plain).toContain('data-testid="regulatory-panel"');
    expect(plain).toContain('data-testid="regulatory-potential-harm"');

    const c = await serious();
    const page = await casePage(agent, c.id);
    expect(page).toContain('data-testid="regulatory-submit"');
    expect(page).not.toContain('data-testid="regulatory-potential-harm"');
    const res = await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY, reportCategory: 'death_or_serious_injury' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#regulatory`);
    const after = await casePage(agent, c.id);
    expect(after).toContain('Đã trình Tổng giám đốc xem xét báo cáo.');
    expect(after).toContain('data-status="awaiting_ceo"');
    expect(after).toContain('data-testid="regulatory-due-provisional"');
    expect(after).toContain('data-testid="regulatory-time-left"');
    expect(after).not.toContain('data-testid="regulatory-submit"');
    expect(await RegulatoryReview.count({ where: { complaintId: c.id } })).toBe(1);
    // The report deadline is one of the case's clocks: a row of the deadline table, running.
    expect(after).toMatch(/data-testid="clock-report" data-state="pending">\s*<td[^>]*>Báo cáo cơ quan chức năng<\/td>/);

    // The CEO gets the link to the signing page; a department head only reads.
    const { agent: ceo } = await signedInAgent(t.app, ['ceo']);
    expect(await casePage(ceo, c.id)).toContain(`href="/complaints/${c.id}/regulatory/sign" data-testid="regulatory-sign-link"`);
    const { agent: head } = await signedInAgent(t.app, ['dept_head']);
    const seen = await casePage(head, c.id);
    expect(seen).toContain('data-status="awaiting_ceo"');
    expect(seen).not.toContain('regulatory-sign-link');
    expect(seen).not.toContain('data-testid="regulatory-submit"');
  });

  it('says why a submission is refused beside the field, the typed values kept: no summary, or an unflagged case without the harm box', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    const page = await casePage(agent, c.id);
    const res = await agent.post(`/complaints/${c.id}/regulatory/submit`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY, reportCategory: 'public_health_threat' });
    expect(res.status).toBe(409);
    const refused = decoded(res.text);
    expect(refused).toMatch(/aria-invalid="true"> Có khả năng gây tổn hại nghiêm trọng<\/label>\s*<small class="field-error">[^<]*hãy đánh dấu có khả năng gây tổn hại nghiêm trọng/);
    expect(refused).toContain(`>${SUMMARY}</textarea>`);
    expect(refused).toContain('<option value="public_health_threat" selected>');
    const blank = await agent.post(`/complaints/${c.id}/regulatory/submit`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), summary: ' ', potentialSeriousHarm: 'true' });
    expect(blank.status).toBe(400);
    expect(decoded(blank.text)).toMatch(/<small class="field-error">Cần nêu tóm tắt.<\/small>/);
    expect(blank.text).toMatch(/data-testid="regulatory-potential-harm" checked/);
    await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY, potentialSeriousHarm: 'true', reportCategory: 'public_health_threat' });
    const review = await RegulatoryReview.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(review).toMatchObject({ potentialSeriousHarm: true, reportCategory: 'public_health_threat' });
  });
});

describe('the signing page', () => {
  it('shows the content and its hash, refuses a wrong password with nothing signed, signs with the right one', async () => {
    const c = await submitted();
    const { agent, user } = await signedInAgent(t.app, ['ceo'], { name: 'Nguyễn Văn Tổng' });
    const confirm = await confirmPage(agent, c.id);
    expect(confirm.status).toBe(200);
    const html = decoded(confirm.text);
    const hash = hashOf(c, 'report', RATIONALE);
    expect(html).toContain(`data-testid="sign-hash">${hash}<`);
    expect(html).toContain(RATIONALE);
    expect(html).toContain('Quyết định báo cáo cơ quan chức năng');

    const wrong = await signBy(agent, c.id, 'not the password');
    expect(wrong.status).toBe(401);
    expect(decoded(wrong.text)).toContain('Mật khẩu không đúng: quyết định chưa được ký.');
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);

    const right = await signBy(agent, c.id, TEST_PASSWORD);
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe(`/complaints/${c.id}#regulatory`);
    const signature = await Signature.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(signature).toMatchObject({ signerId: user.id, decision: 'report', contentSha256: hash });
    const page = await casePage(agent, c.id);
    expect(page).toContain('Đã ký quyết định.');
    expect(page).toContain('data-testid="signature-signer">Nguyễn Văn Tổng<');
    expect(page).toContain('data-role="ceo">Tổng giám đốc<');
    expect(page).toContain(`data-testid="signature-hash">${hash}<`);
    expect(page).toContain('data-decision="report"');
    // A decided review may be superseded: a second signature marks the first as superseded.
    expect(page).toContain('Ký quyết định mới');
    expect((await signBy(agent, c.id, TEST_PASSWORD)).status).toBe(303);
    expect(await casePage(agent, c.id)).toContain('data-testid="signature-superseded"');
  });

  it('signs once when the same confirmed form is sent twice: the second is refused with a notice', async () => {
    const c = await submitted();
    const { agent } = await signedInAgent(t.app, ['ceo']);
    const confirm = await confirmPage(agent, c.id);
    expect((await signBy(agent, c.id, TEST_PASSWORD, undefined, confirm)).status).toBe(303);
    const again = await signBy(agent, c.id, TEST_PASSWORD, undefined, confirm);
    expect([again.status, again.headers.location]).toEqual([303, `/complaints/${c.id}#regulatory`]);
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(1);
    expect(await casePage(agent, c.id)).toContain('Quyết định đã được ký (có thể do gửi biểu mẫu hai lần): không ký thêm chữ ký nào.');
  });

  it('refuses a stale content hash with a notice (409) and asks for the decision and rationale', async () => {
    const c = await submitted();
    const { agent } = await signedInAgent(t.app, ['ceo']);
    const stale = await signBy(agent, c.id, TEST_PASSWORD, 'a'.repeat(64));
    expect(stale.status).toBe(409);
    expect(decoded(stale.text)).toContain('Nội dung đã thay đổi kể từ khi hiển thị');
    expect(stale.text).toContain(`data-testid="sign-hash">${hashOf(c, 'report', RATIONALE)}<`);
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);

    const form = await agent.get(`/complaints/${c.id}/regulatory/sign`).query({ lang: 'vi' });
    const blank = await agent.post(`/complaints/${c.id}/regulatory/sign`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(form.text), step: 'confirm', rationale: '' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('data-testid="form-errors"');
  });

  it('is the CEO\'s only; a case without a review goes back to the case page with a notice', async () => {
    const c = await submitted();
    const { agent: q } = await signedInAgent(t.app, ['quality']);
    expect((await q.get(`/complaints/${c.id}/regulatory/sign`)).status).toBe(403);
    const { agent: ceo } = await signedInAgent(t.app, ['ceo']);
    const none = await buildComplaint();
    const res = await ceo.get(`/complaints/${none.id}/regulatory/sign`);
    expect(res.status).toBe(303);
    expect(await casePage(ceo, none.id)).toContain('Hồ sơ chưa được trình xem xét báo cáo.');
    expect(await casePage(ceo, c.id)).toContain('data-testid="regulatory-sign-link"');
    const page = await casePage(ceo, c.id);
    expect((await ceo.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: 'x' })).status).toBe(403);
  });
});

describe('the CEO decision queue', () => {
  it('lists the reviews awaiting the CEO, oldest first, for ceo, cs_director, legal and auditor', async () => {
    const older = await submitted({ subject: 'Máy sấy bốc khói' });
    const newer = await submitted({ subject: 'Nồi áp suất nổ nắp' });
    const { agent } = await signedInAgent(t.app, ['ceo']);
    const res = await agent.get('/regulatory/queue').query({ lang: 'vi' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/regulatory/queue"');
    const a = res.text.indexOf(`data-complaint-id="${older.id}"`);
    const b = res.text.indexOf(`data-complaint-id="${newer.id}"`);
    expect(a).toBeGreaterThan(-1);
    expect(b).toBeGreaterThan(a);
    expect(res.text).toContain('Thương tích nghiêm trọng');
    for (const role of ['cs_director', 'legal', 'auditor'] as const) {
      const { agent: reader } = await signedInAgent(t.app, [role]);
      const seen = await reader.get('/regulatory/queue');
      expect(seen.status).toBe(200);
      expect(seen.text).not.toContain('/regulatory/sign');
    }
    for (const role of ['quality', 'dept_head', 'admin_officer'] as const) {
      const { agent: other } = await signedInAgent(t.app, [role]);
      expect((await other.get('/regulatory/queue')).status).toBe(403);
    }
  });
});

describe('the filing form', () => {
  it('lets admin_officer file a report decision once, in the organisation zone', async () => {
    const c = await submitted();
    const decided = await t.request().post(`/api/v1/complaints/${c.id}/regulatory/decision`).set(ceoApi.auth).send({ decision: 'report', rationale: RATIONALE, password: TEST_PASSWORD });
    expect(decided.status).toBe(201);
    const { agent } = await signedInAgent(t.app, ['admin_officer']);
    const page = await casePage(agent, c.id);
    expect(page).toContain('data-testid="regulatory-file"');
    const inFuture = localAgo(-120);
    const future = await agent.post(`/complaints/${c.id}/regulatory/file`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), authority: 'Sở Y tế', submittedAt: inFuture, referenceNo: 'BC-1' });
    expect(future.status).toBe(400);
    const refused = decoded(future.text);
    expect(refused).toMatch(/name="submittedAt" value="[^"]+" required aria-invalid="true">\s*<small class="field-error">Thời điểm nộp không được ở tương lai.</);
    expect(refused).toContain(`value="${inFuture}"`);
    expect(refused).toContain('value="Sở Y tế"');
    expect(refused).toContain('value="BC-1"');
    const at = localAgo(30);
    const res = await agent.post(`/complaints/${c.id}/regulatory/file`).type('form').send({ _csrf: csrfFrom(page), authority: 'Sở Y tế TP.HCM', submittedAt: at, referenceNo: 'BC-2026-0042' });
    expect(res.status).toBe(303);
    const after = await casePage(agent, c.id);
    expect(after).toContain('Đã ghi nhận nộp báo cáo cho cơ quan chức năng.');
    expect(after).toContain('data-testid="regulatory-reference-no">BC-2026-0042<');
    expect(after).not.toContain('data-testid="regulatory-file"');
    const review = await RegulatoryReview.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(review.reportSubmittedAt!.toISOString()).toBe(DateTime.fromISO(at, { zone: ZONE }).toJSDate().toISOString());
    const { agent: q } = await signedInAgent(t.app, ['quality']);
    expect((await q.post(`/complaints/${c.id}/regulatory/file`).type('form').send({ _csrf: csrfFrom(await casePage(q, c.id)), authority: 'x', submittedAt: at, referenceNo: 'y' })).status).toBe(403);
  });
});
