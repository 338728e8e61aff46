import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { useTestDatabase } from './db';
import type { RoleKey } from '../../src/domain/roles';
import { sessionCookieName } from '../../src/http/auth';
import type { User } from '../../src/models';
import { buildUser, TEST_PASSWORD, tokenFor } from './factories';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-of-enough-length', DATABASE_URL: '', ...overrides });
}

/** A database of the file's own plus the app in front of it. */
export function useTestApp(overrides: Record<string, string> = {}) {
  const database = useTestDatabase();
  let app: Express | undefined;
  const config = testConfig(overrides);
  const theApp = () => {
    if (!app) {
      app = createApp(config);
      configs.set(app, config);
    }
    return app;
  };
  return {
    config,
    database,
    get app(): Express {
      return theApp();
    },
    request() {
      return request(theApp());
    },
  };
}

/** The config each app of useTestApp was made with (the session cookie's name depends on it). */
const configs = new WeakMap<Express, Config>();

/** The CSRF token from a rendered page (forms carry it in a hidden `_csrf` field). */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1];
}

/**
 * A supertest agent holding a session of `user`: the session token is made directly in the
 * database (as the login form would make it) and its cookie put in the agent's jar, with the
 * name and attributes the app sets. No sign-in request, no argon2 verification, no login
 * throttle: the sign-in paths have tests of their own (test/auth/web.test.ts for the form,
 * test/auth/login.api.test.ts for the API, test/browser). The session is a real one: pages render
 * a `_csrf` token bound to it (read it with `csrfFrom`), and sign-out revokes it.
 * Unlike the form, this writes no `auth.login` audit event or login attempt; a test about those
 * signs in with `formSignedInAgent`.
 */
export async function sessionAgent(app: Express, user: User) {
  const config = configs.get(app) ?? testConfig();
  const token = await tokenFor(user, 'session', new Date(Date.now() + config.sessionTtlMs));
  const agent = request.agent(app);
  // supertest serves the app on 127.0.0.1; the cookie is host-only there, as the form's would be.
  agent.jar.setCookie(`${sessionCookieName(config)}=${token}; Path=/; HttpOnly; SameSite=Lax${config.secureCookies ? '; Secure' : ''}`, '127.0.0.1', '/');
  return agent;
}

/** A supertest agent with a session (see `sessionAgent`) of a new user with `roles`. */
export async function signedInAgent(app: Express, roles: RoleKey[], overrides: Parameters<typeof buildUser>[0] = {}) {
  const user = await buildUser({ ...overrides, roles });
  return { agent: await sessionAgent(app, user), user };
}

/** A supertest agent signed in through the login form as a new user with `roles` (audited, throttled: slower). */
export async function formSignedInAgent(app: Express, roles: RoleKey[], overrides: Parameters<typeof buildUser>[0] = {}) {
  const user = await buildUser({ ...overrides, roles });
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
  if (res.status !== 303) throw new Error(`Form sign-in failed with ${res.status}`);
  return { agent, user };
}
