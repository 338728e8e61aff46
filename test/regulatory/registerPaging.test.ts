import { DateTime } from 'luxon';
import { signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();
type Auth = Record<string, string>;
type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const ZONE = 'Asia/Ho_Chi_Minh';
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

let quality: Awaited<ReturnType<typeof signedIn>>;
let ceo: Awaited<ReturnType<typeof signedIn>>;
let admin: Awaited<ReturnType<typeof signedIn>>;
const post = (path: string, auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/regulatory/${path}`).set(auth).send(body);
async function submitted(daysAgo: number) {
  const receivedAt = DateTime.now().setZone(ZONE).minus({ days: daysAgo }).set({ hour: 10 });
  const c = await buildComplaint({ harm: 'serious_injury', receivedAt: receivedAt.toJSDate(), incidentDate: receivedAt.minus({ days: 1 }).toISODate()! });
  expect((await post('submit', quality.auth, c.id, { summary: 'Khách hàng bị bỏng do máy rò điện.' })).status).toBe(201);
  return c;
}
const decide = async (id: string, decision: string) => expect((await post('decision', ceo.auth, id, { decision, rationale: 'Lý do quyết định.', password: TEST_PASSWORD })).status).toBe(201);

/** The complaint ids of the register rows, in order, and the next page's link. */
function rowsOf(html: string): { ids: string[]; next: string | null } {
  return { ids: [...html.matchAll(/data-testid="regulatory-register-row" data-complaint-id="([^"]+)"/g)].map((m) => m[1]), next: /href="([^"]+)" data-testid="register-next"/.exec(decoded(html))?.[1] ?? null };
}

let agent: Agent;
const ids: Record<string, string> = {};
beforeAll(async () => {
  quality = await signedIn(['quality']);
  ceo = await signedIn(['ceo']);
  admin = await signedIn(['admin_officer']);
  agent = (await signedInAgent(t.app, ['cs_director'])).agent;
  // In submission order (the register lists the newest first).
  ids.awaitingOld = (await submitted(40)).id; // past its deadline, not decided: overdue
  ids.noReport = (await submitted(30)).id;
  await decide(ids.noReport, 'no_report');
  ids.filed = (await submitted(5)).id;
  await decide(ids.filed, 'report');
  expect((await post('report', admin.auth, ids.filed, { authority: 'Sở Y tế', submittedAt: new Date(Date.now() - 60_000).toISOString(), referenceNo: 'BC-1' })).status).toBe(201);
  ids.unfiled = (await submitted(3)).id;
  await decide(ids.unfiled, 'report');
  ids.awaitingNew = (await submitted(1)).id;
});

const NEWEST_FIRST = () => [ids.awaitingNew, ids.unfiled, ids.filed, ids.noReport, ids.awaitingOld];

describe('the regulatory register: keyset pages', () => {
  it('pages through every review newest first, each exactly once, the filters kept in the next link', async () => {
    const seen: string[] = [];
    let href: string | null = '/regulatory?limit=2';
    let pages = 0;
    while (href) {
      const res = await agent.get(href).query({ lang: 'vi' });
      expect(res.status).toBe(200);
      const page = rowsOf(res.text);
      expect(page.ids.length).toBeLessThanOrEqual(2);
      seen.push(...page.ids);
      href = page.next;
      if (href) expect(href).toContain('limit=2');
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(seen).toEqual(NEWEST_FIRST());
    expect(pages).toBe(3);
  });

  it('filters by decision, by where the report stands and by the receipt date, and pages within a filter', async () => {
    const list = async (query: Record<string, string>) => {
      const res = await agent.get('/regulatory').query({ lang: 'vi', ...query });
      expect(res.status).toBe(200);
      return rowsOf(res.text).ids;
    };
    expect(await list({ decision: 'no_report' })).toEqual([ids.noReport]);
    expect(await list({ decision: 'report' })).toEqual([ids.unfiled, ids.filed]);
    expect(await list({ decision: 'none' })).toEqual([ids.awaitingNew, ids.awaitingOld]);
    expect(await list({ filing: 'filed' })).toEqual([ids.filed]);
    expect(await list({ filing: 'unfiled' })).toEqual([ids.unfiled]);
    expect(await list({ filing: 'overdue' })).toEqual([ids.awaitingOld]);
    const day = (daysAgo: number) => DateTime.now().setZone(ZONE).minus({ days: daysAgo }).toISODate()!;
    expect(await list({ receivedFrom: day(5), receivedTo: day(3) })).toEqual([ids.unfiled, ids.filed]);
    expect(await list({ receivedTo: day(30) })).toEqual([ids.noReport, ids.awaitingOld]);
    expect(await list({ receivedFrom: day(2), decision: 'report' })).toEqual([]);

    const first = await agent.get('/regulatory').query({ lang: 'vi', decision: 'none', limit: '1' });
    const page = rowsOf(first.text);
    expect(page.ids).toEqual([ids.awaitingNew]);
    expect(page.next).toContain('decision=none');
    const second = rowsOf((await agent.get(page.next!).query({ lang: 'vi' })).text);
    expect(second).toEqual({ ids: [ids.awaitingOld], next: null });
    // The form shows the filters applied.
    expect(first.text).toContain('<option value="none" selected>');
  });

  it('answers a bad filter or cursor with 400, the fields named and the values kept; 403 for a role that does not read the register', async () => {
    const bad = await agent.get('/regulatory').query({ lang: 'vi', receivedFrom: '2026-02-30', filing: 'lost' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="form-errors"');
    expect(bad.text).toMatch(/name="receivedFrom" value="2026-02-30" id="field-receivedFrom" aria-invalid="true"/);
    expect(bad.text).toMatch(/name="filing" id="field-filing" aria-invalid="true"/);
    const range = await agent.get('/regulatory').query({ lang: 'vi', receivedFrom: '2026-03-10', receivedTo: '2026-03-01' });
    expect(range.status).toBe(400);
    expect(decoded(range.text)).toContain('Ngày kết thúc phải sau ngày bắt đầu.');
    expect((await agent.get('/regulatory').query({ cursor: 'not-a-cursor' })).status).toBe(400);
    expect((await agent.get('/regulatory').query({ limit: '0' })).status).toBe(400);
    const { agent: head } = await signedInAgent(t.app, ['dept_head']);
    expect((await head.get('/regulatory')).status).toBe(403);
    expect([302, 303]).toContain((await t.request().get('/regulatory')).status);
  });
});
