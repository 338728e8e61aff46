import { DateTime } from 'luxon';
import request from 'supertest';
import { transitionCase } from '../../src/commands/caseTransitioner';
import type { RoleKey } from '../../src/domain/roles';
import { Complaint, ComplaintHold, Customer } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { storedClock } from '../support/clocks';
import { asActor } from '../support/context';
import { buildComplaint, buildCustomer, buildUser } from '../support/factories';
import { proposeTestSolution, recordTestFindings } from '../support/procedure';
import { issueTestLetter } from '../support/letters';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

/** A browser-like agent signed in through the login form as a new user with `roles`. */
const agentFor = (roles: RoleKey[], overrides: Parameters<typeof buildUser>[0] = {}) => signedInAgent(t.app, roles, overrides);

const daysAgo = (n: number) => DateTime.now().setZone(ZONE).minus({ days: n }).toISODate()!;
const localNow = () => DateTime.now().setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm");

/** A valid intake form; `overrides` replace or add fields. */
function intakeForm(csrf: string, overrides: Record<string, string> = {}) {
  return {
    _csrf: csrf,
    intent: 'file',
    kind: 'complaint',
    channel: 'hotline',
    receivedAt: localNow(),
    incidentDate: daysAgo(2),
    category: 'service_quality',
    subject: 'Máy lọc nước rò rỉ ở khớp nối',
    description: 'Khách hàng gọi tổng đài: máy lọc nước rò rỉ sau một tuần.\nĐã hướng dẫn khóa van.',
    severity: 'high',
    harm: 'none',
    ...overrides,
  };
}

/** The text inside the element carrying `data-testid="<id>"` (the first one). */
function testId(html: string, id: string): string {
  const m = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? m[1].trim() : '';
}

