import { createCustomerService } from '../../src/commands/customerServices';
import { CustomerService, Setting } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { useFixedClock, useTestClock } from '../support/clock';
import { asActor } from '../support/context';
import { buildCustomer } from '../support/factories';

const t = useTestApp();
useTestClock();

const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const section = (html: string) => {
  const start = html.indexOf('id="services"');
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
};

describe("the customer page's services", () => {
  it('lists the services with their expiry, the time left and the next reminder, in Vietnamese and English', async () => {
    useFixedClock('2027-03-05T03:00:00Z');
    const customer = await buildCustomer({ name: 'Công ty Ánh Dương', email: 'info@anhduong.example' });
    await asActor(() => createCustomerService(customer.id, { name: 'anhduong.vn', kind: 'domain', expiresOn: '2027-03-31', notes: 'Gia hạn qua VNNIC' }));
    await asActor(() => createCustomerService(customer.id, { name: 'Gói hosting Pro', kind: 'hosting', expiresOn: '2027-02-20' }));
    const { agent } = await signedInAgent(t.app, ['intake']);
    const page = await agent.get(`/customers/${customer.id}`).query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = decoded(section(page.text));
    expect(html).toContain('Dịch vụ và ngày hết hạn');
    expect(html).toContain('anhduong.vn');
    expect(html).toContain('Tên miền');
    expect(html).toContain('31/03/2027');
    expect(html).toContain('Còn 26 ngày');
    // The 30-day reminder was due on 1 March and not sent yet: it waits for the next run, today.
    expect(html).toContain('05/03/2027');
    expect(html).toContain('30 ngày trước hạn');
    expect(html).toContain('Đã hết hạn 13 ngày');
    expect(html).toContain(`href="/customers/${customer.id}/services/new"`);
    expect(html).toContain('data-testid="service-edit"');
    // Phone layout: every cell says what it is (the stacked table of the other lists).
    expect(html).toContain('data-label="Lần nhắc tiếp theo"');
    const en = await agent.get(`/customers/${customer.id}`).query({ lang: 'en' });
    expect(decoded(section(en.text))).toContain('30 days before expiry');

    // A reader who may not edit customers sees them without the buttons.
    const director = await signedInAgent(t.app, ['cs_director']);
    const read = section((await director.agent.get(`/customers/${customer.id}`)).text);
    expect(read).toContain('anhduong.vn');
    expect(read).not.toContain('/services/new');
    expect(read).not.toContain('data-testid="service-edit"');
  });

  it('adds a service through the form; a bad form keeps the values and names the fields', async () => {
    const customer = await buildCustomer();
    const { agent } = await signedInAgent(t.app, ['quality']);
    const form = await agent.get(`/customers/${customer.id}/services/new`);
    expect(form.status).toBe(200);
    const bad = await agent.post(`/customers/${customer.id}/services/new`).type('form').send({ _csrf: csrfFrom(form.text), name: 'Hợp đồng bảo trì máy lọc', kind: 'maintenance', expiresOn: '', notes: 'Gọi anh Tuấn' });
    expect(bad.status).toBe(400);
    const html = decoded(bad.text);
    expect(html).toContain('data-testid="form-errors"');
    expect(html).toMatch(/<a href="#field-expiresOn" data-testid="error-link">Ngày hết hạn<\/a>/);
    expect(html).toContain('value="Hợp đồng bảo trì máy lọc"');
    expect(html).toContain('<option value="maintenance" selected>');
    expect(html).toContain('Gọi anh Tuấn</textarea>');
    const ok = await agent.post(`/customers/${customer.id}/services/new`).type('form').send({ _csrf: csrfFrom(form.text), name: 'Hợp đồng bảo trì máy lọc', kind: 'maintenance', expiresOn: '2027-12-31', notes: '' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/customers/${customer.id}#services`);
    const stored = await CustomerService.findOne({ where: { customerId: customer.id } });
    expect(stored).toMatchObject({ name: 'Hợp đồng bảo trì máy lọc', kind: 'maintenance', expiresOn: '2027-12-31', notes: null, ended: false });
    expect((await agent.get(`/customers/${customer.id}`)).text).toContain('Đã thêm dịch vụ.');
  });

  it('edits, renews and ends a service; a stale form says so and keeps what was typed', async () => {
    const customer = await buildCustomer();
    const s = await asActor(() => createCustomerService(customer.id, { name: 'mail.anhduong.vn', kind: 'email', expiresOn: '2027-06-30' }));
    const { agent } = await signedInAgent(t.app, ['intake']);
    const url = `/customers/${customer.id}/services/${s.id}/edit`;
    const form = await agent.get(url);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="2027-06-30"');
    const ok = await agent.post(url).type('form').send({ _csrf: csrfFrom(form.text), version: '0', name: 'mail.anhduong.vn', kind: 'email', expiresOn: '2028-06-30', notes: '', ended: 'on' });
    expect(ok.status).toBe(303);
    expect(await CustomerService.findByPk(s.id)).toMatchObject({ expiresOn: '2028-06-30', ended: true, version: 1 });
    const page = section((await agent.get(`/customers/${customer.id}`)).text);
    expect(page).toContain('data-state="ended"');
    expect(page).toContain('Đã ngừng');

    const stale = await agent.post(url).type('form').send({ _csrf: csrfFrom(form.text), version: '0', name: 'Tên mới', kind: 'email', expiresOn: '2028-06-30', notes: '' });
    expect(stale.status).toBe(409);
    expect(decoded(stale.text)).toContain('value="Tên mới"');
    expect(stale.text).toContain('name="version" value="1"');
    expect((await CustomerService.findByPk(s.id))!.name).toBe('mail.anhduong.vn');
  });

  it('refuses a role that may not edit customers (403), a service of another customer (404), and sends the signed-out to sign in', async () => {
    const customer = await buildCustomer();
    const other = await buildCustomer();
    const s = await asActor(() => createCustomerService(other.id, { name: 'other.vn', kind: 'domain', expiresOn: '2027-06-30' }));
    const director = await signedInAgent(t.app, ['cs_director']);
    expect((await director.agent.get(`/customers/${customer.id}/services/new`)).status).toBe(403);
    const { agent } = await signedInAgent(t.app, ['intake']);
    expect((await agent.get(`/customers/${customer.id}/services/${s.id}/edit`)).status).toBe(404);
    const anonymous = await t.request().get(`/customers/${customer.id}/services/new`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });
});

describe('the renewal schedule on the settings page', () => {
  it('shows the default, refuses a bad list next to the field keeping what was typed, and saves a good one', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/settings').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="renewal-schedule-form"');
    expect(page.text).toContain('value="30, 18, 15, 3, -1, -4"');
    const bad = await agent.post('/admin/settings/renewal_schedule').type('form').send({ _csrf: csrfFrom(page.text), version: '0', offsets: '30, 18, 18, 3' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="30, 18, 18, 3"');
    expect(bad.text).toMatch(/<a href="#field-value-offsets" data-testid="error-link">Các ngày nhắc<\/a>: Ngày 18 bị nhập hai lần/);
    const notNumbers = await agent.post('/admin/settings/renewal_schedule').type('form').send({ _csrf: csrfFrom(page.text), version: '0', offsets: '30, ba mươi' });
    expect(notNumbers.status).toBe(400);
    expect(notNumbers.text).toContain('aria-invalid="true" id="field-value-offsets"');
    const ok = await agent.post('/admin/settings/renewal_schedule').type('form').send({ _csrf: csrfFrom(page.text), version: '0', offsets: '45; 10 −2' });
    expect(ok.status).toBe(303);
    expect((await Setting.findByPk('renewal_schedule'))!.value).toEqual({ offsets: [45, 10, -2] });
    expect((await agent.get('/admin/settings')).text).toContain('value="45, 10, -2"');
  });
});
