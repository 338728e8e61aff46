import { AuditEvent, AuthToken, LoginAttempt } from '../../src/models';
import { LOGIN_THROTTLE } from '../../src/commands/authenticator';
import { tokenHash } from '../../src/lib/tokens';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { testConfig, useTestApp } from '../support/app';
import { buildUser, TEST_PASSWORD, tokenFor } from '../support/factories';

const t = useTestApp();

describe('POST /api/v1/auth/login', () => {
  it('returns a bearer token and the user, stores only the token hash, and audits the sign-in', async () => {
    const user = await buildUser({ roles: ['quality', 'legal'], email: 'Lan.Nguyen@Example.vn' });
    const res = await t.request().post('/api/v1/auth/login').send({ email: 'lan.nguyen@example.vn', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, email: 'Lan.Nguyen@Example.vn', roles: ['quality', 'legal'], department: { id: user.departmentId } });
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await AuthToken.findOne({ where: { userId: user.id, kind: 'api' } });
    expect(row!.tokenHash).toBe(tokenHash(res.body.token));
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const event = await AuditEvent.findOne({ where: { action: 'auth.login', entityId: user.id } });
    expect(event).toMatchObject({ actorId: user.id, actorRoles: ['quality', 'legal'], ip: expect.any(String) });
  });

  it('answers 401 problem+json for a wrong password and audits the failure', async () => {
    const user = await buildUser();
    const res = await t.request().post('/api/v1/auth/login').send({ email: user.email, password: 'not the password' });
    expect(res.status).toBe(401);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated', detail: 'Email or password is incorrect.' });
    const event = await AuditEvent.findOne({ where: { action: 'auth.login_failed', entityId: user.id } });
    expect(event!.meta).toEqual({ kind: 'api', reason: 'wrong_password', heldMs: 0, delayMs: 0 });
  });

  it('gives an unknown email the same 401 as a wrong password', async () => {
    const res = await t.request().post('/api/v1/auth/login').send({ email: 'nobody@example.vn', password: 'whatever-it-is' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Email or password is incorrect.');
    expect(await AuditEvent.count({ where: { action: 'auth.login_failed', entityType: 'Login', entityId: 'nobody@example.vn' } })).toBe(1);
  });

  it('refuses a deactivated user even with the right password', async () => {
    const user = await buildUser({ active: false });
    const res = await t.request().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(401);
    expect(await AuthToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it.each([
    ['a missing password', { email: 'a@b.vn' }, 'password'],
    ['a number as email', { email: 42, password: 'x' }, 'email'],
    ['an unknown field', { email: 'a@b.vn', password: 'x', remember: true }, '(body)'],
    ['an empty body', {}, 'email'],
  ])('answers 400 validation_failed for %s, writing nothing', async (_name, body, path) => {
    const before = await LoginAttempt.count();
    const res = await t.request().post('/api/v1/auth/login').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await LoginAttempt.count()).toBe(before);
  });

  it('locks the account for the failing address with 429 and Retry-After after repeated failures, even for the right password', async () => {
    const user = await buildUser();
    // No trust proxy here: X-Forwarded-For is ignored and every attempt comes from the same (loopback) address.
    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures; i++) {
      const res = await t.request().post('/api/v1/auth/login').set('X-Forwarded-For', `10.0.0.${i}`).send({ email: user.email, password: `wrong-${i}-password` });
      expect(res.status).toBe(401);
    }
    const locked = await t.request().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await AuditEvent.count({ where: { action: 'auth.rate_limited', entityId: user.email } })).toBe(1);
  });
});

describe('rate limiting by client address', () => {
  // Behind one reverse proxy, as in production: the client address comes from X-Forwarded-For.
  let proxied: Express | undefined;
  const t2 = { request: () => request((proxied ??= createApp(testConfig({ TRUST_PROXY: '1' })))) };

  // Before issue 7 §3 this answered 429 to the right password from the failing address: behind
  // one office NAT, anyone could lock the whole company out. Now failures only slow failures.
  it('never refuses a correct password from an address that failed often across many accounts, nor from other addresses', async () => {
    const failures = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t2.request().post('/api/v1/auth/login').set('X-Forwarded-For', '203.0.113.7').send({ email: `guess-${i}@example.vn`, password: 'guessing-it-now' }),
      ),
    );
    expect(failures.map((res) => res.status)).toEqual(Array(20).fill(401));
    const user = await buildUser();
    const sameAddress = await t2.request().post('/api/v1/auth/login').set('X-Forwarded-For', '203.0.113.7').send({ email: user.email, password: TEST_PASSWORD });
    expect(sameAddress.status).toBe(200);
    const elsewhere = await t2.request().post('/api/v1/auth/login').set('X-Forwarded-For', '198.51.100.2').send({ email: user.email, password: TEST_PASSWORD });
    expect(elsewhere.status).toBe(200);
  });
});