/** An href as the browser reads it (handlebars escapes `=` and `&`). */
const decode = (href: string) => href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/** The `<tr>` rows of the queue table. */
const queueRows = (html: string) => [...html.matchAll(/<tr class="queue-row[^"]*"[^>]*data-reference="([^"]+)"[^>]*>/g)].map((m) => ({ reference: m[1], overdue: /data-overdue="true"/.test(m[0]) }));

describe('the intake form', () => {
  it('renders in Vietnamese with every entry field, autofocus first, and the quality users to assign', async () => {
    const handler = await buildUser({ roles: ['quality'], name: 'Trần Văn Xử Lý' });
    const { agent } = await agentFor(['intake']);
    const res = await agent.get('/complaints/new');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tiếp nhận khiếu nại / phản hồi');
    for (const name of ['kind', 'channel', 'receivedAt', 'incidentDate', 'category', 'subject', 'description', 'severity', 'harm', 'safetyImpact', 'brandImpact', 'productRef', 'lotRef', 'supplierRef', 'assigneeId', 'customerQ', 'customer.name', 'customer.type', 'customer.email', 'customer.phone', 'customer.tier']) {
      expect(res.text).toContain(`name="${name}"`);
    }
    expect(res.text).toMatch(/<select name="kind" autofocus/);
    expect(res.text).toContain(`<option value="${handler.id}">Trần Văn Xử Lý</option>`);
    // The datetime-local field defaults to now in the organisation's zone.
    expect(res.text).toMatch(new RegExp(`name="receivedAt" value="${DateTime.now().setZone(ZONE).toFormat('yyyy-MM-dd')}T\\d\\d:\\d\\d"`));
    // The htmx suggestion list and the plain search button (no JavaScript needed).
    expect(res.text).toContain('hx-get="/customers/suggest"');
    expect(res.text).toContain('value="search"');
    expect(res.text).toContain('<script src="/assets/app/js/intake.js" defer></script>');
    expect(res.text).not.toContain('data-testid="form-errors"');
  });

  it('files an entry for an existing customer: a row, a redirect to the case, and a flash with the reference', async () => {
    const { agent, user } = await agentFor(['intake']);
    const customer = await buildCustomer({ name: 'Công ty TNHH Hoa Sen', type: 'company', email: 'cskh@hoasen.vn' });
    const assignee = await buildUser({ roles: ['quality'] });
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(intakeForm(csrfFrom(form.text), { customerId: customer.id, assigneeId: assignee.id, productRef: 'ML-200', lotRef: 'L2611', safetyImpact: 'on' }));
    expect(res.status).toBe(303);
    const complaint = await Complaint.findOne({ where: { customerId: customer.id } });
    expect(complaint).not.toBeNull();
    expect(res.headers.location).toBe(`/complaints/${complaint!.id}`);
    expect(complaint).toMatchObject({
      kind: 'complaint',
      channel: 'hotline',
      subject: 'Máy lọc nước rò rỉ ở khớp nối',
      severity: 'high',
      productRef: 'ML-200',
      lotRef: 'L2611',
      safetyImpact: true,
      brandImpact: false,
      meetingRequired: true,
      assigneeId: assignee.id,
      createdBy: user.id,
    });
    expect(complaint!.reference).toMatch(/^KN-\d{4}-\d{6}$/);

    const page = await agent.get(res.headers.location);
    expect(page.status).toBe(200);
    expect(testId(page.text, 'created-notice')).toBe(`Đã tiếp nhận ${complaint!.reference}.`);
    expect(testId(page.text, 'case-reference')).toBe(complaint!.reference);
    expect(page.text).toContain('data-testid="flag-meeting"');
    // Shown once.
    const again = await agent.get(res.headers.location);
    expect(again.text).not.toContain('data-testid="created-notice"');
  });

  it('reads the received time in the organisation zone', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer();
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(intakeForm(csrfFrom(form.text), { customerId: customer.id, receivedAt: '2026-11-02T10:00', incidentDate: '2026-10-30' }));
    expect(res.status).toBe(303);
    const complaint = await Complaint.findOne({ where: { customerId: customer.id } });
    expect(complaint!.receivedAt.toISOString()).toBe('2026-11-02T03:00:00.000Z');
    // Resolution: 20 calendar days, ending 23:59:59.999 local (PRODUCT.md's worked example).
    expect((await storedClock(complaint!.id, 'resolution')).dueAt!.toISOString()).toBe('2026-11-22T16:59:59.999Z');
  });

  it('creates a customer inline with the entry', async () => {
    const { agent } = await agentFor(['intake']);
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(
        intakeForm(csrfFrom(form.text), {
          kind: 'feedback',
          'customer.name': 'Nguyễn Thị Ánh Tuyết',
          'customer.type': 'person',
          'customer.email': 'anh.tuyet@example.vn',
          'customer.phone': '0903 123 456',
          'customer.tier': 'vip',
        }),
      );
    expect(res.status).toBe(303);
    const customer = await Customer.findOne({ where: { name: 'Nguyễn Thị Ánh Tuyết' } });
    expect(customer).toMatchObject({ type: 'person', email: 'anh.tuyet@example.vn', phone: '0903 123 456', tier: 'vip' });
    expect(customer!.code).toMatch(/^KH-\d{6}$/);
    const complaint = await Complaint.findOne({ where: { customerId: customer!.id } });
    expect(complaint!.reference).toMatch(/^PH-/);
    const page = await agent.get(res.headers.location);
    expect(page.text).toContain(`href="/customers/${customer!.id}"`);
    // A person customer gets the consumer-law negotiation clock.
    expect(page.text).toContain('data-testid="clock-negotiationStart"');
  });

  it('shows Vietnamese messages next to the fields and keeps every value on bad input', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer({ name: 'Lê Văn Giữ Nguyên' });
    const before = await Complaint.count();
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(intakeForm(csrfFrom(form.text), { customerId: customer.id, subject: '', channel: '', description: 'Nội dung vẫn còn nguyên sau khi báo lỗi', productRef: 'SP-Ư-01' }));
    expect(res.status).toBe(400);
    expect(await Complaint.count()).toBe(before);
    expect(res.text).toContain('data-testid="form-errors"');
    expect(res.text).toMatch(/name="subject"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/name="channel"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/data-testid="f-subject">\s*<small class="field-error">Vui lòng nhập hoặc chọn trường này\.<\/small>/);
    // Kept: the text typed, the selections, and the chosen customer.
    expect(res.text).toContain('Nội dung vẫn còn nguyên sau khi báo lỗi</textarea>');
    expect(res.text).toContain('value="SP-Ư-01"');
    expect(res.text).toContain('<option value="high" selected>');
    expect(res.text).toMatch(new RegExp(`value="${customer.id}" checked`));
    expect(res.text).toContain('Lê Văn Giữ Nguyên');
  });

  it('refuses an incident date in the future, in Vietnamese, next to the field', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer();
    const form = await agent.get('/complaints/new');
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate()!;
    const res = await agent.post('/complaints/new').type('form').send(intakeForm(csrfFrom(form.text), { customerId: customer.id, incidentDate: tomorrow }));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/name="incidentDate"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('<small class="field-error">Ngày xảy ra sự việc không được ở tương lai.</small>');
    expect(res.text).toContain(`value="${tomorrow}"`);
    expect(await Complaint.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it('refuses an unknown customer and a missing one, in Vietnamese', async () => {
    const { agent } = await agentFor(['intake']);
    const form = await agent.get('/complaints/new');
    const csrf = csrfFrom(form.text);
    const unknown = await agent.post('/complaints/new').type('form').send(intakeForm(csrf, { customerId: '00000000-0000-4000-8000-000000000000' }));
    expect(unknown.status).toBe(400);
    expect(testId(unknown.text, 'customer-error')).toContain('Khách hàng không tồn tại.');
    const missing = await agent.post('/complaints/new').type('form').send(intakeForm(csrf, { subject: '' }));
    expect(missing.status).toBe(400);
    expect(testId(missing.text, 'customer-error')).toContain('Chọn khách hàng hoặc nhập khách hàng mới.');
    // Both problems at once: nothing is hidden behind the first.
    expect(missing.text).toMatch(/name="subject"[^>]*aria-invalid="true"/);
  });

  it('checks an inline customer with the customer schema and reopens its fields', async () => {
    const { agent } = await agentFor(['intake']);
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(intakeForm(csrfFrom(form.text), { 'customer.name': 'Phạm Quốc Việt', 'customer.type': 'person', 'customer.email': 'khong-phai-email' }));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<details class="new-customer" open/);
    expect(res.text).toMatch(/name="customer.email"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/name="customer.email"[^>]*>\s*<small class="field-error">[^<]*email không hợp lệ/);
    expect(res.text).toContain('value="Phạm Quốc Việt"');
    expect(await Customer.count({ where: { name: 'Phạm Quốc Việt' } })).toBe(0);
  });

  it('refuses a chosen customer and a typed one together', async () => {
    const { agent } = await agentFor(['quality']);
    const customer = await buildCustomer();
    const form = await agent.get('/complaints/new');
    const res = await agent.post('/complaints/new').type('form').send(intakeForm(csrfFrom(form.text), { customerId: customer.id, 'customer.name': 'Người khác' }));
    expect(res.status).toBe(400);
    expect(testId(res.text, 'customer-error')).toContain('không dùng cả hai');
  });

  it('searches customers without JavaScript, keeping what was typed, diacritics ignored', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer({ name: 'Đặng Thị Hồng Nhung', phone: '0912 000 111' });
    const form = await agent.get('/complaints/new');
    const res = await agent
      .post('/complaints/new')
      .type('form')
      .send(intakeForm(csrfFrom(form.text), { intent: 'search', customerQ: 'dang thi hong', subject: 'Giữ lại tiêu đề' }));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(new RegExp(`<input type="radio" name="customerId" value="${customer.id}"`));
    expect(res.text).toContain('value="Giữ lại tiêu đề"');
    expect(await Complaint.count({ where: { customerId: customer.id } })).toBe(0);
    // Enter in the search box (the default button files) with a match: asks to pick one instead of filing.
    const entered = await agent.post('/complaints/new').type('form').send(intakeForm(csrfFrom(form.text), { customerQ: 'hong nhung' }));
    expect(entered.status).toBe(400);
    expect(testId(entered.text, 'customer-error')).toContain('Chọn một khách hàng trong kết quả tìm kiếm');
    expect(entered.text).toContain(`value="${customer.id}"`);
  });

  it('suggests customers as an HTML fragment for htmx, the chosen one kept', async () => {
    const { agent } = await agentFor(['intake']);
    const a = await buildCustomer({ name: 'Võ Minh Khôi', email: 'khoi@example.vn' });
    const b = await buildCustomer({ name: 'Trịnh Công Sơn Hà' });
    const res = await agent.get('/customers/suggest').query({ customerQ: 'vo minh', customerId: b.id }).set('HX-Request', 'true');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<html');
    expect(res.text).toContain(`value="${a.id}"`);
    expect(res.text).toContain('khoi@example.vn');
    expect(res.text).toMatch(new RegExp(`value="${b.id}" checked`));
    const none = await agent.get('/customers/suggest').query({ customerQ: 'không ai có tên này' });
    expect(none.text).toContain('data-testid="customer-no-match"');
  });

  it('is refused to roles that do not log entries, and sends visitors to sign in', async () => {
    const { agent } = await agentFor(['auditor']);
    expect((await agent.get('/complaints/new')).status).toBe(403);
    const anon = await request(t.app).get('/complaints/new');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Fcomplaints%2Fnew');
  });

  it('says prominently on the case page that an entry is time-barred', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer();
    const form = await agent.get('/complaints/new');
    const res = await agent.post('/complaints/new').type('form').send(intakeForm(csrfFrom(form.text), { customerId: customer.id, incidentDate: daysAgo(200), category: 'business' }));
    expect(res.status).toBe(303);
    const complaint = await Complaint.findOne({ where: { customerId: customer.id } });
    expect(complaint!.timeBarred).toBe(true);
    const page = await agent.get(res.headers.location);
    expect(page.text).toMatch(/class="case-alert case-alert-danger" role="alert" data-testid="flag-time-barred"/);
    expect(page.text).toContain('Khiếu nại đã quá thời hạn khiếu nại');
    const end = DateTime.fromJSDate(complaint!.filingWindowEndsAt, { zone: ZONE }).toFormat('dd/MM/yyyy HH:mm');
    expect(page.text).toContain(`Hạn nộp khiếu nại đã kết thúc lúc ${end}`);
    // The decision is asked for on the buttons that leave intake.
    expect(page.text).toContain('name="timeBarredDecision" value="accept"');
    // Answering it as time-barred waits for the time-barred letter: said, then offered once it is issued.
    expect(page.text).toContain('Phát hành thư trả lời (hết thời hạn khiếu nại) cho khách hàng.');
    await issueTestLetter(complaint!.id, 'time_barred');
    const answered = await agent.get(res.headers.location);
    expect(answered.text).toContain('name="timeBarredDecision" value="answer_time_barred"');
  });
});

