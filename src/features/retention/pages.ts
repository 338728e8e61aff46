import { Router, type Request, type Response } from 'express';
import { setLegalHold, updateRetentionClass } from '../../commands/retention';
import { requireSignIn } from '../../http/auth';
import { readsCase } from '../../http/cases';
import { formErrors, setFlash } from '../../http/pageLocals';
import { notFound, type FieldError } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint } from '../../models';
import { authorize } from '../../policies/authorize';
import { retentionClassLabel } from '../../presenters/retention';
import { findArchiveMeta, listRetentionClasses, presentArchiveMeta } from '../../queries/retention';
import { legalHoldActor, readsArchiveContent, reviewPage } from './api';
import { LegalHoldBody, PutRetentionClassBody, RetentionReviewQuery } from './schema';

type Form = Record<string, unknown>;
type Shown = { status: number; message?: string; errors: FieldError[] };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): unknown => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v === '' || v === undefined ? undefined : v);

/** Where the hold form returns: an archive or case page of this app, else the review list. */
const returnPath = (v: unknown) => (typeof v === 'string' && /^\/(archives|complaints)(\/[A-Za-z0-9_-]+)*$/.test(v) ? v : '/archives/retention-review');

/** /admin/retention (sysadmin), /archives/retention-review, /archives/:id/legal-hold (legal). */
export function retentionPages(): Router {
  const r = Router();
  r.use(['/admin/retention', '/archives'], requireSignIn);

  const renderClasses = async (req: Request, res: Response, edited?: { key: string; values: Form } & Shown) => {
    const classes = (await listRetentionClasses()).map((c) => ({
      ...c,
      label: retentionClassLabel(c.key, req.t),
      values: edited?.key === c.key ? { years: str(edited.values.years), description: str(edited.values.description) } : { years: String(c.years), description: c.description },
      errors: edited?.key === c.key ? edited.errors : undefined,
    }));
    res.status(edited?.status ?? 200).render('admin/retention', { title: req.t('retention.classes.title'), classes, errors: edited?.errors, message: edited?.message });
  };

  r.get('/admin/retention', async (req, res) => {
    authorize(req, 'update', 'RetentionClass');
    await renderClasses(req, res);
  });

  r.post('/admin/retention/:key', async (req, res) => {
    authorize(req, 'update', 'RetentionClass');
    const key = String(req.params.key);
    const body = req.body as Form;
    try {
      const input = parse(PutRetentionClassBody, { years: int(body.years), description: str(body.description), version: int(body.version) }, req.lang);
      await updateRetentionClass(key, input);
      setFlash(res, 'retention.classes.saved');
      res.redirect(303, '/admin/retention');
    } catch (err) {
      const shown = formErrors(err, req.t);
      if (shown.status === 404) throw err;
      await renderClasses(req, res, { key, values: body, ...shown });
    }
  });

  r.get('/archives/retention-review', async (req, res) => {
    authorize(req, 'review', 'Archive');
    const query = pageQuery(req, ['withinDays', 'cursor']);
    const page = await reviewPage(req, parse(RetentionReviewQuery, query, req.lang));
    res.render('archives/retention-review', {
      title: req.t('retention.review.title'),
      page,
      query,
      content: readsArchiveContent(req),
      canHold: req.ability.can('hold', 'Archive'),
      canPropose: req.ability.can('create', 'Disposal'),
      canReadDisposals: req.ability.can('read', 'Disposal'),
    });
  });

  const renderHold = async (req: Request, res: Response, id: string, state: { values?: Form; returnTo?: string } & Partial<Shown> = {}) => {
    const archive = await findArchiveMeta(id);
    const complaint = archive && (await Complaint.findByPk(archive.complaintId));
    if (!archive || !complaint || !readsCase(req, complaint)) throw notFound('Archive');
    res.status(state.status ?? 200).render('archives/legal-hold', {
      title: req.t('retention.hold.title'),
      archive: presentArchiveMeta(archive, true),
      holdForm: { values: { reason: str(state.values?.reason) }, errors: state.errors, message: state.message, returnTo: returnPath(state.returnTo ?? `/archives/${id}/legal-hold`) },
    });
  };

  r.get('/archives/:id/legal-hold', async (req, res) => {
    authorize(req, 'hold', 'Archive');
    await renderHold(req, res, idParam(req));
  });

  r.post('/archives/:id/legal-hold', async (req, res) => {
    authorize(req, 'hold', 'Archive');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      const input = parse(LegalHoldBody, { hold: body.hold === 'true', reason: str(body.reason) }, req.lang);
      await setLegalHold(id, input, legalHoldActor(req));
      setFlash(res, input.hold ? 'retention.hold.placed' : 'retention.hold.released');
      res.redirect(303, returnPath(body.returnTo));
    } catch (err) {
      const shown = formErrors(err, req.t);
      if (shown.status === 404) throw err;
      await renderHold(req, res, id, { ...shown, values: body, returnTo: str(body.returnTo) });
    }
  });

  return r;
}
