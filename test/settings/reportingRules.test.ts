import { AuditEvent, Setting } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { signedIn } from '../support/factories';

const t = useTestApp();

type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

/** The reporting rules form of the settings page, as HTML. */
function formOf(html: string): string {
  const start = html.indexOf('data-testid="reporting-rules-form"');
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</form>', start));
}
/** The value and the field error of the input `name` in the form. */
function input(form: string, name: string): { value: string; error: string; invalid: boolean } {
  const at = form.indexOf(`name="${name}"`);
  expect(at).toBeGreaterThan(-1);
  const tag = form.slice(at, form.indexOf('>', at));
  const rest = form.slice(at, form.indexOf('</label>', at));
  return { value: /value="([^"]*)"/.exec(tag)?.[1] ?? '', error: /class="field-error">([^<]*)</.exec(rest)?.[1] ?? '', invalid: tag.includes('aria-invalid="true"') };
}

const fields = (extra: Record<string, string> = {}) => ({
  jurisdiction: 'VN',
  'days.public_health_threat': '3',
  'days.death_or_serious_injury': '7',
  'days.other_reportable': '30',
  ...extra,
});

async function post(agent: Agent, body: Record<string, string>) {
  const page = await agent.get('/admin/settings').query({ lang: 'vi' });
  return agent.post('/admin/settings/reporting_rules').query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page.text), ...body });
}

describe('/admin/settings: the reporting rules form', () => {
  let admin: Agent;
  beforeAll(async () => {
    admin = (await signedInAgent(t.app, ['sysadmin'])).agent;
  });

  it('shows the defaults (2 / 10 / 15 days) with the categories in Vietnamese, saves the form (audited), and shows the saved days', async () => {
    const page = await admin.get('/admin/settings').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const form = formOf(decoded(page.text));
    expect(decoded(page.text)).toContain('Thời hạn báo cáo cơ quan chức năng');
    for (const label of ['Đe dọa sức khỏe cộng đồng', 'Tử vong hoặc thương tích nghiêm trọng', 'Sự cố khác phải báo cáo']) expect(form).toContain(label);
    expect(input(form, 'jurisdiction').value).toBe('default');
    expect([input(form, 'days.public_health_threat').value, input(form, 'days.death_or_serious_injury').value, input(form, 'days.other_reportable').value]).toEqual(['2', '10', '15']);

    const saved = await post(admin, { version: '0', ...fields({ jurisdiction: '  Việt Nam  ' }) });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/settings');
    const row = await Setting.findByPk('reporting_rules', { rejectOnEmpty: true });
    expect(row.value).toEqual({ jurisdiction: 'Việt Nam', days: { public_health_threat: 3, death_or_serious_injury: 7, other_reportable: 30 } });
    expect(await AuditEvent.count({ where: { entityType: 'Setting', entityId: 'reporting_rules' } })).toBeGreaterThanOrEqual(1);

    const after = formOf(decoded((await admin.get('/admin/settings').query({ lang: 'vi' })).text));
    expect(input(after, 'jurisdiction').value).toBe('Việt Nam');
    expect(input(after, 'days.other_reportable').value).toBe('30');
    expect(/name="version" value="(\d+)"/.exec(after)?.[1]).toBe(String(row.version));
  });

  it('refuses days below 1, blank, fractional or not numbers and a blank jurisdiction: 400, each field named, the typed values kept, nothing stored', async () => {
    const before = await Setting.findByPk('reporting_rules');
    const res = await post(admin, {
      version: String(before?.version ?? 0),
      ...fields({ jurisdiction: ' ', 'days.public_health_threat': '0', 'days.death_or_serious_injury': '', 'days.other_reportable': '2.5' }),
    });
    expect(res.status).toBe(400);
    const html = decoded(res.text);
    expect(html).toContain('data-testid="form-errors"');
    const form = formOf(html);
    for (const name of ['jurisdiction', 'days.public_health_threat', 'days.death_or_serious_injury', 'days.other_reportable']) {
      expect(input(form, name)).toEqual(expect.objectContaining({ invalid: true, error: expect.stringMatching(/\S/) }));
    }
    expect(input(form, 'days.public_health_threat').value).toBe('0');
    expect(input(form, 'days.other_reportable').value).toBe('2.5');
    // The summary links each error to its field.
    expect(html).toContain('href="#field-value-days-public_health_threat"');
    expect(html).toContain('href="#field-value-jurisdiction"');
    expect((await Setting.findByPk('reporting_rules'))?.value).toEqual(before?.value);

    const letters = await post(admin, { version: String(before?.version ?? 0), ...fields({ 'days.other_reportable': 'mười' }) });
    expect(letters.status).toBe(400);
    expect(input(formOf(decoded(letters.text)), 'days.other_reportable')).toEqual(expect.objectContaining({ value: 'mười', invalid: true }));
  });

  it('answers a stale version with 409, the typed values kept', async () => {
    const res = await post(admin, { version: '999', ...fields({ 'days.other_reportable': '20' }) });
    expect(res.status).toBe(409);
    const form = formOf(decoded(res.text));
    expect(input(form, 'days.other_reportable').value).toBe('20');
  });

  it('refuses the page and the form to any other role (403) and to nobody signed in', async () => {
    const quality = (await signedInAgent(t.app, ['quality'])).agent;
    expect((await quality.get('/admin/settings')).status).toBe(403);
    const anonymous = await t.request().get('/admin/settings');
    expect([302, 303]).toContain(anonymous.status);
  });

  it('the API refuses 0 days as the form does (integer ≥ 1)', async () => {
    const sysadmin = await signedIn(['sysadmin']);
    const current = await Setting.findByPk('reporting_rules');
    const res = await t
      .request()
      .put('/api/v1/settings/reporting_rules')
      .set(sysadmin.auth)
      .send({ value: { jurisdiction: 'VN', days: { public_health_threat: 0, death_or_serious_injury: 10, other_reportable: 15 } }, version: current?.version ?? 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'value.days.public_health_threat' })]);
  });
});
