import fs from 'node:fs';
import path from 'node:path';
import type { Response } from 'supertest';
import { localesDir, viewsDir } from '../../src/paths';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer } from '../support/factories';
import type { RoleKey } from '../../src/domain/roles';

const t = useTestApp();

const agentFor = (roles: RoleKey[]) => signedInAgent(t.app, roles);

/** The error summary above a form: each line with the id it links to, the label it names and its message. */
function summary(html: string) {
  const box = /<div class="form-errors" role="alert" data-testid="form-errors">([\s\S]*?)<\/div>/.exec(html);
  if (!box) throw new Error('No error summary on the page');
  const items = [...box[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
  return items.map((item) => {
    const link = /^<a href="#([^"]+)" data-testid="error-link">([^<]+)<\/a>: ([\s\S]+)$/.exec(item);
    return link ? { id: link[1], label: link[2], message: link[3], item } : { id: null, label: null, message: item, item };
  });
}

/** Every line names its field and links to an element that exists on the page, once. */
function expectLinkedSummary(res: Response) {
  const lines = summary(res.text);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).toMatchObject({ id: expect.any(String), label: expect.any(String) });
    expect(res.text.split(`id="${line.id}"`).length - 1).toBe(1);
  }
  return lines;
}

describe('the error summary of a form', () => {
  it('on the intake form, names every missing field and links to it (not six times the same sentence)', async () => {
    const { agent } = await agentFor(['intake']);
    const form = await agent.get('/complaints/new');
    const res = await agent.post('/complaints/new').type('form').send({ _csrf: csrfFrom(form.text), intent: 'file', kind: 'complaint', receivedAt: '', harm: 'none', lang: 'vi' });
    expect(res.status).toBe(400);
    const lines = expectLinkedSummary(res);
    const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
    for (const [label, id] of [
      ['Kênh tiếp nhận', 'field-channel'],
      ['Ngày xảy ra sự việc', 'field-incidentDate'],
      ['Nhóm vấn đề', 'field-category'],
      ['Tiêu đề', 'field-subject'],
      ['Nội dung', 'field-description'],
      ['Mức độ', 'field-severity'],
      ['Khách hàng', 'field-customerId'],
    ]) {
      expect(byLabel[label]).toMatchObject({ id });
    }
    expect(res.text).toContain('<a href="#field-subject" data-testid="error-link">Tiêu đề</a>: Vui lòng nhập hoặc chọn trường này.');
    // The anchors are the fields themselves.
    expect(res.text).toMatch(/<input name="subject"[^>]*id="field-subject"/);
    expect(res.text).toMatch(/<select name="channel"[^>]*id="field-channel"/);
  });

  it('on the customer form, names the field (and a contact row field by its column)', async () => {
    const { agent } = await agentFor(['quality']);
    const form = await agent.get('/customers/new');
    const res = await agent.post('/customers/new').type('form').send({ _csrf: csrfFrom(form.text), name: '', type: 'person', tier: 'new', 'contacts.0.name': 'Lan', 'contacts.0.email': 'không-phải-email', lang: 'vi' });
    expect(res.status).toBe(400);
    const lines = expectLinkedSummary(res);
    expect(lines.map((l) => [l.id, l.label])).toEqual(expect.arrayContaining([['field-name', 'Tên khách hàng'], ['field-contacts-0-email', 'Email']]));
  });

  it('on the edit form of an entry', async () => {
    const { agent } = await agentFor(['intake']);
    const c = await buildComplaint();
    const form = await agent.get(`/complaints/${c.id}/edit`);
    expect(form.status).toBe(200);
    const res = await agent.post(`/complaints/${c.id}/edit`).type('form').send({ _csrf: csrfFrom(form.text), version: String(c.version), channel: 'hotline', subject: '', description: 'x', incidentDate: '', category: 'service_quality', severity: 'low', harm: 'none', lang: 'vi' });
    expect(res.status).toBe(400);
    const lines = expectLinkedSummary(res);
    expect(lines.map((l) => [l.id, l.label])).toEqual(expect.arrayContaining([['field-subject', 'Tiêu đề']]));
  });

  it("on a case page's transition form: the line links to the field of the form that failed", async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'kh@example.vn' })).id });
    const page = await agent.get(`/complaints/${c.id}`);
    const res = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), version: String(c.version), to: 'on_hold', reason: '', lang: 'vi' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const lines = expectLinkedSummary(res);
    expect(lines[0]).toMatchObject({ id: 'field-reason', label: 'Lý do' });
  });

  it("on the sysadmin's forms: user, department, SLA target, holiday, settings", async () => {
    const { agent } = await agentFor(['sysadmin']);
    const csrf = csrfFrom((await agent.get('/admin/users/new')).text);
    const user = await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: '', email: 'không hợp lệ', lang: 'vi' });
    expect(user.status).toBe(400);
    expect(expectLinkedSummary(user).map((l) => l.label)).toEqual(expect.arrayContaining(['Họ và tên', 'Email']));

    const dept = await agent.post('/admin/departments').type('form').send({ _csrf: csrf, code: '', name: '', lang: 'vi' });
    expect(dept.status).toBe(400);
    expect(expectLinkedSummary(dept).map((l) => l.label)).toEqual(expect.arrayContaining(['Mã', 'Tên phòng ban']));

    const sla = await agent.post('/admin/sla').type('form').send({ _csrf: csrf, stage: 'intake', amount: '', unit: 'hours', mode: 'exact', lang: 'vi' });
    expect(sla.status).toBe(400);
    expect(expectLinkedSummary(sla)[0]).toMatchObject({ id: 'field-targetMinutes', label: 'Thời lượng' });

    const holiday = await agent.post('/admin/holidays').type('form').send({ _csrf: csrf, date: '', nameVi: '', nameEn: '', lang: 'vi' });
    expect(holiday.status).toBe(400);
    expect(expectLinkedSummary(holiday).map((l) => l.id)).toEqual(expect.arrayContaining(['field-date', 'field-nameVi']));

    const settings = await agent.get('/admin/settings');
    const version = /action="\/admin\/settings\/recurrence"[\s\S]*?name="version" value="(\d+)"/.exec(settings.text)![1];
    const rec = await agent.post('/admin/settings/recurrence').type('form').send({ _csrf: csrf, version, periodDays: '', match: 'customer', lang: 'vi' });
    expect(rec.status).toBe(400);
    expect(expectLinkedSummary(rec)[0]).toMatchObject({ id: 'field-value-periodDays', label: 'Khoảng thời gian (ngày)' });
  });

  it('on the account, report and sign-in forms', async () => {
    const { agent } = await agentFor(['quality']);
    const csrf = csrfFrom((await agent.get('/account')).text);
    const account = await agent.post('/account/password').type('form').send({ _csrf: csrf, currentPassword: '', newPassword: '', lang: 'vi' });
    expect(account.status).toBe(400);
    expect(expectLinkedSummary(account).map((l) => l.label)).toEqual(expect.arrayContaining(['Mật khẩu hiện tại']));

    const report = await agent.get('/reports/feedback-log.xlsx').query({ from: '2026-02-30', to: '2026-03-01', bookLang: 'vi', lang: 'vi' });
    expect(report.status).toBe(400);
    expect(expectLinkedSummary(report)[0]).toMatchObject({ id: 'field-from', label: 'Từ ngày' });

    const anonymous = (await import('supertest')).default.agent(t.app);
    const login = await anonymous.get('/login');
    const refused = await anonymous.post('/login').type('form').send({ _csrf: csrfFrom(login.text), email: 'không phải email', password: '', lang: 'vi' });
    expect(refused.status).toBe(400);
    // The sign-in fields keep their own ids (id="email", id="password").
    expect(expectLinkedSummary(refused).map((l) => [l.id, l.label])).toEqual(expect.arrayContaining([['password', 'Mật khẩu']]));
  });
});

describe('the label keys the forms name', () => {
  const views = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? views(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
  const used = views(viewsDir).flatMap((f) =>
    [...fs.readFileSync(f, 'utf8').matchAll(/\(fieldLabels ([^)]*)\)/g)].flatMap((m) => [...m[1].matchAll(/([A-Za-z0-9_-]+)="([^"]*)"/g)].filter((p) => p[1] !== 'idPrefix').map((p) => ({ file: path.relative(viewsDir, f), key: p[2] }))),
  );

  it('are used by every form that shows the shared summary', () => {
    for (const f of views(viewsDir)) {
      const text = fs.readFileSync(f, 'utf8');
      for (const call of text.matchAll(/\{\{> formErrors([^}]*)\}\}/g)) expect({ file: path.relative(viewsDir, f), named: call[1].includes('fields=(fieldLabels') }).toEqual({ file: path.relative(viewsDir, f), named: true });
    }
  });

  it.each(['vi', 'en'])('exist in %s', (lang) => {
    const tree = JSON.parse(fs.readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Record<string, unknown>;
    const has = (key: string) => typeof key.split('.').reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), tree) === 'string';
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((u) => !has(u.key))).toEqual([]);
  });
});
