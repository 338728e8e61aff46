import { Router, type Request, type Response } from 'express';
import { approveDisposal, declineDisposal, proposeDisposal } from '../../commands/disposal';
import { requireSignIn } from '../../http/auth';
import { formErrors, setFlash } from '../../http/pageLocals';
import { notFound, type FieldError } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import * as clock from '../../lib/clock';
import { authorize } from '../../policies/authorize';
import { listDisposals, openDisposalOf, presentDisposal } from '../../queries/disposals';
import { findArchiveMeta, presentArchiveMeta } from '../../queries/retention';
import { disposalActor } from './api';
import { DecideDisposalBody, DisposalListQuery, ProposeDisposalBody } from './schema';

type Form = Record<string, unknown>;
type Shown = { status: number; message?: string; errors: FieldError[] };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** /disposals (the proposals; legal decides there), /archives/:id/disposal (the sysadmin's proposal form). */
export function disposalPages(): Router {
  const r = Router();
  r.use(['/disposals', '/archives/:id/disposal'], requireSignIn);

  const renderList = async (req: Request, res: Response, failed?: { id: string; values: Form } & Shown) => {
    const query = pageQuery(req, ['status', 'cursor']);
    const page = await listDisposals(parse(DisposalListQuery, query, req.lang));
    const me = req.user!.id;
    const mayDecide = req.ability.can('approve', 'Disposal');
    const items = page.items.map((d) => ({
      ...presentDisposal(d),
      decidable: mayDecide && d.status === 'proposed' && d.proposedBy !== me,
      own: d.status === 'proposed' && d.proposedBy === me,
      comment: failed?.id === d.id ? str(failed.values.comment) : '',
    }));
    const failure = failed && { errors: failed.errors, message: failed.message };
    res.status(failed?.status ?? 200).render('disposals/index', { title: req.t('disposal.list.title'), items, nextCursor: page.nextCursor, query, failure });
  };

  r.get('/disposals', async (req, res) => {
    authorize(req, 'read', 'Disposal');
    await renderList(req, res);
  });

  for (const [path, decide, flash] of [
    ['approve', approveDisposal, 'disposal.flash.approved'],
    ['decline', declineDisposal, 'disposal.flash.declined'],
  ] as const) {
    r.post(`/disposals/:id/${path}`, async (req, res) => {
      authorize(req, 'approve', 'Disposal');
      const id = idParam(req);
      const body = req.body as Form;
      try {
        await decide(id, parse(DecideDisposalBody, { comment: str(body.comment) || undefined }, req.lang), disposalActor(req));
        setFlash(res, flash);
        res.redirect(303, '/disposals');
      } catch (err) {
        const shown = formErrors(err, req.t);
        if (shown.status === 404) throw err;
        await renderList(req, res, { id, values: body, ...shown });
      }
    });
  }

  const renderPropose = async (req: Request, res: Response, id: string, state: { values?: Form } & Partial<Shown> = {}) => {
    const archive = await findArchiveMeta(id);
    if (!archive) throw notFound('Archive');
    const pending = await openDisposalOf(id);
    const due = !archive.disposedAt && !archive.legalHold && archive.retentionUntil.getTime() <= clock.now().getTime();
    res.status(state.status ?? 200).render('disposals/propose', {
      title: req.t('disposal.propose.title'),
      archive: presentArchiveMeta(archive, false),
      pending: pending && presentDisposal(pending),
      due,
      form: { reason: str(state.values?.reason), errors: state.errors, message: state.message },
    });
  };

  r.get('/archives/:id/disposal', async (req, res) => {
    authorize(req, 'create', 'Disposal');
    await renderPropose(req, res, idParam(req));
  });

  r.post('/archives/:id/disposal', async (req, res) => {
    authorize(req, 'create', 'Disposal');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      await proposeDisposal(id, parse(ProposeDisposalBody, { reason: str(body.reason) }, req.lang), disposalActor(req));
      setFlash(res, 'disposal.flash.proposed');
      res.redirect(303, '/disposals');
    } catch (err) {
      const shown = formErrors(err, req.t);
      if (shown.status === 404) throw err;
      await renderPropose(req, res, id, { ...shown, values: body });
    }
  });

  return r;
}
