import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import type { Problem } from '../lib/errorHandler';
import { AppError, type FieldError } from '../lib/errors';
import { DEFAULT_LANG, translator, type Translate } from '../lib/i18n';
import { registerScope } from '../policies/actionReaders';
import { mayListArchives } from '../policies/archiveReaders';
import { allowed } from '../policies/authorize';
import { mayReadRegulatoryRegister } from '../policies/regulatoryReaders';
import { unreadCount } from '../queries/notifications';

const FLASH_COOKIE = 'casebook.flash';

interface NavItem {
  href: string;
  key: string;
}

/** The navigation a user sees: built from the same ability every route checks. */
function navFor(req: Request): NavItem[] {
  if (!req.user) return [];
  const items: NavItem[] = [{ href: '/', key: 'nav.home' }];
  if (allowed(req, 'read', 'Complaint')) items.push({ href: '/complaints', key: 'nav.queue' });
  if (allowed(req, 'create', 'Complaint')) items.push({ href: '/complaints/new', key: 'nav.newEntry' });
  // Who signs gets the CEO's queue (it links the register); every other reader of the register gets the register (it links the queue for those who read it).
  if (allowed(req, 'sign', 'RegulatoryReview')) items.push({ href: '/regulatory/queue', key: 'nav.regulatoryQueue' });
  else if (mayReadRegulatoryRegister(req)) items.push({ href: '/regulatory', key: 'nav.regulatoryRegister' });
  if (allowed(req, 'review', 'Complaint')) items.push({ href: '/reviews', key: 'nav.reviews' });
  // The CAPA register: quality, cs_director, auditor (every action), a department head (theirs).
  if (registerScope(req)) items.push({ href: '/actions', key: 'nav.capaRegister' });
  if (allowed(req, 'read', 'Customer')) items.push({ href: '/customers', key: 'nav.customers' });
  if (allowed(req, 'read', 'AuditEvent')) items.push({ href: '/audit', key: 'nav.audit' });
  if (mayListArchives(req)) items.push({ href: '/archives', key: 'nav.archives' });
  if (allowed(req, 'export', 'Report') && allowed(req, 'read', 'Complaint')) items.push({ href: '/reports', key: 'nav.reports' });
  // The archives due for the retention review: auditor, legal, sysadmin (metadata only).
  if (allowed(req, 'review', 'Archive')) items.push({ href: '/archives/retention-review', key: 'nav.retentionReview' });
  if (allowed(req, 'create', 'User')) items.push({ href: '/admin/users', key: 'nav.users' });
  if (allowed(req, 'create', 'Department')) items.push({ href: '/admin/departments', key: 'nav.departments' });
  if (allowed(req, 'update', 'SlaPolicy')) items.push({ href: '/admin/sla', key: 'nav.sla' });
  if (allowed(req, 'update', 'Holiday')) items.push({ href: '/admin/holidays', key: 'nav.holidays' });
  if (allowed(req, 'update', 'Setting')) items.push({ href: '/admin/settings', key: 'nav.settings' });
  if (allowed(req, 'update', 'LetterTemplate')) items.push({ href: '/admin/letter-templates', key: 'nav.letterTemplates' });
  if (allowed(req, 'read', 'Outbox')) items.push({ href: '/admin/outbox', key: 'nav.outbox' });
  if (allowed(req, 'read', 'Job')) items.push({ href: '/admin/jobs', key: 'nav.jobs' });
  if (allowed(req, 'update', 'RetentionClass')) items.push({ href: '/admin/retention', key: 'nav.retentionClasses' });
  items.push({ href: '/api/docs', key: 'nav.apiDocs' });
  return items;
}

/** The bell counts no further: past it, it says "99+". */
const BELL_CAP = 99;

/** The header's bell: the signed-in user's unread notifications, one capped count on the partial index, said in words for screen readers. */
async function bellFor(req: Request): Promise<{ count: number; text: string; label: string }> {
  const n = await unreadCount(req.user!.id, BELL_CAP + 1);
  if (n > BELL_CAP) return { count: n, text: `${BELL_CAP}+`, label: req.t('notifications.bell.many', { count: BELL_CAP }) };
  return { count: n, text: String(n), label: n === 0 ? req.t('notifications.bell.none') : req.t('notifications.bell.some', { count: n }) };
}

/** Everything the layout needs, for every page: language, zone, user, navigation, CSRF token, flash, the bell. */
export function pageLocals(config: Config, csrfToken: (req: Request, res: Response) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.locals.lang = req.lang;
    res.locals.timezone = config.timezone;
    res.locals.currentUser = req.user ? { id: req.user.id, name: req.user.name, email: req.user.email, roles: req.user.roles } : null;
    res.locals.nav = navFor(req).map((item) => ({ ...item, active: item.href === '/' ? req.path === '/' : req.path === item.href || (req.path.startsWith(`${item.href}/`) && !(item.href === '/complaints' && req.path === '/complaints/new')) }));
    res.locals.csrfToken = csrfToken(req, res);
    res.locals.path = req.path;
    res.locals.otherLang = req.lang === 'vi' ? 'en' : 'vi';
    const flash: unknown = req.cookies?.[FLASH_COOKIE];
    if (typeof flash === 'string' && /^[a-z0-9_.]{1,64}$/.test(flash)) {
      res.locals.flash = flash;
      res.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    if (!req.user) return next();
    bellFor(req).then((bell) => {
      res.locals.bell = bell;
      next();
    }, next);
  };
}

/** Shows a one-line notice (a locale key) on the next page the browser loads. */
export function setFlash(res: Response, key: string): void {
  res.cookie(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

/**
 * For forms: the 4xx errors to show next to fields, in the page's language (a message without a
 * locale key — zod's, already localised — is kept); anything else is rethrown to the error page.
 */
export function formErrors(err: unknown, t: Translate): { status: number; message: string | undefined; errors: FieldError[] } {
  if (err instanceof AppError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) {
    const errors = (err.errors ?? []).map((e) => (e.key ? { ...e, message: t(e.key, e.params ?? {}) } : e));
    const message = err.messageKey ? t(err.messageKey) : err.status === 400 ? undefined : t(`error.${err.status}`);
    return { status: err.status, message, errors };
  }
  throw err;
}

/** The friendly error page (request id included, stack never). */
export function renderErrorPage(req: Request, res: Response, p: Problem): void {
  if (p.status === 401) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  res.status(p.status);
  const t = req.t ?? translator(DEFAULT_LANG);
  const locals = {
    layout: 'main',
    lang: req.lang ?? DEFAULT_LANG,
    status: p.status,
    code: p.code,
    // A sealed record is explained as such (the archive's immutability), not as a generic conflict.
    message: p.messageKey ? t(p.messageKey) : p.code === 'immutable_record' ? t('error.immutableRecord') : t(`error.${p.status}`, { defaultValue: t('error.500') }),
    // The English detail helps an English reader and IT; a Vietnamese page keeps to the localised line.
    detail: p.status < 500 && req.lang === 'en' && !p.messageKey ? p.detail : null,
    requestId: req.requestId,
    title: `${p.status}`,
    // A refused field (e.g. a NUL character) is named even when no form re-renders it.
    fieldErrors: (p.errors ?? []).map((e) => ({ path: e.path, message: e.key ? t(e.key, e.params ?? {}) : e.message })),
  };
  res.render('error', locals, (err, html) => {
    // If even the error page cannot render, a plain line still gets the request id to the user.
    if (err) res.type('text').send(`Error ${p.status} (request ${req.requestId})`);
    else res.send(html);
  });
}
