import { Router } from 'express';
import type { Config } from '../../config';
import { authenticate, signOut } from '../../commands/authenticator';
import { AppError } from '../../lib/errors';
import { parse } from '../../lib/validate';
import { formErrors } from '../../http/pageLocals';
import { clearSessionCookie, sessionCookieName, sessionCookieOptions } from '../../http/auth';
import { LoginBody } from './schema';

/** Only same-site paths: `next=//evil.example` or `next=https://…` would be an open redirect. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

export function authPages(config: Config): Router {
  const r = Router();
  const cookie = sessionCookieName(config);

  r.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    res.render('auth/login', { title: req.t('login.title'), next: safeNext(req.query.next), values: {}, bare: true });
  });

  r.post('/login', async (req, res) => {
    const next = safeNext((req.body as Record<string, unknown>)?.next);
    const values = { email: typeof req.body?.email === 'string' ? req.body.email : '' };
    try {
      const body = parse(LoginBody, { email: req.body?.email, password: req.body?.password }, req.lang);
      const { token } = await authenticate({
        ...body,
        kind: 'session',
        ip: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        ttlMs: config.sessionTtlMs,
      });
      res.cookie(cookie, token, sessionCookieOptions(config));
      res.redirect(303, next);
    } catch (err) {
      const status = err instanceof AppError ? err.status : 500;
      if (status === 401 || status === 429) {
        if (err instanceof AppError && err.headers) res.set(err.headers);
        res.status(status).render('auth/login', {
          title: req.t('login.title'),
          next,
          values,
          bare: true,
          error: req.t(status === 429 ? 'login.rateLimited' : 'login.incorrect'),
        });
        return;
      }
      const { status: s, errors } = formErrors(err, req.t);
      res.status(s).render('auth/login', { title: req.t('login.title'), next, values, errors, bare: true });
    }
  });

  r.post('/logout', async (req, res) => {
    if (req.user && req.tokenId) await signOut(req.tokenId, req.user);
    clearSessionCookie(res, config);
    res.redirect(303, '/login');
  });

  return r;
}
