import request from 'supertest';
import { countAuditEvents } from '../support/audit';
import type { RoleKey } from '../../src/domain/roles';
import { transaction } from '../../src/db';
import { AuditEvent, Holiday, Setting, SlaPolicy } from '../../src/models';
import { asActor } from '../support/context';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';

const t = useTestApp();

const agentFor = async (roles: RoleKey[]) => (await signedInAgent(t.app, roles)).agent;

/** The CSP forbids inline scripts and style attributes; the pages must not need them. */
function expectCspClean(html: string) {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/\son[a-z]+="/);
}

/** The text of the field error after `name`'s input in the form with `testid`. */
function fieldErrorIn(html: string, testid: string): string {
  const start = html.indexOf(`data-testid="${testid}"`);
  expect(start).toBeGreaterThan(-1);
  const form = html.slice(start, html.indexOf('</form>', start));
  const match = /class="field-error">([^<]*)</.exec(form);
  return match ? match[1] : '';
}

describe('/admin/sla', () => {
  it('shows the targets grouped by stage, in words, with "any" for null severity and tier (Vietnamese by default)', async () => {
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/sla');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('Chỉ tiêu SLA theo giai đoạn');
    for (const stage of ['Tiếp nhận', 'Xác thực và điều tra', 'Đưa ra giải pháp', 'Xem xét giải pháp', 'Phản hồi khách hàng', 'Theo dõi']) expect(res.text).toContain(stage);
    expect(res.text).toContain('mọi mức độ');
    expect(res.text).toContain('mọi hạng');
    expect(res.text).toContain('<strong>15 phút</strong>');
    expect(res.text).toContain('<strong>12 giờ</strong>');
    expect(res.text).toContain('<strong>7 ngày</strong>');
    expect(res.text).toContain('Ngày lịch (đến 23:59)');
    expect(res.text).toContain('class="table-wrap"');
    expect(res.text).toMatch(/<td data-label="Mức độ">/);
  });

  it('is complete in English', async () => {
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/sla?lang=en');
    expect(res.text).toContain('Stage SLA targets');
    expect(res.text).toContain('any severity');
    expect(res.text).toContain('any tier');
    expect(res.text).toContain('<strong>15 minutes</strong>');
    expect(res.text).toContain('<strong>1 hour</strong>');
    expect(res.text).toContain('<strong>7 days</strong>');
    expect(res.text).not.toMatch(/sla\.[a-zA-Z_.]+/);
  });

  it('changes a row from its form (amount and unit) and adds a row from the add form', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/sla');
    const policy = (await SlaPolicy.findOne({ where: { stage: 'intake', severity: 'critical', tier: 'vip' } }))!;
    const saved = await agent.post(`/admin/sla/${policy.id}`).type('form').send({ _csrf: csrfFrom(page.text), version: String(policy.version), amount: '1,5', unit: 'hours', mode: 'exact' });
    expect(saved.status).toBe(303);
    expect((await SlaPolicy.findByPk(policy.id))!.targetMinutes).toBe(90);
    const after = await agent.get('/admin/sla');
    expect(after.text).toContain('Đã lưu chỉ tiêu SLA.');
    expect(after.text).toContain('<strong>1 giờ 30 phút</strong>');

    const added = await agent.post('/admin/sla').type('form').send({ _csrf: csrfFrom(after.text), stage: 'review', severity: 'high', tier: '', amount: '2', unit: 'days', mode: 'calendar_days' });
    expect(added.status).toBe(303);
    const row = await SlaPolicy.findOne({ where: { stage: 'review', severity: 'high', tier: null } });
    expect(row).toMatchObject({ targetMinutes: 2880, mode: 'calendar_days' });
    expect(await AuditEvent.count({ where: { entityId: row!.id, action: 'sla_policy.created' } })).toBe(1);

    const list = await agent.get('/admin/sla');
    const removed = await agent.post(`/admin/sla/${row!.id}/delete`).type('form').send({ _csrf: csrfFrom(list.text), version: '0' });
    expect(removed.status).toBe(303);
    expect(await SlaPolicy.findByPk(row!.id)).toBeNull();
  });

  it('shows errors in Vietnamese next to the field and keeps what was typed', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/sla');
    const policy = (await SlaPolicy.findOne({ where: { stage: 'follow_up', severity: null, tier: null } }))!;
    const bad = await agent.post(`/admin/sla/${policy.id}`).type('form').send({ _csrf: csrfFrom(page.text), version: String(policy.version), amount: '36', unit: 'hours', mode: 'calendar_days' });
    expect(bad.status).toBe(400);
    expect(fieldErrorIn(bad.text, `sla-edit-${policy.id}`)).toBe('Chỉ tiêu tính theo ngày lịch phải là số ngày nguyên.');
    expect(bad.text).toContain('value="36"');
    expect((await SlaPolicy.findByPk(policy.id))!.targetMinutes).toBe(7 * 1440);

    const zero = await agent.post('/admin/sla').type('form').send({ _csrf: csrfFrom(page.text), stage: 'intake', severity: 'low', tier: '', amount: '0', unit: 'minutes', mode: 'exact' });
    expect(zero.status).toBe(400);
    expect(fieldErrorIn(zero.text, 'sla-add-form')).toMatch(/quá nhỏ|lớn hơn/i);

    const dup = await agent.post('/admin/sla').type('form').send({ _csrf: csrfFrom(page.text), stage: 'intake', severity: 'critical', tier: 'vip', amount: '5', unit: 'minutes', mode: 'exact' });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('Đã có chỉ tiêu cho giai đoạn, mức độ và hạng khách hàng này.');

    const stageDefault = (await SlaPolicy.findOne({ where: { stage: 'intake', severity: null, tier: null } }))!;
    const refused = await agent.post(`/admin/sla/${stageDefault.id}/delete`).type('form').send({ _csrf: csrfFrom(page.text), version: String(stageDefault.version) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Không thể xóa chỉ tiêu mặc định của giai đoạn');
  });
});

