import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { useTestDatabase } from './db';
import type { RoleKey } from '../../src/domain/roles';
import { buildUser, TEST_PASSWORD } from './factories';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-of-enough-length', DATABASE_URL: '', ...overrides });
}

/** A database of the file's own plus the app in front of it. */
export function useTestApp(overrides: Record<string, string> = {}) {
  const database = useTestDatabase();
  let app: Express | undefined;
  const config = testConfig(overrides);
  return {
    config,
    database,
    get app(): Express {
      app ??= createApp(config);
      return app;
    },
    request() {
      app ??= createApp(config);
      return request(app);
    },
  };
}

/** The CSRF token from a rendered page (forms carry it in a hidden `_csrf` field). */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1];
}

/** A supertest agent signed in through the login form as a new user with `roles`. */
export async function signedInAgent(app: Express, roles: RoleKey[], overrides: Parameters<typeof buildUser>[0] = {}) {
  const user = await buildUser({ ...overrides, roles });
  const agent = request.agent(app);
  const page = await agent.get('/login');
  await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
  return { agent, user };
}
