import { Letter, Setting } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, sealCase } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';

const t = useTestApp();

async function caseFor() {
  const customer = await buildCustomer({ name: 'Trịnh Văn Đức', address: 'Số 9 Nguyễn Trãi, Thanh Xuân, Hà Nội' });
  return buildComplaint({ customerId: customer.id });
}

describe('the letters panel on the case page', () => {
  it('lets quality preview and issue a letter by the form, then lists it with its delivery and PDF', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality'], { name: 'Ngô Thanh Hương' });
    const c = await caseFor();
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="letters-panel"');
    expect(page.text).toContain('data-testid="letters-empty"');
    expect(page.text).toContain('data-testid="letters-form"');
    // E-mail is offered only to a customer with an address.
    expect(page.text).toMatch(/<option value="email" disabled>/);
    const csrf = csrfFrom(page.text);

    const preview = await asBytes(agent.post(`/complaints/${c.id}/letters/preview`).type('form').send({ _csrf: csrf, template: 'first_reply', locale: 'vi', channel: 'post' }));
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(preview)).toContain('Trịnh Văn Đức');
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);

    const issued = await agent.post(`/complaints/${c.id}/letters`).type('form').send({ _csrf: csrf, template: 'first_reply', locale: 'vi', channel: 'post' });
    expect(issued.status).toBe(303);
    expect(issued.headers.location).toBe(`/complaints/${c.id}#letters`);
    const letter = (await Letter.findOne({ where: { complaintId: c.id } }))!;
    expect(letter).toMatchObject({ kind: 'first_reply', channel: 'post', authorId: user.id, handedOverBy: user.id });
    const after = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(after.text).toContain('Đã phát hành thư.');
    expect(after.text).toContain(`data-letter-id="${letter.id}"`);
    expect(after.text).toContain('Thư trả lời');
    expect(after.text).toContain('Đã gửi qua bưu điện');
    expect(after.text).toContain(`href="/api/v1/letters/${letter.id}/pdf"`);
    expect(after.text).toContain(letter.sha256.slice(0, 12));
    expect(after.text).toContain('Ngô Thanh Hương giao lúc');
  });

  it('keeps what was typed on a refused form and names the field', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await caseFor();
    const form = await agent.get(`/complaints/${c.id}/letters/new`).query({ lang: 'vi', template: 'invitation' });
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="invitation" selected>');
    const res = await agent.post(`/complaints/${c.id}/letters`).type('form').send({ _csrf: csrfFrom(form.text), template: 'invitation', locale: 'vi', channel: 'in_person', meetingPlace: 'Phòng họp tầng 3' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="form-errors"');
    expect(res.text).toContain('value="Phòng họp tầng 3"');
    expect(res.text).toMatch(/id="field-meetingAt" aria-invalid="true"/);
    const email = await agent.post(`/complaints/${c.id}/letters`).type('form').send({ _csrf: csrfFrom(form.text), template: 'first_reply', locale: 'vi', channel: 'email' });
    expect(email.status).toBe(400);
    expect(email.text).toContain('Khách hàng chưa có địa chỉ e-mail: chọn hình thức gửi khác.');
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('shows the letters but no form to a role that issues none; refuses its posts', async () => {
    const { agent } = await signedInAgent(t.app, ['dept_head']);
    const c = await caseFor();
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'en' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Letters to the customer');
    expect(page.text).not.toContain('data-testid="letters-form"');
    expect((await agent.get(`/complaints/${c.id}/letters/new`)).status).toBe(403);
    // Legal sees the form with the second-round letter only.
    const legal = await signedInAgent(t.app, ['legal']);
    const legalPage = await legal.agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(legalPage.text).toContain('data-testid="letters-form"');
    expect(legalPage.text).toContain('<option value="second_round">');
    expect(legalPage.text).not.toContain('<option value="resolution">');
  });
});

describe('the letter pages refuse', () => {
  it('sends an anonymous visitor to sign in, and says a sealed case takes no letter', async () => {
    const c = await caseFor();
    for (const path of [`/complaints/${c.id}/letters/new`, '/admin/letter-templates', '/admin/letter-templates/closure/vi']) {
      const res = await t.request().get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login\?next=/);
    }
    const { agent } = await signedInAgent(t.app, ['quality']);
    const form = await agent.get(`/complaints/${c.id}/letters/new`).query({ lang: 'vi' });
    await sealCase(c.id);
    const res = await agent.post(`/complaints/${c.id}/letters`).type('form').send({ _csrf: csrfFrom(form.text), template: 'closure', locale: 'vi', channel: 'post' });
    expect(res.status).toBe(303);
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.text).toContain('Không thể phát hành thư: hồ sơ đã thay đổi hoặc đã được niêm phong.');
    expect(page.text).not.toContain('data-testid="letters-form"');
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);
    const admin = await signedInAgent(t.app, ['sysadmin']);
    expect((await admin.agent.get('/admin/letter-templates/apology/vi')).status).toBe(400);
  });
});

describe('the letterhead on the settings page', () => {
  it('is saved by the sysadmin; a bad e-mail is refused with the values kept', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/settings').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="letterhead-form"');
    const csrf = csrfFrom(page.text);
    const bad = await agent.post('/admin/settings/letterhead').type('form').send({ _csrf: csrf, version: '0', organisationName: 'Công ty Cổ phần Ánh Sao', address: 'Số 1 Hàng Bài', phone: '024 1234 5678', email: 'not-an-address', city: 'Hà Nội' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="Công ty Cổ phần Ánh Sao"');
    expect(bad.text).toMatch(/id="field-value-email"/);
    const ok = await agent.post('/admin/settings/letterhead').type('form').send({ _csrf: csrf, version: '0', organisationName: 'Công ty Cổ phần Ánh Sao', address: 'Số 1 Hàng Bài', phone: '024 1234 5678', email: 'CSKH@anhsao.vn', city: 'Hà Nội' });
    expect(ok.status).toBe(303);
    expect((await Setting.findByPk('letterhead'))!.value).toEqual({ organisationName: 'Công ty Cổ phần Ánh Sao', address: 'Số 1 Hàng Bài', phone: '024 1234 5678', email: 'cskh@anhsao.vn', city: 'Hà Nội' });
  });
});
