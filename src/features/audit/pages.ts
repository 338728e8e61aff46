import { Router } from 'express';
import type { Config } from '../../config';
import { verifyAuditTrail } from '../../commands/auditVerifier';
import { AppError, type FieldError } from '../../lib/errors';
import { pageQuery } from '../../lib/http';
import type { AuditEvent } from '../../models';
import { authorize } from '../../policies/authorize';
import { auditLinks, listAuditEvents, type AuditLinks } from '../../queries/audit';
import { requireSignIn } from '../../http/auth';
import { formErrors } from '../../http/pageLocals';
import { auditFilter } from './api';
import { AuditListQuery } from './schema';
import { presentAuditEvent } from '../../presenters/audit';

/** An event as the auditor's table shows it: the API's shape plus the name of the user it is about. */
function presentRow(e: AuditEvent, links: AuditLinks) {
  return { ...presentAuditEvent(e, links), entityName: e.entityType === 'User' && e.entityId ? (links.userNames.get(e.entityId) ?? null) : null };
}

/** /audit: the auditor browses and filters the trail, and runs a verification. */
export function auditPages(config: Config): Router {
  const r = Router();
  r.use('/audit', requireSignIn);

  r.get('/audit', async (req, res) => {
    authorize(req, 'read', 'AuditEvent');
    const query = pageQuery(req, Object.keys(AuditListQuery.shape));
    let page: { items: Array<ReturnType<typeof presentRow>>; nextCursor: string | null };
    let errors: FieldError[] | undefined;
    try {
      const events = await listAuditEvents(auditFilter(query, config, req.lang), (e) => e);
      // Names and case references for the whole page: two queries, not one per row.
      const links = await auditLinks(events.items);
      page = { items: events.items.map((e) => presentRow(e, links)), nextCursor: events.nextCursor };
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      errors = formErrors(err, req.t).errors;
      page = { items: [], nextCursor: null };
    }
    const nextQuery = page.nextCursor ? new URLSearchParams({ ...query, cursor: page.nextCursor }).toString() : null;
    res.status(errors ? 400 : 200).render('audit/index', { title: req.t('audit.title'), page, values: query, filtered: Object.keys(query).length > 0, errors, nextQuery });
  });

  r.get('/audit/verify', async (req, res) => {
    authorize(req, 'verify', 'AuditEvent');
    const result = await verifyAuditTrail();
    res.render(req.get('hx-request') ? 'partials/verifyResult' : 'audit/verify', {
      title: req.t('audit.verify.title'),
      result,
      layout: req.get('hx-request') ? false : 'main',
    });
  });

  return r;
}
