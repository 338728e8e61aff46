import { DateTime } from 'luxon';
import { RegulatoryReview } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, sealCase, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const casePage = async (agent: Agent, id: string) => decoded((await agent.get(`/complaints/${id}`).query({ lang: 'vi' })).text);
const localAgo = (minutes: number) => DateTime.now().setZone(ZONE).minus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm");
const SUMMARY = 'Khách hàng bị bỏng do máy rò điện.';

/** The error of field `id` on a re-rendered form (the <small> after it). */
function errorOf(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at).toBeGreaterThan(-1);
  const next = html.slice(at, html.indexOf('<label', at + 1) > 0 ? html.indexOf('<label', at + 1) : undefined);
  return /class="field-error">([^<]*)</.exec(next)?.[1] ?? '';
}

let quality: Awaited<ReturnType<typeof signedIn>>;
let ceo: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  ceo = await signedIn(['ceo']);
});

async function decidedReport() {
  const c = await buildComplaint({ harm: 'serious_injury' });
  expect((await t.request().post(`/api/v1/complaints/${c.id}/regulatory/submit`).set(quality.auth).send({ summary: SUMMARY })).status).toBe(201);
  expect((await t.request().post(`/api/v1/complaints/${c.id}/regulatory/decision`).set(ceo.auth).send({ decision: 'report', rationale: 'Phải báo cáo.', password: TEST_PASSWORD })).status).toBe(201);
  return c;
}

describe('the submission form, refused', () => {
  it('shows every field error with the summary summary-linked, keeps the typed text and the category, and stores nothing', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint({ harm: 'serious_injury' });
    const page = await casePage(agent, c.id);
    const long = 'x'.repeat(5001);
    const res = await agent.post(`/complaints/${c.id}/regulatory/submit`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), summary: long, reportCategory: 'other_reportable' });
    expect(res.status).toBe(400);
    const html = decoded(res.text);
    expect(html).toContain('data-testid="form-errors"');
    expect(html).toContain('href="#field-summary"');
    expect(errorOf(html, 'field-summary')).toMatch(/\S/);
    expect(html).toContain(`>${long}</textarea>`);
    expect(html).toContain('<option value="other_reportable" selected>');
    // The case carries intake's flag: no harm box.
    expect(html).not.toContain('data-testid="regulatory-potential-harm"');
    // An unknown category is the category's error.
    const bad = await agent.post(`/complaints/${c.id}/regulatory/submit`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY, reportCategory: 'weather' });
    expect(bad.status).toBe(400);
    expect(errorOf(decoded(bad.text), 'field-reportCategory')).toMatch(/\S/);
    expect(decoded(bad.text)).toContain(`>${SUMMARY}</textarea>`);
    expect(await RegulatoryReview.count({ where: { complaintId: c.id } })).toBe(0);

    // The form sent again, right: submitted, back to the case.
    const ok = await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY, reportCategory: 'other_reportable' });
    expect(ok.status).toBe(303);
    expect(await RegulatoryReview.count({ where: { complaintId: c.id } })).toBe(1);
  });

  it('says a state refusal (already awaiting the CEO; a sealed case) on the case page, not on the form', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint({ harm: 'serious_injury' });
    const page = await casePage(agent, c.id);
    expect((await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY })).status).toBe(303);
    const again = await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY });
    expect(again.status).toBe(303);
    expect(await casePage(agent, c.id)).toContain('Đã có hồ sơ xem xét báo cáo đang chờ Tổng giám đốc.');
    const other = await buildComplaint({ harm: 'serious_injury' });
    await sealCase(other.id);
    const sealed = await agent.post(`/complaints/${other.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY });
    expect(sealed.status).toBe(303);
  });

  it('refuses a role that may not submit (403) and nobody signed in', async () => {
    const { agent } = await signedInAgent(t.app, ['admin_officer']);
    const c = await buildComplaint({ harm: 'serious_injury' });
    const page = await casePage(agent, c.id);
    expect((await agent.post(`/complaints/${c.id}/regulatory/submit`).type('form').send({ _csrf: csrfFrom(page), summary: SUMMARY })).status).toBe(403);
  });
});

describe('the filing form, refused', () => {
  it('shows each missing or wrong field beside it, the typed values kept, nothing filed; then files', async () => {
    const c = await decidedReport();
    const { agent } = await signedInAgent(t.app, ['admin_officer']);
    const page = await casePage(agent, c.id);
    const res = await agent.post(`/complaints/${c.id}/regulatory/file`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(page), authority: '  ', submittedAt: 'hôm qua', referenceNo: 'BC-2026-7' });
    expect(res.status).toBe(400);
    const html = decoded(res.text);
    expect(errorOf(html, 'field-authority')).toMatch(/\S/);
    expect(errorOf(html, 'field-submittedAt')).toMatch(/\S/);
    expect(errorOf(html, 'field-referenceNo')).toBe('');
    expect(html).toContain('value="hôm qua"');
    expect(html).toContain('value="BC-2026-7"');
    expect(html).toContain('href="#field-authority"');
    expect((await RegulatoryReview.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true })).filedAt).toBeNull();

    const at = localAgo(10);
    const ok = await agent.post(`/complaints/${c.id}/regulatory/file`).type('form').send({ _csrf: csrfFrom(page), authority: 'Sở Y tế', submittedAt: at, referenceNo: 'BC-2026-7' });
    expect(ok.status).toBe(303);
    // Filed once: a second filing is a state refusal, said on the case page.
    const twice = await agent.post(`/complaints/${c.id}/regulatory/file`).type('form').send({ _csrf: csrfFrom(page), authority: 'Sở Y tế', submittedAt: at, referenceNo: 'BC-2026-8' });
    expect(twice.status).toBe(303);
    expect((await RegulatoryReview.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true })).referenceNo).toBe('BC-2026-7');
  });
});
