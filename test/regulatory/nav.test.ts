import { ROLE_KEYS, type RoleKey } from '../../src/domain/roles';
import { signedInAgent, useTestApp } from '../support/app';

const t = useTestApp();

/** The links of the wide navigation bar (the phone menu repeats the same partial). */
function navHrefs(html: string): string[] {
  const start = html.indexOf('<ul class="nav-wide">');
  expect(start).toBeGreaterThan(-1);
  const bar = html.slice(start, html.indexOf('</ul>', start));
  return [...bar.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
}

/** Which regulatory page each role reaches from the navigation: the CEO its queue, every other reader of the register the register. */
const EXPECTED: Record<RoleKey, string[]> = {
  intake: ['/regulatory'],
  quality: ['/regulatory'],
  dept_head: [],
  cs_director: ['/regulatory'],
  ceo: ['/regulatory/queue'],
  admin_officer: ['/regulatory'],
  legal: ['/regulatory'],
  auditor: ['/regulatory'],
  sysadmin: [],
};

describe('the navigation to the regulatory pages', () => {
  it.each(ROLE_KEYS.map((r) => [r]))('shows %s exactly its link, and the link opens', async (role) => {
    const { agent } = await signedInAgent(t.app, [role as RoleKey]);
    const home = await agent.get('/').query({ lang: 'vi' });
    expect(home.status).toBe(200);
    const regulatory = navHrefs(home.text).filter((h) => h === '/regulatory' || h.startsWith('/regulatory/'));
    expect(regulatory).toEqual(EXPECTED[role as RoleKey]);
    for (const href of regulatory) expect((await agent.get(href)).status).toBe(200);
    // A role without the link is refused the pages too.
    if (regulatory.length === 0) expect((await agent.get('/regulatory')).status).toBe(403);
  });
});
