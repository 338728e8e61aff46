import { ActionCase, ActionContact, CorrectiveAction, type Department } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { createTestAction } from '../support/actions';
import { buildComplaint, buildDepartment } from '../support/factories';

const t = useTestApp();

type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const rowOf = (html: string, id: string) => new RegExp(`<tr id="action-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
const yesterday = () => new Date(Date.now() - 86_400_000);

let kho: Department;
beforeAll(async () => {
  kho = await buildDepartment({ code: `PK${Date.now().toString(36)}`, name: 'Phòng Kho vận' });
});

async function post(agent: Agent, page: string, url: string, fields: Record<string, string>) {
  const form = await agent.get(page).query({ lang: 'vi' });
  expect(form.status).toBe(200);
  return agent.post(url).type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

describe('the actions panel on the case page', () => {
  it('lists each action with its status, owner, due (overdue highlighted) and the other complaints it answers, with the forms this reader may use', async () => {
    const first = await buildComplaint({ lotRef: 'L-4001' });
    const late = await createTestAction(first.id, { ownerDepartment: kho.id, description: 'Kiểm tra lại toàn bộ lô L-4001', dueAt: yesterday() });
    const second = await buildComplaint({ lotRef: 'L-4001' });
    const quality = await signedInAgent(t.app, ['quality']);
    const page = decoded((await quality.agent.get(`/complaints/${second.id}`).query({ lang: 'vi' })).text);
    expect(page).toContain('data-testid="actions-panel"');
    expect(page).toContain('Chưa có hành động khắc phục nào.');
    // The earlier case with the same lot offers its open action to link instead of opening a twin.
    expect(page).toContain('data-testid="action-candidates"');
    expect(page).toContain(`data-action-id="${late.id}"`);
    const linked = await post(quality.agent, `/complaints/${second.id}`, `/complaints/${second.id}/action-links`, { actionId: late.id });
    expect(linked.status).toBe(303);
    expect(linked.headers.location).toBe(`/complaints/${second.id}#corrective-actions`);
    expect(await ActionCase.count({ where: { actionId: late.id } })).toBe(2);

    const after = decoded((await quality.agent.get(`/complaints/${second.id}`).query({ lang: 'vi' })).text);
    expect(after).toContain('Đã liên kết hành động với hồ sơ này.');
    const row = rowOf(after, late.id);
    expect(row).toContain('data-overdue="true"');
    expect(row).toContain('class="action-row overdue"');
    expect(row).toContain('Quá hạn');
    expect(row).toContain('Đã lập kế hoạch');
    expect(row).toContain('Phòng Kho vận');
    expect(row).toContain(`<a href="/complaints/${first.id}">${first.reference}</a>`);
    expect(row).toContain('data-label="Hạn hoàn thành"');
    expect(row).toContain('Bắt đầu thực hiện');
    expect(after).toContain('data-testid="actions-add"');

    // The head of the owner department moves it on; another department's head reads it only.
    const head = await signedInAgent(t.app, ['dept_head'], { departmentId: kho.id });
    expect(rowOf((await head.agent.get(`/complaints/${second.id}`)).text, late.id)).toContain('data-testid="action-next"');
    expect((await head.agent.get(`/complaints/${second.id}`)).text).not.toContain('data-testid="actions-add"');
    const other = await signedInAgent(t.app, ['dept_head']);
    const otherPage = (await other.agent.get(`/complaints/${second.id}`)).text;
    expect(rowOf(otherPage, late.id)).not.toContain('data-testid="action-next"');

    const moved = await post(head.agent, `/complaints/${second.id}`, `/actions/${late.id}/status`, { status: 'in_progress', version: '0', returnTo: `/complaints/${second.id}` });
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe(`/complaints/${second.id}#action-${late.id}`);
    expect((await CorrectiveAction.findByPk(late.id))!.status).toBe('in_progress');
    // The same form again (a stale version): said on the page, nothing changes.
    const stale = await post(head.agent, `/complaints/${second.id}`, `/actions/${late.id}/status`, { status: 'in_progress', version: '0', returnTo: `/complaints/${second.id}` });
    expect(stale.status).toBe(303);
    const flashed = decoded((await head.agent.get(`/complaints/${second.id}`).query({ lang: 'vi' })).text);
    expect(flashed).toContain('Hành động vừa được người khác cập nhật; hãy xem lại.');
  });

  it('speaks English on ?lang=en', async () => {
    const c = await buildComplaint();
    await createTestAction(c.id, { ownerDepartment: kho.id, type: 'containment' });
    const quality = await signedInAgent(t.app, ['quality']);
    const page = (await quality.agent.get(`/complaints/${c.id}`).query({ lang: 'en' })).text;
    expect(page).toContain('Corrective and preventive actions');
    expect(page).toContain('Temporary countermeasure');
    expect(page).toContain('Planned');
  });
});

