import { useTestApp, csrfFrom, signedInAgent } from '../support/app';
import { buildComplaint } from '../support/factories';
import { leftoverSpoolFiles, multipart, PDF, PNG, storeCounts, uploadVia } from './helpers';
import { tokenFor } from '../support/factories';

const t = useTestApp();

describe('the evidence panel on the case page', () => {
  it('lists evidence with hash and size, a thumbnail for images, an inline link for PDFs, withdrawn ones struck through', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint({}, user);
    const auth = { Authorization: `Bearer ${await tokenFor(user)}` };
    const png = await uploadVia(t.app, auth, c.id, 'ảnh rò rỉ.png', PNG, 'Ảnh vết nước');
    const pdf = await uploadVia(t.app, auth, c.id, 'biên bản.pdf', PDF, 'Biên bản kho');
    const gone = await uploadVia(t.app, auth, c.id, 'nham.txt', Buffer.from('nhầm'), 'Tải nhầm');
    await t.request().post(`/api/v1/evidence/${gone.body.id}/withdraw`).set(auth).send({ reason: 'Không liên quan' });

    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toContain('data-testid="evidence-panel"');
    expect(html).toContain(`<img src="/api/v1/evidence/${png.body.id}/content"`);
    expect(html).toContain(`href="/api/v1/evidence/${pdf.body.id}/content" target="_blank" rel="noopener" data-testid="evidence-view-pdf">Xem PDF`);
    expect(html).toContain(png.body.sha256);
    expect(html).toContain(`${PNG.length} B`);
    expect(html).toMatch(/data-withdrawn="true"[\s\S]*<del data-testid="evidence-name">nham.txt<\/del>/);
    expect(html).toContain('Không liên quan');
    expect(html).toContain('2 đang dùng');
    // The upload form: multipart, its CSRF token first, the limit stated, the script for drag and drop.
    expect(html).toMatch(/<form method="post" action="\/complaints\/[^"]+\/evidence" enctype="multipart\/form-data"[\s\S]*?<input type="hidden" name="_csrf"/);
    expect(html).toContain('tối đa 25 MB');
    expect(html).toContain('/assets/app/js/evidence.js');
    expect((await t.request().get('/assets/app/js/evidence.js')).status).toBe(200);
    expect((await t.request().get('/assets/app/css/evidence.css')).status).toBe(200);

    const english = await agent.get(`/complaints/${c.id}`).query({ lang: 'en' });
    expect(english.text).toContain('View PDF');
  });

  it('shows no upload form or withdraw buttons to a role that may not use them', async () => {
    const { agent, user } = await signedInAgent(t.app, ['cs_director']);
    const c = await buildComplaint();
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="evidence-panel"');
    expect(page.text).not.toContain('data-testid="evidence-upload"');
    expect(user.roles).toEqual(['cs_director']);
  });

  it('uploads without JavaScript: a multipart form with its CSRF token (a forged one stores nothing), then withdraws by form', async () => {
    const { agent, user } = await signedInAgent(t.app, ['dept_head']);
    const c = await buildComplaint();
    const page = await agent.get(`/complaints/${c.id}`);
    const csrf = csrfFrom(page.text);
    const before = await storeCounts();

    const forged = multipart([{ name: '_csrf', value: 'not-the-token' }, { name: 'file', file: { filename: 'a.png', content: PNG } }, { name: 'description', value: 'x' }]);
    const refused = await agent.post(`/complaints/${c.id}/evidence`).set('Content-Type', forged.contentType).send(forged.body);
    expect(refused.status).toBe(403);
    expect(await storeCounts()).toEqual(before);
    expect(leftoverSpoolFiles()).toEqual([]);

    const form = multipart([
      { name: '_csrf', value: csrf },
      { name: 'file', file: { filename: 'Ảnh kho.png', content: PNG } },
      { name: 'description', value: 'Ảnh từ kho' },
      { name: 'sourceDepartment', value: 'Kho' },
      { name: 'collectedAt', value: '2026-11-02T09:30' },
    ]);
    const sent = await agent.post(`/complaints/${c.id}/evidence`).set('Content-Type', form.contentType).send(form.body);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/complaints/${c.id}#evidence`);
    const after = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(after.text).toContain('Đã thêm bằng chứng.');
    expect(after.text).toContain('Ảnh kho.png');
    expect(after.text).toContain('Nguồn: Kho');
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set({ Authorization: `Bearer ${await tokenFor(user)}` });
    expect(detail.body.evidence[0]).toMatchObject({ filename: 'Ảnh kho.png', collectedAt: '2026-11-02T02:30:00.000Z', uploadedBy: { id: user.id } });

    // No file chosen: back to the case with a notice, nothing stored.
    const empty = multipart([{ name: '_csrf', value: csrfFrom(after.text) }, { name: 'file', file: { filename: '', content: Buffer.alloc(0) } }, { name: 'description', value: 'x' }]);
    const none = await agent.post(`/complaints/${c.id}/evidence`).set('Content-Type', empty.contentType).send(empty.body);
    expect(none.status).toBe(303);
    expect((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text).toContain('Chưa chọn tệp; chưa lưu gì.');

    // dept_head adds evidence but does not withdraw it; quality does, by form.
    const q = await signedInAgent(t.app, ['quality']);
    const qPage = await q.agent.get(`/complaints/${c.id}`);
    expect(qPage.text).toContain('data-testid="evidence-withdraw-form"');
    expect(after.text).not.toContain('data-testid="evidence-withdraw-form"');
    const id = detail.body.evidence[0].id as string;
    const done = await q.agent.post(`/evidence/${id}/withdraw`).type('form').send({ _csrf: csrfFrom(qPage.text), reason: 'Ảnh mờ' });
    expect(done.status).toBe(303);
    expect((await q.agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text).toContain('Đã rút lại bằng chứng.');
  });
});
