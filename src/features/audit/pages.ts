import { Router } from 'express';
import type { Config } from '../../config';
import { verifyAuditTrail } from '../../commands/auditVerifier';
import { AppError } from '../../lib/errors';
import { pageQuery } from '../../lib/http';
import { authorize } from '../../policies/authorize';
import { listAuditEvents } from '../../queries/audit';
import { requireSignIn } from '../auth/middleware';
import { auditFilter } from './api';
import { AuditListQuery } from './schema';
import { presentAuditEvent } from './presenter';

/** /audit: the auditor browses and filters the trail, and runs a verification. */
export function auditPages(config: Config): Router {
  const r = Router();
  r.use('/audit', requireSignIn);

  r.get('/audit', async (req, res) => {
    authorize(req, 'read', 'AuditEvent');
    const query = pageQuery(req, Object.keys(AuditListQuery.shape));
    let page;
    let errors;
    try {
      page = await listAuditEvents(auditFilter(query, config, req.lang), presentAuditEvent);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      errors = err.errors;
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
