import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { sessionCookieName } from '../http/auth';
import { AppError } from './errors';

const ANON_COOKIE = 'casebook.anon';

/**
 * CSRF protection for everything a browser's cookies could authorise: every form post and any
 * API call made with the session cookie. Bearer-token API calls carry no ambient credential and
 * are exempt. Tokens are HMACs bound to the session (or, before sign-in, to an anonymous id).
 */
export function csrfProtection(config: Config) {
  const sessionCookie = sessionCookieName(config);
  const sessionIdentifier = (req: Request): string =>
    req.authKind === 'session' ? (req.cookies?.[sessionCookie] as string) : ((req.cookies?.[ANON_COOKIE] as string | undefined) ?? '');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => config.sessionSecret,
    // Bound to the session only when its cookie actually signed the request in: a stale cookie
    // (expired, revoked, gone after a restart) is cleared by authenticateRequest, so binding to
    // it would make the sign-in form it rendered fail on submit ("form expired").
    getSessionIdentifier: (req) => sessionIdentifier(req),
    cookieName: config.secureCookies ? '__Host-casebook.csrf' : 'casebook.csrf',
    cookieOptions: { sameSite: 'lax', secure: config.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const fromForm = (req.body as Record<string, unknown> | undefined)?._csrf;
      const fromHeader = req.headers['x-csrf-token'];
      return typeof fromForm === 'string' ? fromForm : typeof fromHeader === 'string' ? fromHeader : undefined;
    },
    skipCsrfProtection: (req) => req.authKind === 'api' || (req.path.startsWith('/api/') && req.authKind !== 'session'),
  });

  /** Makes sure an anonymous visitor has an id to bind the sign-in form's token to. */
  function ensureIdentifier(req: Request, res: Response): void {
    if (req.authKind === 'session' || req.cookies?.[ANON_COOKIE]) return;
    const id = randomBytes(18).toString('base64url');
    req.cookies[ANON_COOKIE] = id;
    res.cookie(ANON_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' });
  }

  return {
    protect(req: Request, res: Response, next: NextFunction): void {
      doubleCsrfProtection(req, res, (err?: unknown) => {
        if (err) return next(new AppError(403, 'forbidden', 'The form has expired or did not come from this site. Reload the page and try again.'));
        next();
      });
    },
    /** A fresh token for the page being rendered (also sets its cookie). */
    token(req: Request, res: Response): string {
      ensureIdentifier(req, res);
      return generateCsrfToken(req, res);
    },
  };
}