describe('the form that adds an action', () => {
  it('gives back every typed value with the fields to fix, then records the action', async () => {
    const c = await buildComplaint();
    const { agent } = await signedInAgent(t.app, ['quality']);
    const url = `/complaints/${c.id}/actions/new`;
    const refused = await post(agent, url, url, { type: 'supplier_long_term', description: 'Nhà cung cấp thay vật liệu gioăng', ownerDepartment: kho.id, dueAt: '', supplierName: '', supplierRef: 'SV-77' });
    expect(refused.status).toBe(400);
    const html = decoded(refused.text);
    expect(html).toContain('data-testid="form-errors"');
    expect(html).toContain('<a href="#field-dueAt" data-testid="error-link">Hạn hoàn thành</a>');
    expect(html).toContain('Nhà cung cấp thay vật liệu gioăng</textarea>');
    expect(html).toContain('value="SV-77"');
    expect(html).toContain(`<option value="${kho.id}" selected>`);
    expect(await CorrectiveAction.count({ where: { openedOn: c.id } })).toBe(0);

    const missingSupplier = await post(agent, url, url, { type: 'supplier_long_term', description: 'Nhà cung cấp thay vật liệu gioăng', ownerDepartment: kho.id, dueAt: '2030-01-31', supplierName: '' });
    expect(missingSupplier.status).toBe(400);
    expect(decoded(missingSupplier.text)).toContain('<a href="#field-supplierName" data-testid="error-link">Tên nhà cung cấp</a>');

    const ok = await post(agent, url, url, { type: 'supplier_long_term', description: 'Nhà cung cấp thay vật liệu gioăng', ownerDepartment: kho.id, dueAt: '2030-01-31', supplierName: 'Cao su Sao Vàng', supplierRef: 'SV-77', longTermDueAt: '2030-03-01' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/complaints/${c.id}#corrective-actions`);
    const action = await CorrectiveAction.findOne({ where: { openedOn: c.id } });
    expect(action).toMatchObject({ type: 'supplier_long_term', supplierName: 'Cao su Sao Vàng', supplierRef: 'SV-77' });
    expect(action!.dueAt.toISOString()).toBe('2030-01-31T16:59:59.999Z');
  });

  it('is refused to a department head (403) and without the CSRF token (403)', async () => {
    const c = await buildComplaint();
    const head = await signedInAgent(t.app, ['dept_head'], { departmentId: kho.id });
    expect((await head.agent.get(`/complaints/${c.id}/actions/new`)).status).toBe(403);
    const { agent } = await signedInAgent(t.app, ['quality']);
    const noToken = await agent.post(`/complaints/${c.id}/actions/new`).type('form').send({ type: 'corrective', description: 'x', ownerDepartment: kho.id, dueAt: '2030-01-01' });
    expect(noToken.status).toBe(403);
    expect(await CorrectiveAction.count({ where: { openedOn: c.id } })).toBe(0);
  });
});

describe('the action page', () => {
  it('verifies (not effective needs the reason, kept on the refused form), shows the complaints, and takes the department head’s contact with the customer', async () => {
    const c = await buildComplaint();
    const action = await createTestAction(c.id, { ownerDepartment: kho.id, description: 'Đào tạo lại nhân viên lắp đặt' });
    const quality = await signedInAgent(t.app, ['quality']);
    const page = `/actions/${action.id}`;
    await post(quality.agent, page, `${page}/status`, { status: 'in_progress', version: '0' });
    await post(quality.agent, page, `${page}/status`, { status: 'done', version: '1' });
    const shown = decoded((await quality.agent.get(page).query({ lang: 'vi' })).text);
    expect(shown).toContain('data-testid="action-verify-form"');
    expect(shown).toContain(`<a href="/complaints/${c.id}">${c.reference}</a>`);

    const refused = await post(quality.agent, page, `${page}/status`, { status: 'verified', version: '2', effective: 'false', note: '' });
    expect(refused.status).toBe(400);
    expect(decoded(refused.text)).toContain('Cần ghi lý do hành động chưa hiệu quả.');
    expect(refused.text).toMatch(/name="effective" value="false" checked/);
    const reopened = await post(quality.agent, page, `${page}/status`, { status: 'verified', version: '2', effective: 'false', note: 'Khách hàng vẫn phản ánh lắp sai.' });
    expect(reopened.status).toBe(303);
    expect(reopened.headers.location).toBe(page);
    expect((await CorrectiveAction.findByPk(action.id))!.status).toBe('in_progress');
    expect(decoded((await quality.agent.get(page).query({ lang: 'vi' })).text)).toContain('Lần kiểm tra trước: chưa hiệu quả');

    const head = await signedInAgent(t.app, ['dept_head'], { departmentId: kho.id });
    const form = await head.agent.get(page).query({ lang: 'vi' });
    expect(form.text).toContain('data-testid="action-contact-form"');
    expect(form.text).not.toContain('data-testid="action-verify-form"');
    const bad = await head.agent.post(`${page}/contacts`).type('form').send({ _csrf: csrfFrom(form.text), complaintId: c.id, contactedAt: '', via: 'phone', note: 'Khách hàng hài lòng.' });
    expect(bad.status).toBe(400);
    expect(decoded(bad.text)).toContain('Khách hàng hài lòng.</textarea>');
    expect(bad.text).toContain('<a href="#field-contactedAt" data-testid="error-link">');
    const good = await head.agent.post(`${page}/contacts`).type('form').send({ _csrf: csrfFrom(form.text), complaintId: c.id, contactedAt: '2026-01-05T09:30', via: 'phone', note: 'Khách hàng hài lòng.' });
    expect(good.status).toBe(303);
    const contact = await ActionContact.findOne({ where: { actionId: action.id } });
    expect(contact!.contactedAt.toISOString()).toBe('2026-01-05T02:30:00.000Z');
    const after = decoded((await head.agent.get(page).query({ lang: 'vi' })).text);
    expect(after).toContain('data-testid="action-contact"');
    expect(after).toContain('Khách hàng hài lòng.');

    const other = await signedInAgent(t.app, ['dept_head']);
    expect((await other.agent.get(page)).text).not.toContain('data-testid="action-contact-form"');
    expect((await other.agent.post(`${page}/contacts`).type('form').send({ _csrf: csrfFrom(form.text) })).status).toBe(403);
  });

  it('is 404 for an unknown action and asks an anonymous visitor to sign in', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    expect((await agent.get('/actions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const anonymous = await t.request().get('/actions');
    expect(anonymous.status).toBe(303);
  });
});

describe('the CAPA register page', () => {
  it('filters, highlights overdue rows, tracks supplier fixes, links the Excel book, and is in the navigation of the roles that read it', async () => {
    const dept = await buildDepartment({ code: `RG${Date.now().toString(36)}`, name: 'Phòng Kỹ thuật' });
    const c = await buildComplaint();
    const late = await createTestAction(c.id, { ownerDepartment: dept.id, description: 'Sửa quy trình kiểm tra đầu vào', dueAt: yesterday() });
    const supplier = await createTestAction(c.id, { ownerDepartment: dept.id, type: 'supplier_long_term', description: 'Nhà cung cấp đổi khuôn', supplier: { name: 'Nhựa Duy Tân', longTermDueAt: new Date('2030-06-30T16:59:59.999Z') } });
    const quality = await signedInAgent(t.app, ['quality']);
    const page = decoded((await quality.agent.get('/actions').query({ department: dept.id, lang: 'vi' })).text);
    expect(page).toContain('Sổ theo dõi hành động khắc phục, phòng ngừa');
    expect(page).toContain('<a href="/actions" aria-current="page">Sổ theo dõi khắc phục</a>');
    expect(page).toMatch(new RegExp(`class="overdue" data-testid="register-row" data-action-id="${late.id}" data-overdue="true"`));
    expect(page).toContain(`data-action-id="${supplier.id}"`);
    expect(page).toContain('Nhựa Duy Tân');
    expect(page).toContain(`href="/api/v1/reports/capa-register.xlsx?department=${dept.id}"`);
    expect(page).toContain('data-label="Nhà cung cấp"');
    const overdue = decoded((await quality.agent.get('/actions').query({ department: dept.id, overdue: 'true' })).text);
    expect(overdue).toContain(late.id);
    expect(overdue).not.toContain(supplier.id);
    const bad = await quality.agent.get('/actions').query({ status: 'finished' });
    expect(bad.status).toBe(400);

    for (const role of ['cs_director', 'auditor'] as const) {
      const { agent } = await signedInAgent(t.app, [role]);
      const res = await agent.get('/actions').query({ lang: 'vi' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('href="/actions"');
    }
    const head = await signedInAgent(t.app, ['dept_head'], { departmentId: dept.id });
    const own = decoded((await head.agent.get('/actions').query({ lang: 'vi' })).text);
    expect(own).toContain('Các hành động do bộ phận của bạn phụ trách.');
    expect(own).toContain(late.id);
    for (const role of ['ceo', 'sysadmin'] as const) {
      const { agent } = await signedInAgent(t.app, [role]);
      expect((await agent.get('/actions')).status).toBe(403);
      expect((await agent.get('/')).text).not.toContain('href="/actions"');
    }
  });
});
