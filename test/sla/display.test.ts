import { sequelize } from '../../src/db';
import { SlaSweepJob } from '../../src/jobs/slaSweepJob';
import { manualTick } from '../../src/jobs/CronJob';
import * as clock from '../../src/lib/clock';
import { AuditEvent, Setting, type Complaint, type User } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { useFixedClock, useTestClock } from '../support/clock';
import { buildComplaint, buildDepartment, buildUser, signedIn } from '../support/factories';

const t = useTestApp();
useTestClock();

const MIN = 60_000;
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

async function sweep() {
  await sequelize().query("DELETE FROM job_runs WHERE job = 'sla-sweep'");
  expect(await new SlaSweepJob().run(manualTick(clock.now()))).toMatchObject({ ran: true, status: 'succeeded' });
}

/** The queue row of `c` on the queue page. */
function rowOf(html: string, c: Complaint): string {
  const at = html.indexOf(`data-reference="${c.reference}"`);
  expect(at).toBeGreaterThan(-1);
  return html.slice(at, html.indexOf('</tr>', at));
}

describe('breaches on the queue and the case page', () => {
  let handler: User;
  let breached: Complaint;
  let near: Complaint;
  let fine: Complaint;
  let quality: Agent;

  beforeAll(async () => {
    // Acknowledgment and intake stage: 1 h (the seeded default). Three cases received 95, 50 and 10 minutes before "now".
    const now = new Date('2026-11-16T10:00:00+07:00');
    const dept = await buildDepartment({ name: 'Phòng Kỹ thuật' });
    handler = await buildUser({ roles: ['quality'], departmentId: dept.id, name: 'Phạm Minh Tuấn' });
    useFixedClock(now.getTime() - 95 * MIN);
    breached = await buildComplaint({ receivedAt: clock.now(), incidentDate: '2026-11-15', assigneeId: handler.id });
    useFixedClock(now.getTime() - 50 * MIN);
    near = await buildComplaint({ receivedAt: clock.now(), incidentDate: '2026-11-15', assigneeId: handler.id });
    useFixedClock(now.getTime() - 10 * MIN);
    fine = await buildComplaint({ receivedAt: clock.now(), incidentDate: '2026-11-15' });
    useFixedClock(now);
    await sweep();
    quality = (await signedInAgent(t.app, ['quality'])).agent;
  });

  it('badges the queue rows in breach with their highest level, and no other row', async () => {
    useFixedClock(new Date('2026-11-16T10:00:00+07:00'));
    const page = await quality.get('/complaints').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = decoded(page.text);
    expect(rowOf(html, breached)).toContain('data-testid="queue-breach" data-level="150"');
    expect(rowOf(html, breached)).toContain('Quá hạn, đã chuyển cấp');
    expect(rowOf(html, near)).toContain('data-testid="queue-breach" data-level="80"');
    expect(rowOf(html, near)).toContain('Sắp quá hạn (80%)');
    expect(rowOf(html, fine)).not.toContain('queue-breach');
    const en = decoded((await quality.get('/complaints').query({ lang: 'en' })).text);
    expect(rowOf(en, breached)).toContain('Breached, escalated');
  });

  it('lists the breaches on the case page with level, clock, stage, who held it and when, and in the API', async () => {
    const page = await quality.get(`/complaints/${breached.id}`).query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = decoded(page.text);
    const at = html.indexOf('data-testid="sla-breaches"');
    expect(at).toBeGreaterThan(-1);
    const block = html.slice(at, html.indexOf('</section>', at));
    expect(block).toContain('Vi phạm SLA');
    const rows = [...block.matchAll(/<tr data-testid="sla-breach" data-level="(\d+)" data-clock="(\w+)"/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(rows.sort()).toEqual(['acknowledge:100', 'acknowledge:150', 'acknowledge:80', 'stage:100', 'stage:150', 'stage:80']);
    expect(block).toContain('150% — chuyển cấp');
    expect(block).toContain('Xác nhận tiếp nhận');
    expect(block).toContain('Phạm Minh Tuấn');
    expect(block).toContain('Phòng Kỹ thuật');
    expect(block).toContain('Tiếp nhận');
    // The instant in the organisation's zone: received 08:25, 80 % at 09:13 local.
    expect(block).toContain('09:13');

    const none = decoded((await quality.get(`/complaints/${fine.id}`).query({ lang: 'vi' })).text);
    expect(none).not.toContain('data-testid="sla-breaches"');

    const { auth } = await signedIn(['quality']);
    const api = await t.request().get(`/api/v1/complaints/${breached.id}`).set(auth);
    expect(api.status).toBe(200);
    expect(api.body.slaBreaches).toHaveLength(6);
    expect(api.body.slaBreaches[0]).toMatchObject({ level: 150, stage: 'intake', heldBy: { id: handler.id, name: 'Phạm Minh Tuấn' }, department: 'Phòng Kỹ thuật' });
    expect((await t.request().get(`/api/v1/complaints/${fine.id}`).set(auth)).body.slaBreaches).toEqual([]);
  });
});

describe('the quality_leads setting', () => {
  const put = (body: object, auth?: Record<string, string>) => {
    const req = t.request().put('/api/v1/settings/quality_leads');
    return (auth ? req.set(auth) : req).send(body);
  };

  it('answers 401 without credentials and 403 for quality, and changes nothing', async () => {
    const lead = await buildUser({ roles: ['quality'] });
    expect((await put({ value: { userIds: [lead.id] } })).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    const res = await put({ value: { userIds: [lead.id] } }, auth);
    expect(res.status).toBe(403);
    expect(await Setting.findByPk('quality_leads')).toBeNull();
  });

  it('stores active users, each once and sorted (audited); refuses a stale version (409), an unknown or inactive user and a malformed id (400)', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const a = await buildUser({ roles: ['quality'] });
    const b = await buildUser({ roles: ['cs_director'] });
    const ok = await put({ value: { userIds: [b.id, a.id, b.id] }, version: 0 }, auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ key: 'quality_leads', value: { userIds: [a.id, b.id].sort() } });
    expect(await AuditEvent.count({ where: { entityType: 'Setting', entityId: 'quality_leads' } })).toBeGreaterThanOrEqual(1);

    const again = await put({ value: { userIds: [b.id] }, version: ok.body.version }, auth);
    expect(again.status).toBe(200);
    const stale = await put({ value: { userIds: [a.id, b.id] }, version: ok.body.version }, auth);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');

    const inactive = await buildUser({ roles: ['quality'], active: false });
    const bad = await put({ value: { userIds: [a.id, inactive.id] }, version: again.body.version }, auth);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'value.userIds.1' })]);
    const unknown = await put({ value: { userIds: ['00000000-0000-4000-8000-000000000000'] } }, auth);
    expect(unknown.status).toBe(400);
    const malformed = await put({ value: { userIds: ['nobody'] } }, auth);
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('validation_failed');
    expect(((await Setting.findByPk('quality_leads', { rejectOnEmpty: true })).value as { userIds: string[] }).userIds).toEqual([b.id]);
  });

  it('is a form of the settings page: the quality officers as checkboxes, saved, an inactive choice refused with the form kept', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const officer = await buildUser({ roles: ['quality'], name: 'Đặng Thu Trang' });
    const page = await agent.get('/admin/settings').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = decoded(page.text);
    const at = html.indexOf('data-testid="quality-leads-form"');
    expect(at).toBeGreaterThan(-1);
    const form = html.slice(at, html.indexOf('</form>', at));
    expect(html).toContain('Trưởng nhóm chất lượng');
    expect(form).toContain(`value="${officer.id}"`);
    expect(form).toContain('Đặng Thu Trang');
    const version = /name="version" value="(\d+)"/.exec(form)![1];

    const saved = await agent.post('/admin/settings/quality_leads').query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page.text), version, userIds: officer.id });
    expect(saved.status).toBe(303);
    expect(((await Setting.findByPk('quality_leads', { rejectOnEmpty: true })).value as { userIds: string[] }).userIds).toEqual([officer.id]);
    const after = decoded((await agent.get('/admin/settings').query({ lang: 'vi' })).text);
    expect(after).toMatch(new RegExp(`value="${officer.id}" checked`));

    const gone = await buildUser({ roles: ['quality'], active: false });
    const current = (await Setting.findByPk('quality_leads', { rejectOnEmpty: true })).version;
    const refused = await agent.post('/admin/settings/quality_leads').query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(after), version: String(current), userIds: [officer.id, gone.id] });
    expect(refused.status).toBe(400);
    const refusedHtml = decoded(refused.text);
    expect(refusedHtml).toContain('data-testid="form-errors"');
    expect(refusedHtml).toContain('Mỗi người được chọn phải là người dùng đang hoạt động.');
  });
});
