import { Router } from 'express';
import { allowed } from '../../policies/authorize';

/**
 * The case page's documents (views/partials/case-documents.hbs): the 8D report for every reader
 * and the dispute file for who may export a case (legal, auditor). Mounted before the case page,
 * it only adds what the partial shows to the page's locals, from the ability, and lets the case
 * page answer. Both links go to the API routes (src/features/dispute/api.ts), which accept the
 * session cookie; the ZIP's headers are sent before it is built, so the browser's own download
 * shows at once and tracks its progress.
 */
export function disputePages(): Router {
  const r = Router();
  r.get('/complaints/:id', (req, res, next) => {
    const id = req.params.id;
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && allowed(req, 'read', 'Complaint')) {
      res.locals.caseDocuments = {
        eightDHref: `/api/v1/complaints/${id}/8d.pdf`,
        disputeFileHref: allowed(req, 'export', 'Complaint') ? `/api/v1/complaints/${id}/dispute-file` : null,
      };
    }
    next();
  });
  return r;
}
