import type { RoleKey } from '../../src/domain/roles';
import { AuditEvent, Customer } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer } from '../support/factories';

const t = useTestApp();

const agentFor = (roles: RoleKey[]) => signedInAgent(t.app, roles);

const rows = (html: string) => [...html.matchAll(/<tr data-testid="customer-row">[\s\S]*?<a href="\/customers\/([0-9a-f-]{36})">/g)].map((m) => m[1]);

describe('customer pages', () => {
  it('lists and searches customers, diacritics and case ignored', async () => {
    const { agent } = await agentFor(['intake']);
    const hoa = await buildCustomer({ name: 'Công ty Cổ phần Hòa Phát Đà Nẵng', type: 'company', email: 'lienhe@hoaphat.example' });
    const other = await buildCustomer({ name: 'Trần Thị Bé', phone: '0988 777 666' });
    const all = await agent.get('/customers');
    expect(all.status).toBe(200);
    expect(all.text).toContain('data-testid="customers-table"');
    expect(rows(all.text)).toEqual(expect.arrayContaining([hoa.id, other.id]));
    const found = await agent.get('/customers').query({ q: 'hoa phat da nang' });
    expect(rows(found.text)).toEqual([hoa.id]);
    expect(found.text).toContain('value="hoa phat da nang"');
    const byPhone = await agent.get('/customers').query({ q: '0988 777' });
    expect(rows(byPhone.text)).toEqual([other.id]);
    const companies = await agent.get('/customers').query({ type: 'company', q: 'hoa' });
    expect(rows(companies.text)).toEqual([hoa.id]);
    expect(all.text).toContain('href="/customers/new"');
  });

  it('creates a customer with contacts through the form', async () => {
    const { agent } = await agentFor(['quality']);
    const form = await agent.get('/customers/new');
    expect(form.status).toBe(200);
    const res = await agent
      .post('/customers/new')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        name: 'Công ty TNHH Ánh Dương',
        code: '',
        type: 'company',
        tier: 'agent_2',
        email: 'info@anhduong.example',
        phone: '028 3822 0000',
        address: '12 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
        'contacts.0.name': 'Phan Thị Thu',
        'contacts.0.role': 'Trưởng phòng mua hàng',
        'contacts.0.email': 'thu@anhduong.example',
        'contacts.0.phone': '',
        'contacts.1.name': '',
      });
    expect(res.status).toBe(303);
    const customer = await Customer.findOne({ where: { name: 'Công ty TNHH Ánh Dương' } });
    expect(customer).toMatchObject({ type: 'company', tier: 'agent_2', email: 'info@anhduong.example', address: '12 Lê Lợi, Quận 1, TP. Hồ Chí Minh' });
    expect(customer!.contacts).toEqual([{ name: 'Phan Thị Thu', role: 'Trưởng phòng mua hàng', email: 'thu@anhduong.example', phone: null }]);
    expect(res.headers.location).toBe(`/customers/${customer!.id}`);
    const page = await agent.get(res.headers.location);
    expect(page.text).toContain('Đã tạo khách hàng.');
    expect(page.text).toContain('Phan Thị Thu');
    expect(page.text).toContain(customer!.code);
    expect(await AuditEvent.count({ where: { entityId: customer!.id } })).toBeGreaterThan(0);
  });

  it('shows Vietnamese errors next to the fields and keeps the values', async () => {
    const { agent } = await agentFor(['intake']);
    const form = await agent.get('/customers/new');
    const res = await agent
      .post('/customers/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: '', type: 'person', tier: 'new', email: 'sai-dinh-dang', phone: 'abc', address: 'Số 5 Hàng Bạc', 'contacts.0.name': '', 'contacts.0.email': 'x@y.vn' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/name="name"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/name="email"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/name="contacts.0.name"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('Vui lòng nhập hoặc chọn trường này.');
    expect(res.text).toMatch(/class="field-error">[^<]*email không hợp lệ/);
    expect(res.text).toContain('value="Số 5 Hàng Bạc"');
    expect(res.text).toContain('value="sai-dinh-dang"');
    expect(await Customer.count({ where: { address: 'Số 5 Hàng Bạc' } })).toBe(0);
  });

  it('refuses a code already in use', async () => {
    const { agent } = await agentFor(['intake']);
    await buildCustomer({ code: 'KH-TRUNG-01' });
    const form = await agent.get('/customers/new');
    const res = await agent.post('/customers/new').type('form').send({ _csrf: csrfFrom(form.text), name: 'Khách trùng mã', code: 'kh-trung-01', type: 'person', tier: 'new' });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/name="code"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('Giá trị này đã được sử dụng.');
  });

  it('edits a customer with its version, and says so when the form is stale', async () => {
    const { agent } = await agentFor(['quality']);
    const customer = await buildCustomer({ name: 'Lý Văn Cũ', email: 'cu@example.vn', contacts: [{ name: 'Người liên hệ A' }] });
    const form = await agent.get(`/customers/${customer.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Người liên hệ A"');
    const fields = { _csrf: csrfFrom(form.text), version: String(customer.version), name: 'Lý Văn Mới', code: customer.code, type: 'person', tier: 'loyal', email: '', phone: '0901 000 000', address: '', 'contacts.0.name': 'Người liên hệ A', 'contacts.1.name': 'Người liên hệ B' };
    const res = await agent.post(`/customers/${customer.id}/edit`).type('form').send(fields);
    expect(res.status).toBe(303);
    const saved = (await Customer.findByPk(customer.id))!;
    expect(saved).toMatchObject({ name: 'Lý Văn Mới', tier: 'loyal', email: null, phone: '0901 000 000' });
    expect(saved.contacts.map((c) => c.name)).toEqual(['Người liên hệ A', 'Người liên hệ B']);
    expect((await agent.get(`/customers/${customer.id}`)).text).toContain('Đã lưu thông tin khách hàng.');

    const stale = await agent.post(`/customers/${customer.id}/edit`).type('form').send({ ...fields, name: 'Lý Văn Khác' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Hồ sơ vừa được người khác thay đổi');
    expect(stale.text).toContain('value="Lý Văn Khác"');
    expect((await Customer.findByPk(customer.id))!.name).toBe('Lý Văn Mới');
  });

  it("shows a customer's details, contacts and own entries only", async () => {
    const { agent } = await agentFor(['legal']);
    const customer = await buildCustomer({ name: 'Hồ Thị Xuân', email: 'xuan@example.vn', contacts: [{ name: 'Con gái: Hồ Thu', phone: '0911 222 333' }] });
    const mine = await buildComplaint({ customerId: customer.id, subject: 'Điều hòa kêu to' });
    const theirs = await buildComplaint({ subject: 'Của khách khác' });
    const res = await agent.get(`/customers/${customer.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="customer-name">Hồ Thị Xuân</h1>');
    expect(res.text).toContain('xuan@example.vn');
    expect(res.text).toContain('Con gái: Hồ Thu');
    expect(res.text).toContain(`<a href="/complaints/${mine.id}">${mine.reference}</a>`);
    expect(res.text).toContain('Điều hòa kêu to');
    expect(res.text).not.toContain(theirs.reference);
    // Legal reads but neither edits customers nor logs entries.
    expect(res.text).not.toContain('data-testid="customer-edit"');
    expect(res.text).not.toContain('data-testid="customer-intake"');
  });

  it('links an intake officer from the customer to a new entry for them', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer({ name: 'Mai Anh Tuấn' });
    const page = await agent.get(`/customers/${customer.id}`);
    expect(page.text).toContain(`href="/complaints/new?customerId=${customer.id}"`);
    const form = await agent.get(`/complaints/new?customerId=${customer.id}`);
    expect(form.text).toMatch(new RegExp(`value="${customer.id}" checked`));
    expect(form.text).toContain('Mai Anh Tuấn');
  });

  it('refuses changes to read-only roles and answers 404 for unknown customers', async () => {
    const { agent } = await agentFor(['auditor']);
    const customer = await buildCustomer();
    expect((await agent.get(`/customers/${customer.id}`)).status).toBe(200);
    expect((await agent.get('/customers/new')).status).toBe(403);
    expect((await agent.get(`/customers/${customer.id}/edit`)).status).toBe(403);
    expect((await agent.get('/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const sysadmin = await agentFor(['sysadmin']);
    expect((await sysadmin.agent.get('/customers')).status).toBe(403);
    expect((await sysadmin.agent.get('/customers/suggest?q=a')).status).toBe(403);
  });
});