describe('bearer tokens', () => {
  it('GET /api/v1/me returns the signed-in user', async () => {
    const user = await buildUser({ roles: ['ceo'] });
    const res = await t.request().get('/api/v1/me').set('Authorization', `Bearer ${await tokenFor(user)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, roles: ['ceo'], name: 'Nguyễn Văn Thử' });
  });

  it('answers 401 without a token, with a malformed one, an unknown one and an expired one', async () => {
    const user = await buildUser();
    const expired = await tokenFor(user, 'api', new Date(Date.now() - 1000));
    for (const header of [undefined, 'Bearer', 'Basic abc', `Bearer ${'x'.repeat(43)}`, `Bearer ${expired}`]) {
      const req = t.request().get('/api/v1/me');
      const res = await (header ? req.set('Authorization', header) : req);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthenticated');
    }
  });

  it('answers a signed-in API call with Cache-Control: no-store', async () => {
    const user = await buildUser();
    const res = await t.request().get('/api/v1/me').set('Authorization', `Bearer ${await tokenFor(user)}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const missing = await t.request().get('/api/v1/no-such-thing').set('Authorization', `Bearer ${await tokenFor(user)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('a session token is not accepted as a bearer token', async () => {
    const user = await buildUser();
    const res = await t.request().get('/api/v1/me').set('Authorization', `Bearer ${await tokenFor(user, 'session')}`);
    expect(res.status).toBe(401);
  });

  it('logout revokes the token at once and is audited', async () => {
    const user = await buildUser();
    const token = await tokenFor(user);
    expect((await t.request().post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`)).status).toBe(204);
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect(await AuditEvent.count({ where: { action: 'auth.logout', entityId: user.id } })).toBe(1);
  });

  it('a deactivated user is refused on the next call', async () => {
    const user = await buildUser();
    const token = await tokenFor(user);
    await AuthToken.sequelize!.query('UPDATE users SET active = false WHERE id = :id', { replacements: { id: user.id } });
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });
});

describe('PUT /api/v1/me/password', () => {
  it('changes the password when the current one is right, and keeps this token', async () => {
    const user = await buildUser();
    const token = await tokenFor(user);
    const other = await tokenFor(user);
    const res = await t.request().put('/api/v1/me/password').set('Authorization', `Bearer ${token}`).send({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' });
    expect(res.status).toBe(204);
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${other}`)).status).toBe(401);
    const login = await t.request().post('/api/v1/auth/login').send({ email: user.email, password: 'a brand new passphrase' });
    expect(login.status).toBe(200);
  });

  it('answers 400 for a wrong current password or a weak new one', async () => {
    const user = await buildUser();
    const auth = { Authorization: `Bearer ${await tokenFor(user)}` };
    const wrong = await t.request().put('/api/v1/me/password').set(auth).send({ currentPassword: 'nope-nope-nope', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: expect.any(String) }]);
    const weak = await t.request().put('/api/v1/me/password').set(auth).send({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('newPassword');
  });
});
