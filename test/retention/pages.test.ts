import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { Archive } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { sealedTestArchive } from '../support/archives';

const t = useTestApp();
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];

async function post(agent: Agent, pagePath: string, action: string, form: Record<string, string>) {
  const page = await agent.get(pagePath);
  expect(page.status).toBe(200);
  return agent.post(action).type('form').send({ _csrf: csrfFrom(page.text), ...form });
}

describe('/admin/retention', () => {
  it('sends a signed-out visitor to sign in and refuses other roles', async () => {
    const res = await t.request().get('/admin/retention');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    const { agent } = await signedInAgent(t.app, ['auditor']);
    expect((await agent.get('/admin/retention')).status).toBe(403);
  });

  it('shows the classes and says a change applies to archives sealed afterwards; a bad value keeps what was typed; a save redirects', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/retention');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Thời hạn lưu trữ');
    expect(page.text).toContain('Thay đổi chỉ áp dụng cho hồ sơ niêm phong sau đó');
    expect(page.text).toContain('data-testid="retention-form-default"');

    const bad = await post(agent, '/admin/retention', '/admin/retention/default', { years: '-3', description: 'Giữ lại mô tả này', version: '1' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="form-errors"');
    expect(bad.text).toContain('value="-3"');
    expect(bad.text).toContain('value="Giữ lại mô tả này"');
    expect(bad.text).toContain('aria-invalid="true"');

    const stale = await post(agent, '/admin/retention', '/admin/retention/default', { years: '6', description: '', version: '99' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('value="6"');

    const ok = await post(agent, '/admin/retention', '/admin/retention/regulatory_report', { years: '12', description: 'Mười hai năm', version: '1' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/retention');
    const after = await agent.get('/admin/retention');
    expect(after.text).toContain('Đã lưu thời hạn lưu trữ.');
    expect(after.text).toContain('value="12"');

    expect((await post(agent, '/admin/retention', '/admin/retention/unknown', { years: '3' })).status).toBe(404);
  });
});

describe('/archives/retention-review and the legal-hold form', () => {
  it('lists the archives due with their hold; legal places a hold from the form, a refused form keeps its reason', async () => {
    const due = await sealedTestArchive();
    await sequelize().query('ALTER TABLE archives DISABLE TRIGGER archives_lock');
    await sequelize().query("UPDATE archives SET retention_until = now() - interval '2 days' WHERE id = $1", { bind: [due.archive.id], type: QueryTypes.UPDATE });
    await sequelize().query('ALTER TABLE archives ENABLE TRIGGER archives_lock');

    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    expect((await quality.get('/archives/retention-review')).status).toBe(403);

    const { agent: legal } = await signedInAgent(t.app, ['legal']);
    const list = await legal.get('/archives/retention-review');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`data-testid="retention-review-${due.archive.id}"`);
    expect(list.text).toContain(due.complaint.reference);
    expect(list.text).toContain(`href="/archives/${due.archive.id}/legal-hold"`);

    const holdPage = `/archives/${due.archive.id}/legal-hold`;
    const refused = await post(legal, holdPage, holdPage, { hold: 'true', reason: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('data-testid="form-errors"');

    const reason = 'Cơ quan điều tra yêu cầu giữ nguyên hồ sơ';
    const placed = await post(legal, holdPage, holdPage, { hold: 'true', reason, returnTo: '/archives/retention-review' });
    expect(placed.status).toBe(303);
    expect(placed.headers.location).toBe('/archives/retention-review');
    expect((await Archive.findByPk(due.archive.id))!.legalHold).toBe(true);
    const again = await post(legal, holdPage, holdPage, { hold: 'true', reason: 'lần hai' });
    // The page now offers to release; a stale "place" form is 409 with its reason kept.
    expect(again.status).toBe(409);
    expect(again.text).toContain('lần hai');

    const shown = await legal.get('/archives/retention-review');
    expect(shown.text).toContain('data-held="true"');
    expect(shown.text).toContain(reason);

    // Sysadmin sees the hold but not its reason (archive metadata only).
    const { agent: admin } = await signedInAgent(t.app, ['sysadmin']);
    const adminList = await admin.get('/archives/retention-review');
    expect(adminList.status).toBe(200);
    expect(adminList.text).toContain('data-held="true"');
    expect(adminList.text).not.toContain(reason);
    expect(adminList.text).not.toContain('/legal-hold"');

    // Only legal reaches the form.
    const { agent: auditor } = await signedInAgent(t.app, ['auditor']);
    expect((await auditor.get(holdPage)).status).toBe(403);
    expect((await auditor.get('/archives/retention-review?withinDays=1900')).status).toBe(200);
  });
});
