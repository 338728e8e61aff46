import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { accountPages } from './features/account/pages';
import { actionsApi } from './features/actions/api';
import { actionsPages } from './features/actions/pages';
import { auditApi } from './features/audit/api';
import { auditPages } from './features/audit/pages';
import { authApi } from './features/auth/api';
import { authenticateRequest, noStoreWhenSignedIn } from './http/auth';
import { authPages } from './features/auth/pages';
import { healthRouter } from './features/health/api';
import { homePages } from './features/home/pages';
import { docsRouter } from './features/openapi/docs';
import { pageLocals, renderErrorPage } from './http/pageLocals';
import { outboxApi } from './features/outbox/api';
import { outboxPages } from './features/outbox/pages';
import { jobsApi } from './features/jobs/api';
import { jobsPages } from './features/jobs/pages';
import { notificationsApi } from './features/notifications/api';
import { notificationsPages } from './features/notifications/pages';
import { usersApi } from './features/users/api';
import { complaintsApi } from './features/complaints/api';
import { customersApi } from './features/customers/api';
import { evidenceApi } from './features/evidence/api';
import { archivesApi } from './features/archives/api';
import { archivesPages } from './features/archives/pages';
import { findingsApi } from './features/findings/api';
import { regulatoryApi } from './features/regulatory/api';
import { meetingsApi } from './features/meetings/api';
import { lettersApi } from './features/letters/api';
import { lettersPages } from './features/letters/pages';
import { findingsPages } from './features/findings/pages';
import { meetingsPages } from './features/meetings/pages';
import { regulatoryPages } from './features/regulatory/pages';
import { evidencePages, evidenceUploadPage } from './features/evidence/pages';
import { complaintsPages } from './features/complaints/pages';
import { disputeApi } from './features/dispute/api';
import { disputePages } from './features/dispute/pages';
import { customersPages } from './features/customers/pages';
import { reportsApi } from './features/reports/api';
import { reportsPages } from './features/reports/pages';
import { disposalApi } from './features/disposal/api';
import { disposalPages } from './features/disposal/pages';
import { retentionApi } from './features/retention/api';
import { retentionPages } from './features/retention/pages';
import { settingsApi } from './features/settings/api';
import { settingsPages } from './features/settings/pages';
import { solutionsApi } from './features/solutions/api';
import { solutionsPages } from './features/solutions/pages';
import { surveyPages } from './features/survey/pages';
import { usersPages } from './features/users/pages';
import { csrfProtection } from './lib/csrf';
import { errorHandler } from './lib/errorHandler';
import { refuseNulCharacters } from './lib/inputGuard';
import { notFound, unsupportedMediaType } from './lib/errors';
import { DEFAULT_LANG, isLang, translator } from './lib/i18n';
import { requestContext } from './lib/requestContext';
import { viewEngine } from './lib/views';
import { nodeModulesDir, publicDir, viewsDir } from './paths';

const LANG_COOKIE = 'lang';
const JSON_LIMIT = '1mb';

/** Language: ?lang= (remembered in a cookie), else the cookie, else the user's preference, else Vietnamese. */
function language(req: Request, res: Response, next: NextFunction): void {
  const asked = req.query.lang;
  let lang = DEFAULT_LANG;
  if (isLang(asked)) {
    lang = asked;
    res.cookie(LANG_COOKIE, asked, { maxAge: 365 * 86_400_000, sameSite: 'lax', httpOnly: true, path: '/' });
  } else if (isLang(req.cookies?.[LANG_COOKIE])) lang = req.cookies[LANG_COOKIE];
  else if (isLang(req.user?.locale)) lang = req.user.locale;
  req.lang = lang;
  req.t = translator(lang);
  next();
}

/** A JSON API answers 415 to a body it cannot read rather than guessing. */
function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(['application/json', 'application/*+json', 'multipart/form-data'])) {
    throw unsupportedMediaType('Send JSON (Content-Type: application/json).');
  }
  next();
}

/** Builds the application without listening, so tests drive it with supertest. */
export function createApp(config: Config): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? (/^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy) : false);
  app.engine('hbs', viewEngine().engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  // Compiled templates are kept except in development, where an edited view shows on the next
  // request. Express turns this on only for NODE_ENV=production; the tests render what
  // production renders, and recompiling every view and partial on every page cost them ~6 % of
  // their CPU (bench/README.md "test suite").
  if (config.env !== 'development') app.enable('view cache');
  app.set('query parser', 'simple');
  // The case page's evidence panel states the upload limit.
  app.locals.maxUploadBytes = config.maxUploadBytes;

  app.use(requestContext);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );

  const assets = { maxAge: config.env === 'production' ? '7d' : 0, index: false as const, fallthrough: false };
  app.use('/assets/pico', express.static(path.join(nodeModulesDir, '@picocss/pico/css'), assets));
  app.use('/assets/htmx', express.static(path.join(nodeModulesDir, 'htmx.org/dist'), assets));
  app.use('/assets/app', express.static(publicDir, assets));
  // Browsers and tools ask for /favicon.ico whatever the page links: answer with the one icon.
  app.get('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').sendFile(path.join(publicDir, 'favicon.svg'), { maxAge: assets.maxAge });
  });

  app.use(cookieParser());
  app.use(express.json({ limit: JSON_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false, limit: JSON_LIMIT, parameterLimit: 1000 }));
  app.use(authenticateRequest(config));
  app.use(noStoreWhenSignedIn);
  app.use(language);
  const csrf = csrfProtection(config);
  // The evidence upload form is multipart: its route checks the form's CSRF token itself, from the
  // multipart body, before it writes anything (src/features/evidence/pages.ts).
  app.use(evidenceUploadPage(config, csrf.protect));
  app.use(csrf.protect);
  app.use(refuseNulCharacters);

  app.use(healthRouter());
  app.use('/api', docsRouter());
  app.use(
    '/api/v1',
    jsonOnly,
    authApi(config),
    usersApi(),
    auditApi(config),
    customersApi(config),
    complaintsApi(config),
    evidenceApi(config),
    findingsApi(),
    actionsApi(config),
    solutionsApi(config),
    meetingsApi(config),
    lettersApi(config),
    regulatoryApi(config),
    disputeApi(config),
    // Before the archive routes: /archives/retention-review is not an archive id.
    retentionApi(),
    disposalApi(),
    reportsApi(config),
    settingsApi(),
    outboxApi(),
    jobsApi(config),
    notificationsApi(config),
    archivesApi(),
  );
  app.use('/api', () => {
    throw notFound('API endpoint');
  });

  app.use(pageLocals(config, csrf.token));
  app.use(
    authPages(config),
    // The public satisfaction survey (no sign-in), beside the sign-in page.
    surveyPages(),
    homePages(),
    // Before the case page: adds the documents (8D, dispute file) its partial shows.
    disputePages(),
    // Before the case page too: adds the case's archive its panel shows.
    archivesPages(),
    complaintsPages(config),
    evidencePages(),
    findingsPages(),
    actionsPages(config),
    solutionsPages(config),
    meetingsPages(),
    lettersPages(config),
    regulatoryPages(config),
    retentionPages(),
    disposalPages(),
    customersPages(),
    usersPages(),
    settingsPages(),
    outboxPages(),
    jobsPages(config),
    notificationsPages(config),
    auditPages(config),
    reportsPages(config),
    accountPages(),
  );
  app.use(() => {
    throw notFound('Page');
  });

  app.use(errorHandler(renderErrorPage));
  return app;
}
