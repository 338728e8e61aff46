import { Router } from 'express';
import { AppError } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { OUTBOX_STATUSES, retryOutbox } from '../../outbox/outbox';
import { countOutbox, listOutbox } from '../../outbox/queries';
import { authorize } from '../../policies/authorize';
import { requireSignIn } from '../../http/auth';
import { setFlash } from '../../http/pageLocals';
import { OutboxListQuery } from './schema';

/** /admin/outbox: the sysadmin sees what is queued, sent and failed (with the error) and retries a failed message. */
export function outboxPages(): Router {
  const r = Router();
  r.use('/admin/outbox', requireSignIn);

  r.get('/admin/outbox', async (req, res) => {
    authorize(req, 'read', 'Outbox');
    const query = pageQuery(req, Object.keys(OutboxListQuery.shape));
    const filter = parse(OutboxListQuery, query, req.lang);
    const [page, counts] = await Promise.all([listOutbox(filter, (e) => e), countOutbox()]);
    res.render('admin/outbox', {
      title: req.t('outbox.title'),
      page,
      counts,
      statuses: OUTBOX_STATUSES,
      query,
      canRetry: req.ability.can('update', 'Outbox'),
    });
  });

  r.post('/admin/outbox/:id/retry', async (req, res) => {
    authorize(req, 'update', 'Outbox');
    const id = idParam(req);
    try {
      await retryOutbox(id);
      setFlash(res, 'outbox.retried');
    } catch (err) {
      // Someone retried it first, or it was sent meanwhile: say so on the list instead of an error page.
      if (!(err instanceof AppError && err.status === 409)) throw err;
      setFlash(res, 'outbox.not_failed');
    }
    res.redirect(303, '/admin/outbox?status=failed');
  });

  return r;
}
