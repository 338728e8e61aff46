import { Archive, Disposal } from '../../src/models';
import { useFixedClock } from '../../src/lib/clock';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { sealedTestArchive } from '../support/archives';
import { useTestClock } from '../support/clock';

const t = useTestApp();
useTestClock();
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const DAY_MS = 86_400_000;

async function post(agent: Agent, pagePath: string, action: string, form: Record<string, string>) {
  const page = await agent.get(pagePath);
  expect(page.status).toBe(200);
  return agent.post(action).type('form').send({ _csrf: csrfFrom(page.text), ...form });
}

describe('the disposal pages', () => {
  it('send a signed-out visitor to sign in and refuse the roles that take no part', async () => {
    const { archive } = await sealedTestArchive();
    for (const path of ['/disposals', `/archives/${archive.id}/disposal`]) {
      const res = await t.request().get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    const { agent } = await signedInAgent(t.app, ['quality']);
    expect((await agent.get('/disposals')).status).toBe(403);
    expect((await agent.get(`/archives/${archive.id}/disposal`)).status).toBe(403);
    const lawyer = await signedInAgent(t.app, ['legal']);
    expect((await lawyer.agent.get(`/archives/${archive.id}/disposal`)).status).toBe(403);
  });

  it('sysadmin proposes from the retention review (a refused form keeps its reason); legal approves; the case page then says it was disposed', async () => {
    const { archive, complaint } = await sealedTestArchive();
    const admin = await signedInAgent(t.app, ['sysadmin']);
    const early = await admin.agent.get(`/archives/${archive.id}/disposal`);
    expect(early.status).toBe(200);
    expect(early.text).toContain('chưa thể đề xuất tiêu hủy');
    expect(early.text).not.toContain('data-testid="disposal-form"');

    useFixedClock(archive.retentionUntil.getTime() + DAY_MS);
    const review = await admin.agent.get('/archives/retention-review');
    expect(review.text).toContain(`href="/archives/${archive.id}/disposal"`);
    expect(review.text).toContain('href="/disposals"');

    const empty = await post(admin.agent, `/archives/${archive.id}/disposal`, `/archives/${archive.id}/disposal`, { reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('aria-invalid="true"');
    const ok = await post(admin.agent, `/archives/${archive.id}/disposal`, `/archives/${archive.id}/disposal`, { reason: 'Hết thời hạn lưu trữ, không có tranh chấp.' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/disposals');
    const mine = await admin.agent.get('/disposals');
    expect(mine.text).toContain('Đã gửi đề xuất tiêu hủy.');
    expect(mine.text).toContain('Hết thời hạn lưu trữ, không có tranh chấp.');
    expect(mine.text).not.toContain('data-testid="approve-');
    const pending = await admin.agent.get(`/archives/${archive.id}/disposal`);
    expect(pending.text).toContain('đang chờ quyết định');

    const legal = await signedInAgent(t.app, ['legal']);
    const proposal = await Disposal.findOne({ where: { archiveId: archive.id }, rejectOnEmpty: true });
    const list = await legal.agent.get('/disposals');
    expect(list.text).toContain(`data-testid="approve-${proposal.id}"`);
    const approved = await legal.agent.post(`/disposals/${proposal.id}/approve`).type('form').send({ _csrf: csrfFrom(list.text), comment: 'Đồng ý tiêu hủy.' });
    expect(approved.status).toBe(303);
    expect((await Archive.findByPk(archive.id, { rejectOnEmpty: true })).disposedAt).not.toBeNull();
    const after = await legal.agent.get('/disposals');
    expect(after.text).toContain('Đã phê duyệt: nội dung hồ sơ đã được tiêu hủy.');
    const again = await legal.agent.post(`/disposals/${proposal.id}/approve`).type('form').send({ _csrf: csrfFrom(after.text) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Đề xuất này đã được quyết định.');

    const page = await legal.agent.get(`/complaints/${complaint.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="case-disposed"');
    expect(page.text).toContain(complaint.reference);
  });

  it('in English too, and a proposal is declined with a comment', async () => {
    const { archive } = await sealedTestArchive();
    useFixedClock(archive.retentionUntil.getTime() + DAY_MS);
    const admin = await signedInAgent(t.app, ['sysadmin'], { locale: 'en' });
    const form = await admin.agent.get(`/archives/${archive.id}/disposal?lang=en`);
    expect(form.text).toContain('Propose disposing of an archive');
    await post(admin.agent, `/archives/${archive.id}/disposal`, `/archives/${archive.id}/disposal`, { reason: 'Retention ended.' });
    const proposal = await Disposal.findOne({ where: { archiveId: archive.id }, rejectOnEmpty: true });
    const legal = await signedInAgent(t.app, ['legal']);
    const res = await post(legal.agent, '/disposals', `/disposals/${proposal.id}/decline`, { comment: 'Còn khiếu nại liên quan.' });
    expect(res.status).toBe(303);
    await proposal.reload();
    expect(proposal.status).toBe('declined');
    expect((await Archive.findByPk(archive.id, { rejectOnEmpty: true })).disposedAt).toBeNull();
  });
});