describe('the queue', () => {
  it('filters by text (diacritics ignored), status, kind, severity and customer', async () => {
    const { agent } = await agentFor(['quality']);
    const customer = await buildCustomer({ name: 'Hợp tác xã Bình Minh' });
    const leak = await buildComplaint({ customerId: customer.id, subject: 'Bình nóng lạnh Ariston rò điện', severity: 'critical' });
    const noise = await buildComplaint({ subject: 'Giao hàng chậm ba ngày', severity: 'low', kind: 'feedback' });
    const search = await agent.get('/complaints').query({ q: 'binh nong lanh' });
    expect(search.status).toBe(200);
    expect(queueRows(search.text).map((r) => r.reference)).toEqual([leak.reference]);
    expect(search.text).toContain('value="binh nong lanh"');

    const byKind = await agent.get('/complaints').query({ kind: 'feedback' });
    expect(queueRows(byKind.text).map((r) => r.reference)).toContain(noise.reference);
    expect(queueRows(byKind.text).map((r) => r.reference)).not.toContain(leak.reference);

    const bySeverity = await agent.get('/complaints').query({ severity: 'critical', status: 'intake' });
    expect(queueRows(bySeverity.text).map((r) => r.reference)).toContain(leak.reference);
    expect(queueRows(bySeverity.text).map((r) => r.reference)).not.toContain(noise.reference);
    expect(bySeverity.text).toContain('<option value="critical" selected>');

    const byCustomer = await agent.get('/complaints').query({ customerId: customer.id });
    expect(queueRows(byCustomer.text).map((r) => r.reference)).toEqual([leak.reference]);
    expect(testId(byCustomer.text, 'queue-customer')).toContain('Khách hàng');
    expect(byCustomer.text).toContain('Hợp tác xã Bình Minh');

    // The page's own customer box: one match filters at once, several ask which one, none says so.
    const byText = await agent.get('/complaints').query({ customer: 'hop tac xa binh minh' });
    expect(queueRows(byText.text).map((r) => r.reference)).toEqual([leak.reference]);
    await buildCustomer({ name: 'Hợp tác xã Bình Minh 2' });
    const several = await agent.get('/complaints').query({ customer: 'hop tac xa binh' });
    expect(queueRows(several.text)).toEqual([]);
    expect(decode(several.text)).toContain(`customerId=${customer.id}`);
    expect(several.text).toContain('data-testid="queue-customer-matches"');
    const nobody = await agent.get('/complaints').query({ customer: 'không có ai' });
    expect(nobody.text).toContain('data-testid="queue-customer-none"');

    const closed = await agent.get('/complaints').query({ status: 'closed' });
    expect(queueRows(closed.text)).toEqual([]);
    expect(closed.text).toContain('Không có hồ sơ nào phù hợp.');
  });

  it('lists overdue entries only with the overdue filter and highlights them, with the time in words', async () => {
    const { agent } = await agentFor(['quality']);
    const customer = await buildCustomer();
    const late = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 3 * 3600_000), subject: 'Đã trễ xác nhận' });
    const fresh = await buildComplaint({ customerId: customer.id, subject: 'Vừa tiếp nhận' });
    const all = await agent.get('/complaints').query({ customerId: customer.id });
    const rows = queueRows(all.text);
    expect(rows).toEqual([
      { reference: late.reference, overdue: true },
      { reference: fresh.reference, overdue: false },
    ]);
    expect(all.text).toMatch(new RegExp(`<tr class="queue-row overdue" data-testid="queue-row" data-reference="${late.reference}"`));
    expect(all.text).toMatch(/class="due due-overdue" data-testid="queue-due">quá hạn 2 giờ</);
    expect(all.text).toMatch(/class="due" data-testid="queue-due">còn (59|58) phút</);

    const overdue = await agent.get('/complaints').query({ customerId: customer.id, overdue: 'true' });
    expect(queueRows(overdue.text)).toEqual([{ reference: late.reference, overdue: true }]);
    expect(overdue.text).toMatch(/name="overdue" value="true" checked/);
  });

  it('sorts by due time by default, newest first on the toggle, and pages with a keyset link', async () => {
    const { agent } = await agentFor(['intake']);
    const customer = await buildCustomer();
    const old = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 30 * 60_000) });
    const mid = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 20 * 60_000) });
    const recent = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 10 * 60_000) });
    const due = await agent.get('/complaints').query({ customerId: customer.id });
    expect(queueRows(due.text).map((r) => r.reference)).toEqual([old.reference, mid.reference, recent.reference]);
    expect(due.text).toContain('<strong aria-current="true">Hạn gần nhất trước</strong>');
    const toggle = /href="([^"]+)" data-testid="sort-received"/.exec(due.text);
    expect(decode(toggle![1])).toContain('sort=received');
    const newest = await agent.get(decode(toggle![1]));
    expect(queueRows(newest.text).map((r) => r.reference)).toEqual([recent.reference, mid.reference, old.reference]);

    const first = await agent.get('/complaints').query({ customerId: customer.id, limit: '2' });
    expect(queueRows(first.text).map((r) => r.reference)).toEqual([old.reference, mid.reference]);
    const next = /href="([^"]+)" data-testid="queue-next"/.exec(first.text);
    expect(decode(next![1])).toMatch(/^\/complaints\?.*cursor=/);
    const second = await agent.get(decode(next![1]));
    expect(queueRows(second.text).map((r) => r.reference)).toEqual([recent.reference]);
    expect(second.text).not.toContain('data-testid="queue-next"');
  });

  it('shows a stage badge per row and refuses a bad filter without losing the page', async () => {
    const { agent } = await agentFor(['legal']);
    const c = await buildComplaint();
    const res = await agent.get('/complaints').query({ q: c.reference });
    expect(res.text).toContain('<span class="badge stage stage-intake" data-testid="stage-badge" data-stage="intake">Tiếp nhận</span>');
    expect(res.text).toContain(`href="/complaints/${c.id}"`);
    const bad = await agent.get('/complaints').query({ severity: 'catastrophic' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="form-errors"');
    expect(bad.text).toContain('data-testid="queue-table"');
  });

  it('is refused to the sysadmin, who reads no case content', async () => {
    const { agent } = await agentFor(['sysadmin']);
    expect((await agent.get('/complaints')).status).toBe(403);
  });
});

