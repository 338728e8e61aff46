import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { resolveToken, userActor } from '../commands/authenticator';
import { currentContext } from '../lib/context';
import { unauthenticated } from '../lib/errors';
import { defineAbilityFor } from '../policies/ability';

export function sessionCookieName(config: Config): string {
  // The __Host- prefix pins the cookie to this origin over HTTPS; plain HTTP (a laptop demo) cannot use it.
  return config.secureCookies ? '__Host-casebook.sid' : 'casebook.sid';
}

export function sessionCookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies, path: '/', maxAge: config.sessionTtlMs };
}

/** Clears the session cookie with the attributes it was set with (a `__Host-` cookie is only cleared by a Secure Set-Cookie). */
export function clearSessionCookie(res: Response, config: Config): void {
  res.clearCookie(sessionCookieName(config), { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' });
}

/**
 * Resolves who is calling: a bearer token (API clients) or the session cookie (the web UI).
 * A bad bearer token is an error at once; a stale cookie is simply cleared.
 */
export function authenticateRequest(config: Config) {
  const cookieName = sessionCookieName(config);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(header.trim());
      const resolved = match ? await resolveToken(match[1], 'api') : null;
      if (!resolved) throw unauthenticated('The bearer token is invalid, expired or revoked.');
      req.user = resolved.user;
      req.tokenId = resolved.tokenId;
      req.authKind = 'api';
    } else {
      const cookie: unknown = req.cookies?.[cookieName];
      if (typeof cookie === 'string' && cookie) {
        const resolved = await resolveToken(cookie, 'session');
        if (resolved) {
          req.user = resolved.user;
          req.tokenId = resolved.tokenId;
          req.authKind = 'session';
        } else {
          // Stale (expired, revoked, unknown after a restart): the request is anonymous, and the
          // CSRF token of any page it renders is bound to the anonymous id (src/lib/csrf.ts).
          clearSessionCookie(res, config);
        }
      }
    }
    req.ability = defineAbilityFor(req.user);
    const ctx = currentContext();
    if (ctx && req.user) ctx.actor = userActor(req.user);
    next();
  };
}

/**
 * Whatever is served to a signed-in user (pages, API answers, redirects) names that user's data:
 * no browser or shared cache may keep it, or the next person at the machine reads it back.
 */
export function noStoreWhenSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (req.user) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** API guard: 401 problem+json unless someone is signed in. */
export function requireUser(req: Request, _res: Response, next: NextFunction): void {
  if (!req.user) throw unauthenticated();
  next();
}

/** Page guard: sends the visitor to the sign-in page and back afterwards. */
export function requireSignIn(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
}
