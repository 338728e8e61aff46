import { DateTime } from 'luxon';
import { Meeting, MeetingAssignment } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildUser, sealCase } from '../support/factories';

const t = useTestApp();

type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const ZONE = 'Asia/Ho_Chi_Minh';
/** A `datetime-local` value `hours` from now in the organisation's zone. */
const localIn = (hours: number) => DateTime.now().setZone(ZONE).plus({ hours }).toFormat("yyyy-MM-dd'T'HH:mm");

async function submit(agent: Agent, id: string, fields: Record<string, string | string[]>, query = '') {
  const form = await agent.get(`/complaints/${id}/meetings/new${query}`).query({ lang: 'vi' });
  expect(form.status).toBe(200);
  return agent.post(`/complaints/${id}/meetings/new`).type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

const casePage = async (agent: Agent, id: string) => decoded((await agent.get(`/complaints/${id}`).query({ lang: 'vi' })).text);

let hoa: Awaited<ReturnType<typeof buildUser>>;
beforeAll(async () => {
  hoa = await buildUser({ roles: ['dept_head'], name: 'Nguyễn Thị Hoa' });
});

const fields = (extra: Record<string, string | string[]> = {}) => ({
  heldAt: localIn(-2),
  attendeeIds: [hoa.id],
  attendeeNames: 'P.KD\nKho\n',
  agenda: 'Rò rỉ máy lọc nước lô L-2611.',
  minutes: 'Kho xác nhận đóng gói thiếu xốp chèn góc.',
  decisions: 'Đổi trả 20 thùng cho khách.',
  'assignments.0.assigneeId': hoa.id,
  'assignments.0.task': 'Đổi trả 20 thùng cho đại lý',
  'assignments.0.dueAt': localIn(72),
  'assignments.1.assigneeId': '',
  'assignments.1.task': '',
  'assignments.1.dueAt': '',
  'assignments.2.assigneeId': '',
  'assignments.2.task': '',
  'assignments.2.dueAt': '',
  ...extra,
});

/** A case with a meeting recorded through the form by a new quality user (returned). */
async function withMeeting(overrides: Parameters<typeof buildComplaint>[0] = {}) {
  const quality = await signedInAgent(t.app, ['quality']);
  const c = await buildComplaint(overrides);
  const res = await submit(quality.agent, c.id, fields());
  expect(res.status).toBe(303);
  const meeting = await Meeting.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
  return { c, meeting, quality };
}

async function approveByForm(agent: Agent, complaintId: string, meetingId: string) {
  const page = await agent.get(`/complaints/${complaintId}`).query({ lang: 'vi' });
  const form = new RegExp(`action="/meetings/${meetingId}/approve"[\\s\\S]*?name="version" value="(\\d+)"`).exec(page.text);
  expect(form).not.toBeNull();
  return agent.post(`/meetings/${meetingId}/approve`).type('form').send({ _csrf: csrfFrom(page.text), version: form![1] });
}

describe('the meetings on the case page', () => {
  it('makes a case with safety impact ask for a meeting, and offers the form to quality only', async () => {
    const c = await buildComplaint({ safetyImpact: true });
    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    const page = await casePage(quality, c.id);
    expect(page).toContain('data-testid="meetings-panel"');
    expect(page).toContain('data-testid="meetings-required"');
    expect(page).toContain('Cần họp các bộ phận liên quan');
    expect(page).toContain(`href="/complaints/${c.id}/meetings/new" data-testid="meetings-record-required"`);

    const { agent: director } = await signedInAgent(t.app, ['cs_director']);
    const seen = await casePage(director, c.id);
    expect(seen).toContain('Cần họp các bộ phận liên quan');
    expect(seen).not.toContain('/meetings/new');
    expect((await director.get(`/complaints/${c.id}/meetings/new`)).status).toBe(403);

    // An ordinary case: no notice, a quiet "no meeting yet".
    const plain = await casePage(quality, (await buildComplaint()).id);
    expect(plain).not.toContain('data-testid="meetings-required"');
    expect(plain).toContain('Chưa có cuộc họp nào.');
    expect(plain).toContain('data-testid="meetings-record"');
  });

  it('records through the form: 303 back to the case with a notice and the meeting shown, its draft approved by the form', async () => {
    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint({ brandImpact: true });
    const res = await submit(quality, c.id, fields());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#meetings`);
    const page = await casePage(quality, c.id);
    expect(page).toContain('Đã lưu biên bản cuộc họp (bản nháp).');
    expect(page).not.toContain('data-testid="meetings-required"');
    expect(page).toContain('data-testid="meeting-attendees">Nguyễn Thị Hoa, P.KD, Kho</dd>');
    expect(page).toContain('Rò rỉ máy lọc nước lô L-2611.');
    expect(page).toContain('Kho xác nhận đóng gói thiếu xốp chèn góc.');
    expect(page).toContain('Đổi trả 20 thùng cho khách.');
    expect(page).toContain('<td data-label="Công việc">Đổi trả 20 thùng cho đại lý</td>');
    expect(page).toContain('data-status="draft">Bản nháp</span>');
    const meeting = await Meeting.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(page).toContain(`href="/api/v1/meetings/${meeting.id}/minutes.pdf"`);
    expect(await MeetingAssignment.count({ where: { meetingId: meeting.id } })).toBe(1);
    // The time typed is the organisation's wall-clock time.
    expect(DateTime.fromJSDate(meeting.heldAt, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(fields().heldAt);

    // A reader who may not approve sees no form; the director approves it from the page.
    const { agent: head } = await signedInAgent(t.app, ['dept_head']);
    expect(await casePage(head, c.id)).not.toContain('data-testid="meeting-approve"');
    const { agent: director } = await signedInAgent(t.app, ['cs_director']);
    const approved = await approveByForm(director, c.id, meeting.id);
    expect(approved.status).toBe(303);
    expect(approved.headers.location).toBe(`/complaints/${c.id}#meeting-${meeting.id}`);
    const after = await casePage(director, c.id);
    expect(after).toContain('Đã duyệt biên bản cuộc họp.');
    expect(after).toContain('data-status="approved">Đã duyệt</span>');
    expect(after).not.toContain('data-testid="meeting-approve"');
    // The director records no meetings: no "correct" link for them; quality gets it.
    expect(after).not.toContain('data-testid="meeting-correct"');
    expect(await casePage(quality, c.id)).toContain(`href="/complaints/${c.id}/meetings/new?supersedes=${meeting.id}" data-testid="meeting-correct"`);

    // Approving again (a stale page): a notice, not an error page.
    const again = await director.post(`/meetings/${meeting.id}/approve`).type('form').send({ _csrf: csrfFrom((await director.get(`/complaints/${c.id}`)).text), version: '0' });
    expect(again.status).toBe(303);
    expect(await casePage(director, c.id)).toContain('Biên bản này đã được duyệt.');
  });

  it('gives a refused form back with every typed value and the fields to fix', async () => {
    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    const res = await submit(
      quality,
      c.id,
      fields({ attendeeIds: [], attendeeNames: '', minutes: '', 'assignments.1.task': 'Việc thiếu người làm', 'assignments.1.dueAt': localIn(24) }),
    );
    expect(res.status).toBe(400);
    const html = decoded(res.text);
    expect(html).toContain('data-testid="form-errors"');
    expect(html).toContain('Cần ít nhất một người dự họp.');
    expect(html).toMatch(/id="field-minutes" aria-invalid="true">/);
    expect(html).toMatch(/id="field-assignments-1-assigneeId" aria-invalid="true"/);
    expect(html).toContain('Cần nêu đủ người thực hiện, công việc và hạn');
    // What was typed comes back.
    expect(html).toContain('Rò rỉ máy lọc nước lô L-2611.</textarea>');
    expect(html).toContain('Việc thiếu người làm</textarea>');
    expect(html).toContain('Đổi trả 20 thùng cho đại lý</textarea>');
    expect(html).toContain(`<option value="${hoa.id}" selected>`);
    expect(await Meeting.count({ where: { complaintId: c.id } })).toBe(0);

    // What the command refuses (a meeting in the future) comes back the same way.
    const future = localIn(48);
    const later = decoded((await submit(quality, c.id, fields({ heldAt: future }))).text);
    expect(later).toMatch(/id="field-heldAt" aria-invalid="true"/);
    expect(later).toContain('Thời gian họp không thể ở tương lai.');
    expect(later).toContain(`name="heldAt" value="${future}"`);
    expect(later).toContain('P.KD\nKho\n</textarea>');
    expect(await Meeting.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('corrects approved minutes: the form opens prefilled from them, and the new draft supersedes them', async () => {
    const { c, meeting, quality } = await withMeeting();
    expect((await approveByForm(quality.agent, c.id, meeting.id)).status).toBe(303);
    const form = decoded((await quality.agent.get(`/complaints/${c.id}/meetings/new`).query({ supersedes: meeting.id, lang: 'vi' })).text);
    expect(form).toContain('Đính chính biên bản cuộc họp');
    expect(form).toContain(`name="supersedes" value="${meeting.id}"`);
    expect(form).toContain(`name="attendeeIds" value="${hoa.id}" checked`);
    expect(form).toContain('P.KD\nKho</textarea>');
    expect(form).toContain('Kho xác nhận đóng gói thiếu xốp chèn góc.</textarea>');
    expect(form).toContain('Đổi trả 20 thùng cho đại lý</textarea>');
    expect(form).toContain(`<option value="${hoa.id}" selected>`);

    const res = await submit(quality.agent, c.id, fields({ supersedes: meeting.id, decisions: 'Đổi trả 20 thùng trong 3 ngày.' }), `?supersedes=${meeting.id}`);
    expect(res.status).toBe(303);
    const fix = await Meeting.findOne({ where: { supersedes: meeting.id }, rejectOnEmpty: true });
    expect(fix.status).toBe('draft');
    const page = await casePage(quality.agent, c.id);
    expect(page).toContain('data-status="superseded">Đã được thay thế</span>');
    expect(page).toContain('Đổi trả 20 thùng trong 3 ngày.');
    // Corrected once: the old minutes can no longer be corrected; the form says so.
    const twice = await quality.agent.get(`/complaints/${c.id}/meetings/new`).query({ supersedes: meeting.id });
    expect(twice.status).toBe(303);
    expect((await quality.agent.get(`/complaints/${c.id}/meetings/new`).query({ supersedes: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('sends a sealed case back to its page with a notice', async () => {
    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    await sealCase(c.id);
    const res = await quality.get(`/complaints/${c.id}/meetings/new`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#meetings`);
  });
});

describe('the task list on the home page', () => {
  it("shows an approved meeting's assignment to its assignee only, with the case and the time left", async () => {
    const { agent: assignee, user } = await signedInAgent(t.app, ['dept_head'], { name: 'Lý Thị Nhận' });
    const quality = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    const res = await submit(quality.agent, c.id, fields({ 'assignments.0.assigneeId': user.id, 'assignments.0.dueAt': localIn(50), 'assignments.1.assigneeId': user.id, 'assignments.1.task': 'Gọi lại cho khách', 'assignments.1.dueAt': localIn(5) }));
    expect(res.status).toBe(303);
    const meeting = await Meeting.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });

    // A draft's tasks are not yet anyone's.
    expect((await assignee.get('/').query({ lang: 'vi' })).text).not.toContain('data-testid="home-tasks"');
    await approveByForm(quality.agent, c.id, meeting.id);

    const home = decoded((await assignee.get('/').query({ lang: 'vi' })).text);
    expect(home).toContain('Việc được giao cho bạn');
    const rows = home.split('data-testid="home-task"').slice(1);
    expect(rows).toHaveLength(2);
    // Soonest due first.
    expect(rows[0]).toContain('Gọi lại cho khách');
    expect(rows[0]).toContain('còn 4 giờ');
    expect(rows[1]).toContain('Đổi trả 20 thùng cho đại lý');
    expect(rows[1]).toContain('còn 2 ngày');
    expect(rows[0]).toContain(`href="/complaints/${c.id}#meeting-${meeting.id}">${c.reference}</a>`);

    // Someone else's home page shows no list.
    expect((await quality.agent.get('/').query({ lang: 'vi' })).text).not.toContain('data-testid="home-tasks"');
  });
});