describe('the case page', () => {
  it('shows the header, every clock with its state, the timeline with who and when, and the content', async () => {
    const { agent } = await agentFor(['quality']);
    const officer = await buildUser({ roles: ['intake'], name: 'Ngô Thị Tiếp Nhận' });
    const customer = await buildCustomer({ name: 'Bùi Văn Khách', type: 'person' });
    const c = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 3 * 3600_000), description: 'Dòng một\nDòng hai' }, officer);
    const res = await agent.get(`/complaints/${c.id}`);
    expect(res.status).toBe(200);
    expect(testId(res.text, 'case-reference')).toBe(c.reference);
    expect(testId(res.text, 'case-kind')).toBe('Khiếu nại');
    expect(testId(res.text, 'case-round')).toBe('Vòng 1');
    expect(res.text).toContain(`<a href="/customers/${customer.id}" data-testid="case-customer">Bùi Văn Khách</a>`);
    // Clocks: acknowledgment is 2 hours overdue; first reply, resolution, stage and negotiation run.
    expect(res.text).toMatch(/data-testid="clock-acknowledge" data-state="overdue"[\s\S]*?quá hạn 2 giờ/);
    expect(res.text).toMatch(/data-testid="clock-firstReply" data-state="pending"[\s\S]*?còn 44 giờ/);
    expect(res.text).toMatch(/data-testid="clock-resolution" data-state="pending"[\s\S]*?còn (19|20) ngày/);
    expect(res.text).toMatch(/data-testid="clock-stage" data-state="overdue"[\s\S]*?SLA giai đoạn: Tiếp nhận/);
    expect(res.text).toContain('data-testid="clock-negotiationStart" data-state="pending"');
    // Timeline: entered by the officer, late highlighted.
    expect(res.text).toMatch(/data-testid="timeline-row" data-stage="intake" data-late="true"/);
    expect(res.text).toContain('Ngô Thị Tiếp Nhận');
    expect(res.text).toMatch(/class="late-text"[^>]*>trễ 2 giờ</);
    expect(res.text).toContain('Dòng một\nDòng hai');
  });

  it('offers only the transitions the role may take: intake officer, quality, auditor, CS director', async () => {
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'kh@example.vn' })).id });
    const forms = (html: string) => [...html.matchAll(/novalidate data-testid="transition-([a-z_]+)"/g)].map((m) => m[1]);

    const intake = await agentFor(['intake']);
    const asIntake = await intake.agent.get(`/complaints/${c.id}`);
    expect(forms(asIntake.text)).toEqual(['investigation']);
    expect(asIntake.text).toContain('data-testid="first-reply-form"');

    const quality = await agentFor(['quality']);
    const asQuality = await quality.agent.get(`/complaints/${c.id}`);
    expect(forms(asQuality.text)).toEqual(['investigation', 'on_hold']);
    expect(asQuality.text).toContain('Chuyển sang xác thực và điều tra');
    expect(asQuality.text).toContain('Tạm dừng hồ sơ');

    const auditor = await agentFor(['auditor']);
    const asAuditor = await auditor.agent.get(`/complaints/${c.id}`);
    expect(asAuditor.status).toBe(200);
    expect(forms(asAuditor.text)).toEqual([]);
    expect(asAuditor.text).not.toContain('data-testid="case-actions"');
    expect(asAuditor.text).not.toContain('data-testid="first-reply-form"');
    expect(asAuditor.text).not.toContain('data-testid="edit-link"');

    // In review, only the CS director decides.
    const director = await agentFor(['cs_director']);
    const q = quality.user;
    const actor = { userId: q.id, can: () => true };
    for (const to of ['investigation', 'solution', 'review'] as const) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      const fresh = (await Complaint.findByPk(c.id))!;
      await asActor(() => transitionCase(c.id, fresh.version, { to }, actor, ZONE));
    }
    // The director decides in the solution panel (approve / return with reasons), not with generic moves.
    const asDirector = (await director.agent.get(`/complaints/${c.id}`)).text;
    expect(forms(asDirector)).toEqual([]);
    expect(asDirector).toContain('data-testid="review-approve-form"');
    expect(asDirector).toContain('data-testid="review-return-form"');
    const inReview = (await quality.agent.get(`/complaints/${c.id}`)).text;
    expect(forms(inReview)).toEqual(['on_hold']);
    expect(inReview).not.toContain('data-testid="review-approve-form"');
    expect(forms((await intake.agent.get(`/complaints/${c.id}`)).text)).toEqual([]);
  });

  it('withholds a transition that other records must allow first, and says what they are', async () => {
    const c = await buildComplaint({ harm: 'serious_injury', customerId: (await buildCustomer({ email: 'kh@example.vn' })).id });
    const quality = await agentFor(['quality']);
    const actor = { userId: quality.user.id, can: () => true };
    for (const to of ['investigation', 'solution', 'review', 'response', 'follow_up'] as const) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      if (to === 'follow_up') await issueTestLetter(c.id, 'resolution');
      const fresh = (await Complaint.findByPk(c.id))!;
      await asActor(() => transitionCase(c.id, fresh.version, { to }, actor, ZONE));
    }
    const page = await quality.agent.get(`/complaints/${c.id}`);
    // Closing waits for the CEO's signed regulatory decision: a disabled button and the reason, no form.
    expect(page.text).not.toMatch(/novalidate data-testid="transition-closed"/);
    expect(page.text).toMatch(/data-testid="transition-closed" data-blocked="true">\s*<button type="button"[^>]*disabled/);
    expect(page.text).toContain('cần quyết định đã ký của Tổng giám đốc về báo cáo cơ quan chức năng trước khi đóng.');
    expect(page.text).toMatch(/novalidate data-testid="transition-on_hold"/);
  });

  it('moves a case through the page form', async () => {
    const { agent, user } = await agentFor(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'kh@example.vn' })).id });
    const page = await agent.get(`/complaints/${c.id}`);
    const res = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'investigation', version: String(c.version) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}`);
    const moved = (await Complaint.findByPk(c.id))!;
    expect(moved).toMatchObject({ status: 'investigation', acknowledgedVia: 'email' });
    const after = await agent.get(res.headers.location);
    expect(after.text).toContain('<p class="notice" role="status">Đã chuyển giai đoạn.</p>');
    expect(after.text).toMatch(/data-testid="timeline-row" data-stage="investigation"/);
    expect(after.text).toContain(user.name);
    expect(after.text).toMatch(/data-testid="clock-acknowledge" data-state="met"/);
  });

  it('lists what is missing, in Vietnamese, when a transition is refused', async () => {
    const { agent } = await agentFor(['intake']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: null })).id });
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.text).toMatch(/<select name="acknowledgedVia"/);
    const res = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'investigation', version: String(c.version), acknowledgedVia: '' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Chưa thể chuyển giai đoạn. Còn thiếu:');
    expect(res.text).toContain('<a href="#field-acknowledgedVia" data-testid="error-link">Đã xác nhận tiếp nhận với khách hàng qua</a>: Khách hàng không có email: cho biết đã xác nhận tiếp nhận qua kênh nào (điện thoại, trực tiếp, thư).</li>');
    expect(res.text).toMatch(/class="transition-form has-errors" novalidate data-testid="transition-investigation"/);
    expect(res.text).toMatch(/<select name="acknowledgedVia" aria-invalid="true">/);
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');

    const ok = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(res.text), to: 'investigation', version: String(c.version), acknowledgedVia: 'phone' });
    expect(ok.status).toBe(303);
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ status: 'investigation', acknowledgedVia: 'phone' });
  });

  it('records the time-barred decision from its checkbox, and says when it is missing', async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'a@b.vn' })).id, incidentDate: daysAgo(120) });
    const page = await agent.get(`/complaints/${c.id}`);
    const refused = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'investigation', version: String(c.version) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Khiếu nại đã quá thời hạn: cần quyết định chấp nhận xử lý hay trả lời quá hạn.');
    const ok = await agent
      .post(`/complaints/${c.id}/transitions`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), to: 'investigation', version: String(c.version), timeBarredDecision: 'accept' });
    expect(ok.status).toBe(303);
    expect((await Complaint.findByPk(c.id))!.timeBarredDecision).toBe('accept');
    expect((await agent.get(`/complaints/${c.id}`)).text).toContain('Quyết định đã ghi: Chấp nhận xử lý.');
  });

  it('closes feedback on the spot with the answer, which a blank note cannot do', async () => {
    const { agent } = await agentFor(['intake']);
    const c = await buildComplaint({ kind: 'feedback' });
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.text).toContain('Trả lời tại chỗ và đóng');
    const refused = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'closed', version: String(c.version), note: '  ' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Cần ghi nội dung (câu trả lời / ghi chú).');
    const ok = await agent
      .post(`/complaints/${c.id}/transitions`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), to: 'closed', version: String(c.version), note: 'Đã hướng dẫn khách thay lõi lọc.', acknowledgedVia: 'phone' });
    expect(ok.status).toBe(303);
    const closed = await agent.get(`/complaints/${c.id}`);
    expect(closed.text).toContain('Đã hướng dẫn khách thay lõi lọc.');
    expect(closed.text).not.toContain('data-testid="case-actions"');
    expect(closed.text).toMatch(/data-testid="clock-firstReply" data-state="met"/);
  });

  it('shows the localized conflict message for a stale version, and 403 for an edge the role may not take', async () => {
    const quality = await agentFor(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'kh@example.vn' })).id });
    const page = await quality.agent.get(`/complaints/${c.id}`);
    const stale = await quality.agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'investigation', version: String(c.version + 5) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang và thử lại.');
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');

    const auditor = await agentFor(['auditor']);
    const read = await auditor.agent.get(`/complaints/${c.id}`);
    const refused = await auditor.agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(read.text), to: 'investigation' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('data-testid="error-page"');
  });

  it('puts a case on hold with a reason: the stage clock shows paused and the hold is listed', async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint();
    const page = await agent.get(`/complaints/${c.id}`);
    const noReason = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'on_hold', version: String(c.version), reason: '' });
    expect(noReason.status).toBe(409);
    expect(noReason.text).toContain('Cần nêu lý do.');
    const res = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'on_hold', version: String(c.version), reason: 'Chờ nhà cung cấp gửi mẫu thử' });
    expect(res.status).toBe(303);
    expect(await ComplaintHold.count({ where: { complaintId: c.id } })).toBe(1);
    const held = await agent.get(`/complaints/${c.id}`);
    expect(held.text).toMatch(/data-testid="clock-stage" data-state="paused"[\s\S]*?Tạm dừng theo hồ sơ/);
    // The legal clocks keep running.
    expect(held.text).toMatch(/data-testid="clock-resolution" data-state="pending"/);
    expect(held.text).toContain('data-testid="holds"');
    expect(held.text).toContain('Chờ nhà cung cấp gửi mẫu thử');
    expect(held.text).toContain('Tiếp tục xử lý (Tiếp nhận)');
  });

  it('records the first written reply through the page', async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint({ receivedAt: new Date(Date.now() - 3600_000) });
    const page = await agent.get(`/complaints/${c.id}`);
    const missing = await agent.post(`/complaints/${c.id}/first-reply`).type('form').send({ _csrf: csrfFrom(page.text), version: String(c.version), via: '', at: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/<select name="via" aria-invalid="true">/);
    expect(missing.text).toContain('Vui lòng nhập hoặc chọn trường này.');

    const at = DateTime.now().setZone(ZONE).minus({ minutes: 5 }).toFormat("yyyy-MM-dd'T'HH:mm");
    const res = await agent.post(`/complaints/${c.id}/first-reply`).type('form').send({ _csrf: csrfFrom(page.text), version: String(c.version), via: 'post', at, note: 'Thư số 12/CSKH' });
    expect(res.status).toBe(303);
    const saved = (await Complaint.findByPk(c.id))!;
    expect(saved.firstReplyVia).toBe('post');
    expect(DateTime.fromJSDate(saved.firstRepliedAt!, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(at);
    const after = await agent.get(`/complaints/${c.id}`);
    expect(after.text).toContain('Đã ghi nhận phản hồi bằng văn bản đầu tiên.');
    expect(after.text).toMatch(/data-testid="clock-firstReply" data-state="met"[\s\S]*?Bưu điện/);
    expect(after.text).not.toContain('data-testid="first-reply-form"');
  });

  it('edits the classification with the same schema and recomputes the flags', async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint({ severity: 'low' });
    const form = await agent.get(`/complaints/${c.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="low" selected>');
    const fields = {
      _csrf: csrfFrom(form.text),
      version: String(c.version),
      channel: 'email',
      incidentDate: c.incidentDate,
      category: c.category,
      subject: 'Tiêu đề đã chỉnh',
      description: c.description,
      severity: 'critical',
      harm: 'serious_injury',
    };
    const bad = await agent.post(`/complaints/${c.id}/edit`).type('form').send({ ...fields, subject: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/name="subject"[^>]*aria-invalid="true"/);
    const res = await agent.post(`/complaints/${c.id}/edit`).type('form').send(fields);
    expect(res.status).toBe(303);
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ subject: 'Tiêu đề đã chỉnh', severity: 'critical', channel: 'email', regulatoryReviewRequired: true });
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.text).toContain('data-testid="flag-regulatory"');
  });

  it("lists the customer's earlier entries and what a recurrence matched", async () => {
    const { agent } = await agentFor(['legal']);
    const customer = await buildCustomer();
    const first = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 86_400_000), subject: 'Lần đầu phản ánh' });
    const second = await buildComplaint({ customerId: customer.id });
    expect(second.recurring).toBe(true);
    const res = await agent.get(`/complaints/${second.id}`);
    expect(res.text).toContain('data-testid="flag-recurring"');
    expect(res.text).toMatch(new RegExp(`<a href="/complaints/${first.id}">${first.reference}</a>`));
    expect(res.text).toContain('Lần đầu phản ánh');
    expect(res.text).toContain('cùng khách hàng');
  });

  it('says why a case recurs: "cùng lô L-77 với KN-…" linking the earlier case, in both languages', async () => {
    const { agent } = await agentFor(['quality']);
    const earlierLot = await buildComplaint({ receivedAt: new Date(Date.now() - 2 * 86_400_000), productRef: 'AST-P1', lotRef: 'L-77' });
    const earlierSupplier = await buildComplaint({ receivedAt: new Date(Date.now() - 86_400_000), productRef: 'AST-P2', supplierRef: 'NCC-Sao-Mai' });
    const c = await buildComplaint({ productRef: 'AST-P3', lotRef: 'L-77', supplierRef: 'NCC-Sao-Mai' });
    expect(c.recurring).toBe(true);
    const res = await agent.get(`/complaints/${c.id}`);
    const matches = [...res.text.matchAll(/<li data-testid="recurrence-match">([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/\s+/g, ' ').trim());
    expect(matches).toEqual([
      expect.stringMatching(new RegExp(`^cùng nhà cung cấp NCC-Sao-Mai với <a href="/complaints/${earlierSupplier.id}">${earlierSupplier.reference}</a>`)),
      expect.stringMatching(new RegExp(`^cùng lô L-77 với <a href="/complaints/${earlierLot.id}">${earlierLot.reference}</a>`)),
    ]);
    // The earlier-entries table says the same for each.
    expect(res.text).toMatch(new RegExp(`<a href="/complaints/${earlierLot.id}">${earlierLot.reference}</a>[\\s\\S]*?cùng lô L-77</td>`));
    const en = await agent.get(`/complaints/${c.id}?lang=en`);
    expect(en.text).toMatch(new RegExp(`same lot L-77 as <a href="/complaints/${earlierLot.id}">${earlierLot.reference}</a>`));
    expect(en.text).toMatch(new RegExp(`same supplier NCC-Sao-Mai as <a href="/complaints/${earlierSupplier.id}">${earlierSupplier.reference}</a>`));
  });

  it('does not offer "by email" for a customer without an address, in the transition and first-reply forms', async () => {
    const { agent } = await agentFor(['quality']);
    const select = (html: string, form: string, name: string) => new RegExp(`data-testid="${form}"[\\s\\S]*?<select name="${name}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
    const noEmail = await buildComplaint({ customerId: (await buildCustomer({ email: null })).id });
    const page = await agent.get(`/complaints/${noEmail.id}`);
    const ack = select(page.text, 'transition-investigation', 'acknowledgedVia');
    const reply = select(page.text, 'first-reply-form', 'via');
    expect(ack).toContain('value="phone"');
    expect(reply).toContain('value="post"');
    expect(ack).not.toContain('value="email"');
    expect(reply).not.toContain('value="email"');
    // Posted anyway, the refusal names the field next to it.
    const refused = await agent.post(`/complaints/${noEmail.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'investigation', acknowledgedVia: 'email', version: String(noEmail.version) });
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(/<select name="acknowledgedVia" aria-invalid="true"/);
    expect(refused.text).toContain('Khách hàng không có địa chỉ email');
    expect((await Complaint.findByPk(noEmail.id))!.status).toBe('intake');

    const withEmail = await buildComplaint({ customerId: (await buildCustomer({ email: 'thu@example.vn' })).id });
    const other = await agent.get(`/complaints/${withEmail.id}`);
    expect(select(other.text, 'transition-investigation', 'acknowledgedVia')).toContain('value="email"');
    expect(select(other.text, 'first-reply-form', 'via')).toContain('value="email"');
  });

  it('offers only active quality users as assignees, on the intake and the edit form', async () => {
    const { agent } = await agentFor(['quality']);
    const handler = await buildUser({ roles: ['quality'], name: 'Đặng Thị Xử Lý' });
    const sysadmin = await buildUser({ roles: ['sysadmin'], name: 'Vũ Văn Quản Trị' });
    const officer = await buildUser({ roles: ['intake'], name: 'Lý Thị Tiếp Nhận' });
    const retired = await buildUser({ roles: ['quality'], name: 'Hà Văn Nghỉ', active: false });
    const c = await buildComplaint();
    for (const path of ['/complaints/new', `/complaints/${c.id}/edit`]) {
      const res = await agent.get(path);
      expect(res.status).toBe(200);
      const options = /<select name="assigneeId"[\s\S]*?<\/select>/.exec(res.text)?.[0] ?? '';
      expect(options).toContain(`value="${handler.id}"`);
      for (const u of [sysadmin, officer, retired]) expect(options).not.toContain(u.id);
    }
    // Posted anyway, the edit form says so next to the field.
    const form = await agent.get(`/complaints/${c.id}/edit`);
    const refused = await agent.post(`/complaints/${c.id}/edit`).type('form').send({
      _csrf: csrfFrom(form.text), version: String(c.version), channel: c.channel, incidentDate: c.incidentDate, category: c.category, subject: c.subject, description: c.description, severity: c.severity, harm: c.harm, assigneeId: sysadmin.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/<select name="assigneeId"[^>]*aria-invalid="true"/);
    expect((await Complaint.findByPk(c.id))!.assigneeId).toBeNull();
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const { agent } = await agentFor(['quality']);
    expect((await agent.get('/complaints/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await agent.get('/complaints/not-a-uuid')).status).toBe(404);
  });

  it('switches to English completely', async () => {
    const { agent } = await agentFor(['quality']);
    const c = await buildComplaint();
    const res = await agent.get(`/complaints/${c.id}?lang=en`);
    expect(res.text).toContain('Stage timeline');
    expect(res.text).toContain('First written reply (48 h)');
    expect(res.text).toContain('Move to investigation');
    expect(res.text).not.toMatch(/(case|clock|stage|enum)\.[a-zA-Z_]+\.[a-zA-Z_]+/);
    const form = await agent.get('/complaints/new');
    expect(form.text).toContain('Log a complaint or feedback');
    // The footer's language link lands on the queue with ?lang= only: not a filter, not an error.
    const queue = await agent.get('/complaints?lang=en');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('Earliest deadline first');
    expect((await agent.get('/customers?lang=vi')).status).toBe(200);
  });
});

describe('home page figures', () => {
  const stat = (html: string, key: string) => Number(new RegExp(`data-testid="stat-${key.replace(/\./g, '\\.')}">(\\d+)<`).exec(html)?.[1] ?? NaN);

  it('counts what the intake officer watches, with links into the queue', async () => {
    const { agent } = await agentFor(['intake']);
    const before = await agent.get('/');
    const today = stat(before.text, 'queue.figures.loggedToday');
    const inIntake = stat(before.text, 'queue.figures.inIntake');
    const ackLate = stat(before.text, 'queue.figures.acknowledgeOverdue');
    expect([today, inIntake, ackLate].every(Number.isFinite)).toBe(true);
    await buildComplaint();
    await buildComplaint({ receivedAt: new Date(Date.now() - 2 * 3600_000) });
    const after = await agent.get('/');
    expect(stat(after.text, 'queue.figures.inIntake')).toBe(inIntake + 2);
    expect(stat(after.text, 'queue.figures.acknowledgeOverdue')).toBe(ackLate + 1);
    expect(stat(after.text, 'queue.figures.loggedToday')).toBeGreaterThanOrEqual(today + 1);
    expect(decode(after.text)).toContain('href="/complaints?status=intake&overdue=true"');
    expect(after.text).toContain('href="/complaints/new"');
  });

  it('counts open, overdue, on hold and in-work cases for quality; review for the CS director; disputes and regulatory for the others', async () => {
    const quality = await agentFor(['quality']);
    const director = await agentFor(['cs_director']);
    const ceo = await agentFor(['ceo']);
    const read = async () => {
      const [q, d, c] = await Promise.all([quality.agent.get('/'), director.agent.get('/'), ceo.agent.get('/')]);
      return {
        open: stat(q.text, 'queue.figures.open'),
        overdue: stat(q.text, 'queue.figures.overdue'),
        onHold: stat(q.text, 'queue.figures.onHold'),
        inWork: stat(q.text, 'queue.figures.inWork'),
        review: stat(d.text, 'queue.figures.awaitingReview'),
        regulatory: stat(c.text, 'queue.figures.regulatoryOpen'),
        disputed: stat(c.text, 'queue.figures.disputed'),
      };
    };
    const before = await read();
    const actor = { userId: quality.user.id, can: () => true };
    const move = async (id: string, to: 'investigation' | 'solution' | 'review' | 'on_hold', reason?: string) => {
      if (to === 'solution') await recordTestFindings(id);
      if (to === 'review') await proposeTestSolution(id);
      const fresh = (await Complaint.findByPk(id))!;
      await asActor(() => transitionCase(id, fresh.version, { to, reason, acknowledgedVia: 'phone' }, actor, ZONE));
    };
    const held = await buildComplaint();
    await move(held.id, 'on_hold', 'Chờ khách hàng');
    const working = await buildComplaint();
    await move(working.id, 'investigation');
    const reviewed = await buildComplaint({ harm: 'serious_injury', receivedAt: new Date(Date.now() - 3 * 3600_000) });
    for (const to of ['investigation', 'solution', 'review'] as const) await move(reviewed.id, to);
    const after = await read();
    expect(after.open).toBe(before.open + 3);
    expect(after.onHold).toBe(before.onHold + 1);
    expect(after.inWork).toBe(before.inWork + 1);
    expect(after.review).toBe(before.review + 1);
    expect(after.regulatory).toBe(before.regulatory + 1);
    expect(after.disputed).toBe(before.disputed);
    expect(after.overdue).toBeGreaterThanOrEqual(before.overdue);
    expect(decode((await director.agent.get('/')).text)).toContain('href="/complaints?status=review"');
  });

  it("keeps the auditor's audit figures and adds this year's entries", async () => {
    const { agent } = await agentFor(['auditor']);
    const before = stat((await agent.get('/')).text, 'queue.figures.loggedThisYear');
    await buildComplaint();
    const page = await agent.get('/');
    expect(stat(page.text, 'queue.figures.loggedThisYear')).toBe(before + 1);
    expect(page.text).toContain('data-testid="stat-stats.auditEvents"');
    expect(page.text).toContain('data-testid="stat-stats.auditChains"');
  });
});

describe('case page transitions: 403 before 409', () => {
  it('answers an auditor who posts a transition with 403, not with the state of the case', async () => {
    const { agent } = await agentFor(['auditor']);
    const c = await buildComplaint();
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.status).toBe(200);
    const res = await agent.post(`/complaints/${c.id}/transitions`).type('form').send({ _csrf: csrfFrom(page.text), to: 'closed', version: String(c.version + 3) });
    expect(res.status).toBe(403);
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');
  });
});
