import { DateTime } from 'luxon';
import { SIGNATURE_THROTTLE } from '../../src/commands/signing';
import { Signature } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { asBytes, pdfText } from '../support/pdf';
import { buildComplaint, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();
type Auth = Record<string, string>;
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
const RATIONALE = 'Có tổn hại nghiêm trọng, phải báo cáo.';

let quality: Awaited<ReturnType<typeof signedIn>>;
let ceo: Awaited<ReturnType<typeof signedIn>>;
let admin: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  ceo = await signedIn(['ceo'], { name: 'Nguyễn Văn Tổng' });
  admin = await signedIn(['admin_officer']);
});

const post = (path: string, auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/regulatory/${path}`).set(auth).send(body);
async function submitted(extra: Parameters<typeof buildComplaint>[0] = {}) {
  const c = await buildComplaint({ harm: 'serious_injury', ...extra });
  expect((await post('submit', quality.auth, c.id, { summary: 'Khách hàng bị bỏng do máy rò điện.' })).status).toBe(201);
  return c;
}
const decide = (id: string, decision = 'report') => post('decision', ceo.auth, id, { decision, rationale: RATIONALE, password: TEST_PASSWORD });
const pdf = (auth: Auth, id: string) => asBytes(t.request().get(`/api/v1/complaints/${id}/regulatory/report-form.pdf`).set(auth));

describe('the regulatory register', () => {
  it('lists every review with its decision, deadline and filing state; refused to a department head', async () => {
    const awaiting = await submitted();
    const notNeeded = await submitted();
    expect((await decide(notNeeded.id, 'no_report')).status).toBe(201);
    const filed = await submitted();
    expect((await decide(filed.id)).status).toBe(201);
    expect((await post('report', admin.auth, filed.id, { authority: 'Sở Y tế', submittedAt: new Date(Date.now() - 60_000).toISOString(), referenceNo: 'BC-77' })).status).toBe(201);
    // A case received long ago: its report deadline has passed.
    const late = await submitted({ receivedAt: DateTime.now().minus({ days: 20 }).toJSDate(), incidentDate: DateTime.now().minus({ days: 21 }).toISODate()! });

    const { agent } = await signedInAgent(t.app, ['admin_officer']);
    const res = await agent.get('/regulatory').query({ lang: 'vi' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/regulatory"');
    const state = (id: string) => new RegExp(`data-complaint-id="${id}" data-state="([a-z_]+)"`).exec(res.text)?.[1];
    expect(state(awaiting.id)).toBe('pending');
    expect(state(notNeeded.id)).toBe('not_needed');
    expect(state(filed.id)).toBe('filed');
    expect(state(late.id)).toBe('overdue');
    expect(decoded(res.text)).toContain('BC-77');
    const { agent: head } = await signedInAgent(t.app, ['dept_head']);
    expect((await head.get('/regulatory')).status).toBe(403);
  });
});

describe('the signing page rate limit', () => {
  it('shows a notice, not an error page, once too many wrong passwords were entered', async () => {
    const c = await submitted();
    const { agent } = await signedInAgent(t.app, ['ceo']);
    const form = await agent.get(`/complaints/${c.id}/regulatory/sign`).query({ lang: 'vi' });
    const send = (password: string) =>
      agent.post(`/complaints/${c.id}/regulatory/sign`).query({ lang: 'vi' }).type('form').send({ _csrf: csrfFrom(form.text), step: 'sign', decision: 'report', rationale: RATIONALE, password });
    for (let i = 0; i < SIGNATURE_THROTTLE.maxFailures; i++) expect((await send('wrong')).status).toBe(401);
    const limited = await send(TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(decoded(limited.text)).toContain('Bạn đã nhập sai mật khẩu quá nhiều lần');
    expect(limited.text).toContain('data-testid="sign-password"');
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
  });
});

describe('GET /complaints/:id/regulatory/report-form.pdf', () => {
  it('prints the case, the signed decision and the filing in Vietnamese, for ceo, admin_officer, legal, auditor', async () => {
    const c = await submitted({ subject: 'Ấm siêu tốc rò điện', lotRef: 'LOT-A17' });
    expect((await decide(c.id)).status).toBe(201);
    const res = await pdf(admin.auth, c.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res);
    for (const s of ['BÁO CÁO SỰ CỐ GỬI CƠ QUAN CHỨC NĂNG', c.reference, 'Ấm siêu tốc rò điện', 'LOT-A17', 'Thương tích nghiêm trọng', 'Báo cáo cơ quan chức năng', RATIONALE, 'Nguyễn Văn Tổng', 'Quyết định báo cáo cơ quan chức năng'])
      expect(text).toContain(s);
    const signature = await Signature.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(text.replace(/\s/g, '')).toContain(signature.contentSha256);
    for (const role of ['ceo', 'legal', 'auditor'] as const) expect((await pdf((await signedIn([role])).auth, c.id)).status).toBe(200);
    for (const role of ['quality', 'cs_director', 'dept_head'] as const) expect((await pdf((await signedIn([role])).auth, c.id)).status).toBe(403);
    expect((await pdf(admin.auth, (await buildComplaint()).id)).status).toBe(409);

    const { agent } = await signedInAgent(t.app, ['admin_officer']);
    expect((await agent.get(`/complaints/${c.id}`)).text).toContain(`href="/api/v1/complaints/${c.id}/regulatory/report-form.pdf"`);
  });
});
