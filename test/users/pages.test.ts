import { AuditEvent, User } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildDepartment, buildUser } from '../support/factories';

const t = useTestApp();

async function sysadminAgent() {
  return (await signedInAgent(t.app, ['sysadmin'])).agent;
}

describe('sysadmin pages', () => {
  it('creates a user through the form with several roles', async () => {
    const agent = await sysadminAgent();
    const dept = await buildDepartment({ name: 'Phòng Pháp chế' });
    const form = await agent.get('/admin/users/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Phòng Pháp chế');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(form.text))}&name=${encodeURIComponent('Hoàng Đức Anh')}&email=anh%40congty.vn&departmentId=${dept.id}&roles=legal&roles=auditor&password=${encodeURIComponent('mật khẩu thật dài')}`);
    expect(res.status).toBe(303);
    const user = await User.findOne({ where: { email: 'anh@congty.vn' } });
    expect(user!.roles).toEqual(['legal', 'auditor']);
    const page = await agent.get(res.headers.location);
    expect(page.text).toContain('Đã tạo người dùng.');
  });

  it('lists users in English from the footer link (?lang=en is not a filter)', async () => {
    const agent = await sysadminAgent();
    const res = await agent.get('/admin/users?lang=en&q=');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en"');
  });

  it('shows validation messages in Vietnamese next to the fields and keeps what was typed', async () => {
    const agent = await sysadminAgent();
    const form = await agent.get('/admin/users/new');
    const res = await agent.post('/admin/users').type('form').send({ _csrf: csrfFrom(form.text), name: 'Người Mới', email: 'khong-hop-le', password: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('value="Người Mới"');
    expect(res.text).toMatch(/class="field-error">[^<]*(không hợp lệ|Không hợp lệ)/);
  });

  it('deactivates a user from the edit page', async () => {
    const agent = await sysadminAgent();
    const user = await buildUser({ roles: ['intake'] });
    const edit = await agent.get(`/admin/users/${user.id}`);
    const res = await agent.post(`/admin/users/${user.id}`).type('form').send({
      _csrf: csrfFrom(edit.text),
      version: String(user.version),
      name: user.name,
      email: user.email,
      roles: 'intake',
      departmentId: user.departmentId!,
    });
    expect(res.status).toBe(303);
    expect((await User.findByPk(user.id))!.active).toBe(false);
    expect(await AuditEvent.count({ where: { entityId: user.id, action: 'user.deactivated' } })).toBe(1);
  });

  it('answers 409 on a stale form and says so', async () => {
    const agent = await sysadminAgent();
    const user = await buildUser({ roles: ['intake'] });
    const edit = await agent.get(`/admin/users/${user.id}`);
    const res = await agent.post(`/admin/users/${user.id}`).type('form').send({ _csrf: csrfFrom(edit.text), version: '99', name: 'x', email: user.email, roles: 'intake', active: 'on' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('vừa được người khác thay đổi');
  });

  it('refuses the pages to other roles with 403', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const res = await agent.get('/admin/users');
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-testid="error-page"');
  });

  it('creates and deactivates departments', async () => {
    const agent = await sysadminAgent();
    const list = await agent.get('/admin/departments');
    const created = await agent.post('/admin/departments').type('form').send({ _csrf: csrfFrom(list.text), code: 'KHO', name: 'Kho vận' });
    expect(created.status).toBe(303);
    const again = await agent.get('/admin/departments');
    expect(again.text).toContain('Kho vận');
    const dup = await agent.post('/admin/departments').type('form').send({ _csrf: csrfFrom(again.text), code: 'kho', name: 'Trùng' });
    expect(dup.status).toBe(409);
  });
});