describe('/admin/holidays', () => {
  it('shows a year with both names, the weekday and a year selector', async () => {
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/holidays?year=2026');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('Lịch nghỉ lễ');
    expect(res.text).toContain('02/09/2026');
    expect(res.text).toContain('value="Quốc khánh"');
    expect(res.text).toContain('value="National Day"');
    expect(res.text).toMatch(/Thứ Tư/); // 2 Sep 2026 is a Wednesday
    expect(res.text).toMatch(/<option value="2026" selected>2026<\/option>/);
    expect(res.text).toContain('<option value="2030"');
    expect(res.text).not.toContain('01/01/2027');
    const en = await agent.get('/admin/holidays?year=2026&lang=en');
    expect(en.text).toContain('Holiday calendar');
    expect(en.text).toMatch(/>2 Sept? 2026</);
    expect(en.text).toContain('Wednesday');
  });

  it('adds, renames and removes a holiday through the forms', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/holidays?year=2027');
    const added = await agent.post('/admin/holidays').type('form').send({ _csrf: csrfFrom(page.text), date: '2027-06-01', nameVi: 'Ngày hội gia đình', nameEn: 'Family day' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/admin/holidays?year=2027');
    const holiday = (await Holiday.findOne({ where: { date: '2027-06-01' } }))!;
    const list = await agent.get(added.headers.location);
    expect(list.text).toContain('Đã thêm ngày nghỉ lễ.');
    expect(list.text).toContain('value="Ngày hội gia đình"');

    const renamed = await agent.post(`/admin/holidays/${holiday.id}`).type('form').send({ _csrf: csrfFrom(list.text), version: '0', nameVi: 'Ngày Gia đình', nameEn: 'Family Day' });
    expect(renamed.status).toBe(303);
    expect((await Holiday.findByPk(holiday.id))!.toJSON()).toMatchObject({ nameVi: 'Ngày Gia đình', nameEn: 'Family Day', version: 1 });

    const removed = await agent.post(`/admin/holidays/${holiday.id}/delete`).type('form').send({ _csrf: csrfFrom(list.text), version: '1' });
    expect(removed.status).toBe(303);
    expect(await Holiday.findByPk(holiday.id)).toBeNull();
    expect(await AuditEvent.count({ where: { entityId: holiday.id, action: 'holiday.deleted' } })).toBe(1);
  });

  it('shows errors in Vietnamese next to the fields', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/holidays?year=2026');
    const bad = await agent.post('/admin/holidays').type('form').send({ _csrf: csrfFrom(page.text), date: '2026-02-30', nameVi: '', nameEn: 'Nothing' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    expect(fieldErrorIn(bad.text, 'holiday-add-form')).toMatch(/không hợp lệ/i);
    expect(bad.text).toContain('value="Nothing"');

    const taken = await agent.post('/admin/holidays').type('form').send({ _csrf: csrfFrom(page.text), date: '2026-09-02', nameVi: 'Trùng', nameEn: 'Duplicate' });
    expect(taken.status).toBe(409);
    expect(fieldErrorIn(taken.text, 'holiday-add-form')).toBe('Ngày này đã có trong lịch nghỉ lễ.');

    const holiday = (await Holiday.findOne({ where: { date: '2026-04-30' } }))!;
    const blank = await agent.post(`/admin/holidays/${holiday.id}`).type('form').send({ _csrf: csrfFrom(page.text), version: String(holiday.version), nameVi: '  ', nameEn: 'Reunification Day' });
    expect(blank.status).toBe(400);
    expect(fieldErrorIn(blank.text, 'holiday-rename-2026-04-30')).not.toBe('');
    const stale = await agent.post(`/admin/holidays/${holiday.id}`).type('form').send({ _csrf: csrfFrom(page.text), version: '9', nameVi: 'X', nameEn: 'X' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('vừa được người khác thay đổi');
    expect((await Holiday.findByPk(holiday.id))!.nameVi).toBe('Ngày Chiến thắng');
  });
});

describe('/admin/holidays: official Tết, provisional years and make-up working days', () => {
  it('shows the official Tết 2024 block and nothing provisional', async () => {
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/holidays?year=2024');
    expect(res.status).toBe(200);
    for (const day of ['08', '09', '10', '11', '12', '13', '14']) expect(res.text).toContain(`data-testid="holiday-2024-02-${day}"`);
    expect(res.text).not.toContain('data-testid="holiday-2024-02-15"');
    expect(res.text).not.toContain('data-testid="holiday-provisional-notice"');
    expect(res.text).not.toContain('data-provisional');
  });

  it('marks a computed year provisional and confirms it from the page', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/holidays?year=2027');
    expect(page.status).toBe(200);
    expectCspClean(page.text);
    expect(page.text).toContain('data-testid="holiday-provisional-notice"');
    expect(page.text).toMatch(/\d+ ngày của năm 2027 được tính theo âm lịch/);
    expect(page.text).toContain('data-testid="holiday-2027-02-06" data-kind="holiday" data-provisional="true"');
    expect(page.text).toContain('<option value="2027" selected>2027 (dự kiến)</option>');

    const confirmed = await agent.post('/admin/holidays/years/2027/confirm').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/admin/holidays?year=2027');
    const after = await agent.get(confirmed.headers.location);
    expect(after.text).toContain('Đã xác nhận lịch nghỉ lễ.');
    expect(after.text).not.toContain('data-testid="holiday-provisional-notice"');
    expect(after.text).not.toContain('data-provisional');
    expect(await Holiday.count({ where: { provisional: true, date: ['2027-02-06', '2027-09-02'] } })).toBe(0);
    expect(await countAuditEvents({ action: 'holiday.confirmed' }, { year: 2027 })).toBeGreaterThanOrEqual(11);
    expect((await agent.get('/admin/holidays?year=2029&lang=en')).text).toMatch(/\d+ days of 2029 are computed from the lunar calendar/);
  });

  it('adds a make-up working day from the add form, and says in Vietnamese why a weekday cannot be one', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/holidays?year=2028');
    expect(page.text).toContain('<option value="working_day">Ngày làm bù</option>');
    const added = await agent.post('/admin/holidays').type('form').send({ _csrf: csrfFrom(page.text), date: '2028-06-10', kind: 'working_day', nameVi: 'Làm bù', nameEn: 'Make-up working day' });
    expect(added.status).toBe(303);
    expect((await Holiday.findOne({ where: { date: '2028-06-10' } }))!.toJSON()).toMatchObject({ kind: 'working_day', provisional: false });
    const list = await agent.get(added.headers.location);
    expect(list.text).toContain('data-testid="holiday-2028-06-10" data-kind="working_day"');
    expect(list.text).toContain('<strong>Ngày làm bù</strong>');

    const weekday = await agent.post('/admin/holidays').type('form').send({ _csrf: csrfFrom(page.text), date: '2028-06-12', kind: 'working_day', nameVi: 'Làm bù', nameEn: 'Make-up' });
    expect(weekday.status).toBe(400);
    expect(fieldErrorIn(weekday.text, 'holiday-add-form')).toBe('Ngày làm bù phải là thứ Bảy hoặc Chủ nhật.');
    expect(weekday.text).toContain('<option value="working_day" selected>Ngày làm bù</option>');
    expect(await Holiday.count({ where: { date: '2028-06-12' } })).toBe(0);
  });

  it('refuses the confirm action to other roles with 403', async () => {
    const agent = await agentFor(['quality']);
    const page = await agent.get('/');
    const res = await agent.post('/admin/holidays/years/2028/confirm').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(403);
    expect(await Holiday.count({ where: { provisional: true, date: '2028-01-26' } })).toBe(1);
  });
});

describe('/admin/settings', () => {
  it('shows the recurrence period, criteria and business hours', async () => {
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/settings');
    expect(res.status).toBe(200);
    expectCspClean(res.text);
    expect(res.text).toContain('Khiếu nại lặp lại');
    expect(res.text).toContain('name="periodDays" type="number" min="1" max="3650" step="1" inputmode="numeric" required value="90"');
    expect(res.text).toMatch(/value="customer" checked/);
    expect(res.text).toContain('value="08:00"');
    expect(res.text).toContain('value="17:00"');
    expect((await agent.get('/admin/settings?lang=en')).text).toContain('Recurring complaints');
  });

  it('saves both forms', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/settings');
    const rec = await agent.post('/admin/settings/recurrence').type('form').send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&version=0&periodDays=45&match=product&match=customer`);
    expect(rec.status).toBe(303);
    expect((await Setting.findByPk('recurrence'))!.value).toEqual({ periodDays: 45, match: ['customer', 'product'] });
    const hours = await agent.post('/admin/settings/business_hours').type('form').send({ _csrf: csrfFrom(page.text), version: '0', start: '07:30', end: '16:30' });
    expect(hours.status).toBe(303);
    expect((await Setting.findByPk('business_hours'))!.value).toEqual({ start: '07:30', end: '16:30' });
    const after = await agent.get('/admin/settings');
    expect(after.text).toContain('Đã lưu cấu hình.');
    expect(after.text).toContain('value="45"');
    expect(after.text).not.toMatch(/value="category" checked/);
  });

  it('shows errors in Vietnamese next to the fields and changes nothing', async () => {
    const agent = await agentFor(['sysadmin']);
    const page = await agent.get('/admin/settings');
    const before = (await Setting.findByPk('recurrence'))!;
    const rec = await agent.post('/admin/settings/recurrence').type('form').send({ _csrf: csrfFrom(page.text), version: String(before.version), periodDays: '0' });
    expect(rec.status).toBe(400);
    expect(fieldErrorIn(rec.text, 'recurrence-form')).toMatch(/quá nhỏ|lớn hơn/i);
    expect(rec.text).toContain('value="0"');
    expect(rec.text).toContain('form-errors');
    const hours = await agent.post('/admin/settings/business_hours').type('form').send({ _csrf: csrfFrom(page.text), version: '99', start: '18:00', end: '08:00' });
    expect(hours.status).toBe(400);
    expect(fieldErrorIn(hours.text, 'business-hours-form')).toBe('Giờ bắt đầu phải trước giờ kết thúc.');
    expect((await Setting.findByPk('recurrence'))!.version).toBe(before.version);
  });

  it('offers customer, product, lot and supplier as criteria — not the category — and shows a stored category as nothing', async () => {
    // (The default, all four, is what GET /api/v1/settings shows on a fresh database.)
    const agent = await agentFor(['sysadmin']);
    const res = await agent.get('/admin/settings?lang=en');
    expect([...res.text.matchAll(/name="match" value="([a-z]+)"/g)].map((m) => m[1])).toEqual(['customer', 'product', 'lot', 'supplier']);
    expect(res.text).not.toContain('value="category"');
    expect(res.text).toContain('Same lot');
    expect(res.text).toContain('Same supplier');
    const stored = (await Setting.findByPk('recurrence'))!;
    await asActor(() => transaction(async () => stored.update({ value: { periodDays: 60, match: ['category', 'supplier'] } })));
    const legacy = await agent.get('/admin/settings');
    expect(legacy.status).toBe(200);
    expect(legacy.text).toMatch(/value="supplier" checked/);
    expect(legacy.text).not.toMatch(/value="customer" checked/);
    const saved = await agent.post('/admin/settings/recurrence').type('form').send(`_csrf=${encodeURIComponent(csrfFrom(legacy.text))}&version=${stored.version}&periodDays=90&match=customer&match=product&match=lot&match=supplier`);
    expect(saved.status).toBe(303);
    expect((await Setting.findByPk('recurrence'))!.value).toEqual({ periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] });
  });
});

describe('access', () => {
  it('refuses the pages to other roles with 403 and sends anonymous visitors to sign in', async () => {
    const agent = await agentFor(['quality', 'auditor']);
    for (const path of ['/admin/sla', '/admin/holidays', '/admin/settings']) {
      const res = await agent.get(path);
      expect(res.status).toBe(403);
      expect(res.text).toContain('data-testid="error-page"');
    }
    const page = await agent.get('/');
    const post = await agent.post('/admin/settings/recurrence').type('form').send({ _csrf: csrfFrom(page.text), periodDays: '1', match: 'customer' });
    expect(post.status).toBe(403);
    const anonymous = await request(t.app).get('/admin/sla');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });
});
