import request from 'supertest';
import { ROLE_KEYS } from '../../src/domain/roles';
import { AuditEvent, AuthToken } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildUser, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();

async function signInAgent(email: string, password = TEST_PASSWORD) {
  const agent = request.agent(t.app);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email, password, next: '/' });
  return { agent, res };
}

describe('web sign-in', () => {
  it('renders the sign-in page in Vietnamese by default, with a CSP header', async () => {
    const res = await t.request().get('/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="vi"');
    expect(res.text).toContain('Đăng nhập');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('switches to English with ?lang=en and remembers it in a cookie', async () => {
    const agent = request.agent(t.app);
    const en = await agent.get('/login?lang=en');
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).toContain('Sign in');
    const again = await agent.get('/login');
    expect(again.text).toContain('<html lang="en"');
  });

  it('sets an httpOnly SameSite session cookie stored as a hash, and redirects home', async () => {
    const user = await buildUser({ roles: ['intake'] });
    const { res } = await signInAgent(user.email);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('casebook.sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(await AuthToken.count({ where: { userId: user.id, kind: 'session' } })).toBe(1);
  });

  it('refuses a form post without a valid CSRF token (403) and signs nobody in', async () => {
    const user = await buildUser();
    const agent = request.agent(t.app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ _csrf: 'forged', email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-testid="request-id"');
    expect(await AuthToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it('shows a friendly error next to the form for a wrong password', async () => {
    const user = await buildUser();
    const { res } = await signInAgent(user.email, 'wrong password here');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
  });

  it('after 5 wrong passwords from this address shows the rate-limit message with Retry-After, even for the right one', async () => {
    const user = await buildUser();
    const agent = request.agent(t.app);
    const page = await agent.get('/login?lang=en');
    const post = (password: string) => agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password });
    for (let i = 0; i < 5; i++) expect((await post(`wrong-${i}-password`)).status).toBe(401);
    const res = await post(TEST_PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).toContain('Too many failed sign-ins.');
  });

  it('never redirects off-site after sign-in', async () => {
    const user = await buildUser();
    const agent = request.agent(t.app);
    const page = await agent.get('/login?next=//evil.example/x');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });

  it('sends a visitor who is not signed in to the sign-in page and back', async () => {
    const res = await t.request().get('/admin/users?q=x');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers%3Fq%3Dx');
  });

  it.each(ROLE_KEYS)('shows the %s home page with that role card and its navigation', async (role) => {
    const user = await buildUser({ roles: [role] });
    const { agent } = await signInAgent(user.email);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(`data-testid="role-card-${role}"`);
    expect(home.text.includes('href="/audit"')).toBe(role === 'auditor');
    expect(home.text.includes('href="/admin/users"')).toBe(role === 'sysadmin');
  });

  it('signs out: revokes the session, audits it, and the cookie no longer works', async () => {
    const user = await buildUser();
    const { agent } = await signInAgent(user.email);
    const home = await agent.get('/');
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(home.text) });
    expect(out.status).toBe(303);
    expect((await agent.get('/')).status).toBe(303);
    expect(await AuditEvent.count({ where: { action: 'auth.logout', entityId: user.id } })).toBe(1);
  });

  it('refuses sign-out without the CSRF token', async () => {
    const user = await buildUser();
    const { agent } = await signInAgent(user.email);
    expect((await agent.post('/logout').type('form').send({})).status).toBe(403);
    expect((await agent.get('/')).status).toBe(200);
  });

  it('signs in at the first try through the form when the browser still holds a revoked session cookie', async () => {
    const user = await buildUser();
    const { agent } = await signInAgent(user.email);
    await AuthToken.update({ revokedAt: new Date() }, { where: { userId: user.id } });
    const page = await agent.get('/login');
    expect(page.status).toBe(200);
    const cleared = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('casebook.sid='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD, next: '/' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect((await agent.get('/')).status).toBe(200);
  });

  it('signs in at the first try with a stale session cookie and no other cookie, even if the browser keeps sending it', async () => {
    const user = await buildUser();
    const stale = `casebook.sid=${'s'.repeat(43)}`;
    const page = await t.request().get('/login').set('Cookie', stale);
    expect(page.status).toBe(200);
    const fresh = (page.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).filter((c) => !c.startsWith('casebook.sid='));
    // The browser honoured the clearing of the stale cookie…
    const res = await t.request().post('/login').set('Cookie', fresh.join('; ')).type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    // …or did not (a __Host- cookie cleared without Secure is ignored): either way the form works.
    const kept = await t.request().post('/login').set('Cookie', [stale, ...fresh].join('; ')).type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    expect(kept.status).toBe(303);
    expect(await AuthToken.count({ where: { userId: user.id, kind: 'session' } })).toBe(2);
    // The stale cookie does not open a way around CSRF: without the token the form is still refused.
    const forged = await t.request().post('/login').set('Cookie', [stale, ...fresh].join('; ')).type('form').send({ email: user.email, password: TEST_PASSWORD });
    expect(forged.status).toBe(403);
  });

  it('sends Cache-Control: no-store with every page and API answer for a signed-in user', async () => {
    const user = await buildUser();
    const { agent } = await signInAgent(user.email);
    for (const path of ['/', '/api/v1/me', '/no-such-page']) {
      const res = await agent.get(path);
      expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
    }
  });

  it('an API call made with the session cookie needs the CSRF header for writes', async () => {
    const user = await buildUser();
    const { agent } = await signInAgent(user.email);
    expect((await agent.get('/api/v1/me')).status).toBe(200);
    const res = await agent.put('/api/v1/me/password').send({ currentPassword: TEST_PASSWORD, newPassword: 'another passphrase!' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });
});

describe('sessions minted for tests (signedInAgent in test/support/app.ts)', () => {
  it('are real sessions: the cookie signs in, pages carry a CSRF token bound to it, and a post needs that very token', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    const other = await signedInAgent(t.app, ['quality']);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('data-testid="role-card-quality"');
    expect(home.headers['cache-control']).toBe('no-store');
    const otherHome = await other.agent.get('/');
    const anonymous = await request.agent(t.app).get('/login');
    // No token, a forged one, another session's, the sign-in form's: all refused, and the session stays.
    for (const _csrf of [undefined, 'forged', csrfFrom(otherHome.text), csrfFrom(anonymous.text)]) {
      expect([_csrf, (await agent.post('/logout').type('form').send(_csrf === undefined ? {} : { _csrf })).status]).toEqual([_csrf, 403]);
    }
    expect((await agent.get('/')).status).toBe(200);
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(home.text) });
    expect(out.status).toBe(303);
    expect((await agent.get('/')).status).toBe(303);
    expect(await AuditEvent.count({ where: { action: 'auth.logout', entityId: user.id } })).toBe(1);
    expect((await other.agent.get('/')).status).toBe(200);
  });
});
