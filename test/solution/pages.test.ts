import { Solution } from '../../src/models';
import { csrfFrom, sessionAgent, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, buildUser } from '../support/factories';
import { moveTestCase } from '../support/procedure';

const t = useTestApp();

type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

async function caseIn(stages: Parameters<typeof moveTestCase>[1]) {
  return moveTestCase(await buildComplaint({ customerId: (await buildCustomer({ email: 'khach@example.vn' })).id }), stages);
}

/** Posts a form from the case page with its CSRF token. */
async function post(agent: Agent, caseId: string, path: string, fields: Record<string, string>) {
  const page = await agent.get(`/complaints/${caseId}`).query({ lang: 'vi' });
  return agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
}

describe('the solution panel on the case page', () => {
  it('offers quality the proposal form in the solution stage; a proposal is recorded and shown with its version and round', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality'], { name: 'Đỗ Minh Châu' });
    const c = await caseIn(['investigation', 'solution']);
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.text).toContain('data-testid="solution-panel"');
    expect(page.text).toContain('Chưa có giải pháp đề xuất.');
    expect(page.text).toContain('data-testid="solution-form"');
    const res = await post(agent, c.id, `/complaints/${c.id}/solution`, { summary: 'Đổi máy mới, kiểm tra lại đường nước.', version: String(c.version) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#solution`);
    const after = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(after).toContain('Đã ghi giải pháp đề xuất.');
    expect(after).toContain('Phiên bản 1 · vòng 1');
    expect(after).toContain('Đổi máy mới, kiểm tra lại đường nước.');
    expect(after).toContain('Đề xuất bởi Đỗ Minh Châu');
    expect(after).toContain('Chờ Giám đốc CSKH xem xét.');
    expect((await Solution.findOne({ where: { complaintId: c.id } }))!.proposedBy).toBe(user.id);
  });

  it('gives a refused proposal back on a page of its own, with the field error and the values kept', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await caseIn(['investigation', 'solution']);
    const res = await post(agent, c.id, `/complaints/${c.id}/solution?lang=vi`, { summary: '   ', version: String(c.version) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="form-errors"');
    expect(res.text).toMatch(/id="field-summary" aria-invalid="true">\s*<\/textarea>/);
    const long = `Đổi máy mới cho khách hàng. ${'Chi tiết. '.repeat(2100)}`;
    const tooLong = await post(agent, c.id, `/complaints/${c.id}/solution?lang=vi`, { summary: long, version: String(c.version) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Đổi máy mới cho khách hàng. Chi tiết. Chi tiết.');
    expect(tooLong.text).toMatch(/id="field-summary" aria-invalid="true"/);
    const stale = await post(agent, c.id, `/complaints/${c.id}/solution`, { summary: 'Giải pháp.', version: String(c.version - 1) });
    expect(stale.status).toBe(303);
    expect(await Solution.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('offers the CS director approve / return forms in review; the proposer sees neither those nor the review buttons', async () => {
    const proposer = await buildUser({ roles: ['quality', 'cs_director'], name: 'Vũ Hải Yến' });
    const self = await sessionAgent(t.app, proposer);
    const { agent } = await signedInAgent(t.app, ['cs_director']);
    const c = await caseIn(['investigation', 'solution']);
    const proposed = await post(self, c.id, `/complaints/${c.id}/solution`, { summary: 'Hoàn tiền cho khách hàng.' });
    expect(proposed.status).toBe(303);
    const moved = await post(self, c.id, `/complaints/${c.id}/transitions`, { to: 'review' });
    expect(moved.status).toBe(303);
    const own = (await self.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text;
    expect(own).not.toContain('data-testid="review-approve-form"');
    expect(own).toContain('data-testid="solution-own"');
    // The review is the panel's (no generic move to response or back to solution), and the panel says why it is not offered.
    expect(own).not.toContain('data-testid="transition-response"');
    expect(own).not.toContain('data-testid="transition-solution"');
    expect(decoded(own)).toContain('Bạn là người đề xuất giải pháp này: một Giám đốc CSKH khác sẽ xem xét.');
    const page = (await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text;
    expect(page).toContain('data-testid="review-approve-form"');
    expect(page).toContain('data-testid="review-return-form"');

    // A return without reasons: the form again, with the field error and the choice kept.
    const refused = await post(agent, c.id, `/complaints/${c.id}/review?lang=vi`, { approved: 'false', comment: '' });
    expect(refused.status).toBe(400);
    expect(decoded(refused.text)).toContain('Nêu lý do trả lại phương án.');
    expect(refused.text).toMatch(/name="approved" value="false" checked/);
    const returned = await post(agent, c.id, `/complaints/${c.id}/review`, { approved: 'false', comment: 'Cần bổ sung kiểm tra lô hàng.' });
    expect(returned.status).toBe(303);
    const after = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(after).toContain('Đã trả lại');
    expect(after).toContain('Cần bổ sung kiểm tra lô hàng.');
    // The proposer reviewing through the page: refused (403), nothing written.
    await post(self, c.id, `/complaints/${c.id}/solution`, { summary: 'Hoàn tiền và tặng phiếu bảo dưỡng.' });
    await post(self, c.id, `/complaints/${c.id}/transitions`, { to: 'review' });
    const forbidden = await post(self, c.id, `/complaints/${c.id}/review`, { approved: 'true', comment: '' });
    expect(forbidden.status).toBe(403);
    const [latest] = await Solution.findAll({ where: { complaintId: c.id }, order: [['number', 'DESC']] });
    expect(latest).toMatchObject({ number: 2, reviewedAt: null });
  });
});

describe('the review page for the CS director', () => {
  it('lists every case in review oldest first with the stage time left, in the nav for cs_director only', async () => {
    const { agent } = await signedInAgent(t.app, ['cs_director']);
    const first = await caseIn(['investigation', 'solution', 'review']);
    const second = await caseIn(['investigation', 'solution', 'review']);
    const page = await agent.get('/reviews').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/reviews"');
    const order = [...page.text.matchAll(/data-testid="review-queue-row" data-complaint-id="([^"]+)"/g)].map((m) => m[1]);
    expect(order.indexOf(first.id)).toBeLessThan(order.indexOf(second.id));
    expect(order.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(decoded(page.text)).toMatch(/data-testid="review-queue-due">còn \d+ (giờ|phút)/);
    const english = await agent.get('/reviews').query({ lang: 'en' });
    expect(english.text).toContain('Solutions awaiting review');

    const quality = await signedInAgent(t.app, ['quality']);
    expect((await quality.agent.get('/reviews')).status).toBe(403);
    expect((await quality.agent.get('/')).text).not.toContain('href="/reviews"');
    expect((await t.request().get('/reviews')).status).toBe(303);
  });
});

describe('the follow-up form', () => {
  it('records the outcome in follow_up; a refused one keeps its values', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await caseIn(['investigation', 'solution', 'review', 'response', 'follow_up']);
    const page = (await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text;
    expect(page).toContain('data-testid="follow-up-form"');
    const refused = await post(agent, c.id, `/complaints/${c.id}/follow-up?lang=vi`, { contactedAt: '2099-01-01T10:00', via: 'phone', satisfied: 'true', note: 'Khách hài lòng.' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="2099-01-01T10:00"');
    expect(refused.text).toMatch(/<option value="phone" selected>/);
    expect(decoded(refused.text)).toContain('Khách hài lòng.');
    expect(decoded(refused.text)).toContain('Thời điểm liên hệ không được ở tương lai.');
    const ok = await post(agent, c.id, `/complaints/${c.id}/follow-up`, { contactedAt: '', via: 'phone', satisfied: 'true', note: 'Khách hài lòng.' });
    expect(ok.status).toBe(400);
    const now = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
    const recorded = await post(agent, c.id, `/complaints/${c.id}/follow-up`, { contactedAt: now, via: 'phone', satisfied: 'true', note: 'Khách hài lòng với máy mới.' });
    expect(recorded.status).toBe(303);
    expect(decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text)).toContain('Khách hài lòng với máy mới.');
  });
});
