import type { Request, Response } from 'express';
import { sequelize } from '../../src/db';
import { renderErrorPage } from '../../src/http/pageLocals';
import { translator } from '../../src/lib/i18n';
import { Archive, Complaint } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { closedTestCase, sealedTestArchive } from '../support/archives';
import { buildComplaint, signedIn } from '../support/factories';
import { PNG, uploadVia } from '../evidence/helpers';

const t = useTestApp();
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('the archives pages', () => {
  it('lists the archives for the auditor (reference, hash, hold) with a verify button whose result is green, then red once tampered', async () => {
    const { complaint, archive } = await sealedTestArchive();
    const { agent } = await signedInAgent(t.app, ['auditor']);
    const home = await agent.get('/').query({ lang: 'vi' });
    expect(home.text).toContain('href="/archives"');
    const page = await agent.get('/archives').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hồ sơ lưu trữ');
    expect(page.text).toContain(complaint.reference);
    expect(page.text).toContain(`${archive.sha256.slice(0, 12)}…`);
    expect(page.text).toContain('data-testid="archive-verify-link"');
    expect(page.text).toContain('Chưa có lần kiểm tra nào được ghi lại.');

    const ok = await agent.get('/archives/verify').set('HX-Request', 'true').query({ lang: 'vi' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('verify-ok');
    expect(ok.text).toContain('Toàn vẹn');

    await sequelize().transaction(async (tx) => {
      await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: tx });
      await sequelize().query(`UPDATE archives SET snapshot = snapshot || ' ' WHERE id = $1`, { bind: [archive.id], transaction: tx });
    });
    const bad = decoded((await agent.get('/archives/verify').query({ lang: 'vi' })).text);
    expect(bad).toContain('verify-failed');
    expect(bad).toContain(`archive:${archive.id} (${complaint.reference})`);
    // The list says how the last recorded run went.
    const after = decoded((await agent.get('/archives').query({ lang: 'vi' })).text);
    expect(after).toMatch(/data-testid="archive-last-run" class="flag-danger"><small>Lần kiểm tra gần nhất: .* — Phát hiện \d+ vấn đề/);
  });

  it('pages the list, and is refused to a role that neither seals, holds nor verifies', async () => {
    for (let i = 0; i < 3; i++) await sealedTestArchive();
    const { agent } = await signedInAgent(t.app, ['quality']);
    const first = await agent.get('/archives').query({ limit: '2' });
    expect(first.status).toBe(200);
    expect(first.text.match(/data-testid="archive-row"/g)).toHaveLength(2);
    expect(first.text).not.toContain('data-testid="archive-verify-link"');
    const next = /href="\/archives\?([^"]+)" data-testid="archives-next"/.exec(decoded(first.text));
    expect(next).not.toBeNull();
    const second = await agent.get(`/archives?${next![1]}`);
    expect(second.status).toBe(200);
    expect(second.text.match(/data-testid="archive-row"/g)!.length).toBeGreaterThanOrEqual(1);
    expect((await agent.get('/archives/verify')).status).toBe(403);
    const dept = await signedInAgent(t.app, ['dept_head']);
    expect((await dept.agent.get('/archives')).status).toBe(403);
    expect((await agent.get('/archives').query({ limit: 'many' })).status).toBe(400);
  });

  it("offers quality the Archive button on a closed case, seals it through the form, then shows the archive and explains a refused change", async () => {
    const c = await closedTestCase();
    const api = await signedIn(['quality']);
    const up = await uploadVia(t.app, api.auth, c.id, 'a.png', PNG);
    const { agent } = await signedInAgent(t.app, ['quality']);
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.text).toContain('data-testid="archive-button"');
    const open = await buildComplaint();
    expect((await agent.get(`/complaints/${open.id}`)).text).not.toContain('data-testid="archive-button"');

    const res = await agent.post(`/complaints/${c.id}/archive`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#archive`);
    const archive = await Archive.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect((await Complaint.findByPk(c.id, { rejectOnEmpty: true })).status).toBe('archived');
    const sealed = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(sealed.text).toContain(`data-testid="archive-sha256">${archive.sha256}`);
    expect(sealed.text).not.toContain('data-testid="archive-button"');

    // Sealing again through the form: 409, explained on the error page.
    const again = await agent.post(`/complaints/${c.id}/archive`).type('form').send({ _csrf: csrfFrom(sealed.text) });
    expect(again.status).toBe(409);
    // A change to a sealed record (its evidence withdrawn): refused, and the page says the case is sealed.
    const withdraw = await agent.post(`/evidence/${up.body.id}/withdraw`).type('form').send({ _csrf: csrfFrom(sealed.text), reason: 'Tải nhầm' });
    expect(withdraw.status).toBe(303);
    const after = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(after.text).toContain('Hồ sơ đã lưu trữ: không thể thay đổi bằng chứng.');
    expect(after.text).toContain('Hồ sơ đã niêm phong: không bản ghi nào của hồ sơ');
    expect(after.text).toContain('Hồ sơ đã được niêm phong lúc');
  });

  it('explains a 409 immutable_record on the error page as the seal, in the reader\'s language', () => {
    let rendered: { view: string; locals: Record<string, unknown> } | null = null;
    const res = {
      status: () => res,
      render: (view: string, locals: Record<string, unknown>) => {
        rendered = { view, locals };
      },
    } as unknown as Response;
    const req = { lang: 'vi', t: translator('vi'), requestId: 'r1', originalUrl: '/x' } as unknown as Request;
    renderErrorPage(req, res, { status: 409, code: 'immutable_record', title: 'Conflict', detail: 'sealed', type: '/problems/immutable_record' } as never);
    expect(rendered!.view).toBe('error');
    expect(rendered!.locals.message).toBe(translator('vi')('error.immutableRecord'));
    expect(String(rendered!.locals.message)).toContain('niêm phong');
  });
});
