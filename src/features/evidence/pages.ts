import { Router, type NextFunction, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { withdrawEvidence } from '../../commands/evidence';
import { requireSignIn } from '../../http/auth';
import { field } from '../../http/forms';
import { setFlash } from '../../http/pageLocals';
import { AppError, notFound } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { findEvidence } from '../../queries/evidence';
import { visibleCase } from '../../http/cases';
import { evidenceActor, storeUpload } from './api';
import { WithdrawBody } from './schema';
import { receiveUpload } from './upload';

type Protect = (req: Request, res: Response, next: NextFunction) => void;

const back = (res: Response, complaintId: string) => res.redirect(303, `/complaints/${complaintId}#evidence`);

/** What the page says about a refused upload (a flash: the form is on the case page, which another feature renders). */
function uploadFlash(err: AppError): string {
  const key = err.errors?.[0]?.key ?? '';
  if (err.code === 'payload_too_large') return 'evidence.flash.too_large';
  if (err.code === 'unsupported_media_type') return 'evidence.flash.type';
  if (err.code === 'immutable_record') return 'evidence.flash.sealed';
  if (key === 'evidence.errors.fileRequired') return 'evidence.flash.no_file';
  if (key === 'evidence.errors.fileEmpty') return 'evidence.flash.empty';
  if (err.errors?.[0]?.path === 'description') return 'evidence.flash.description';
  return 'evidence.flash.failed';
}

/** A `datetime-local` value in the organisation's zone, as the API's instant. */
const zoneInstant = (zone: string) => (value: string | undefined) => {
  if (!value) return undefined;
  const dt = DateTime.fromISO(value, { zone });
  return dt.isValid ? dt.toISO()! : value;
};

/**
 * The case page's upload form without JavaScript: a multipart POST. Mounted before the app's CSRF
 * middleware, which reads the token from a parsed body and so cannot see a multipart one: the form
 * sends `_csrf` as its first field and this route checks it with the same middleware as soon as
 * the file part starts — before a byte of the file is written. (With JavaScript, the page posts to
 * the API with the token in X-CSRF-Token instead, and shows the upload's progress.)
 */
export function evidenceUploadPage(config: Config, protect: Protect): Router {
  const r = Router();
  r.post('/complaints/:id/evidence', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Evidence');
    const complaint = await visibleCase(req, idParam(req));
    const checkCsrf = (fields: Record<string, string>) =>
      new Promise<void>((resolve, reject) => {
        req.body = { _csrf: fields._csrf };
        protect(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
      });
    try {
      const upload = await receiveUpload(req, config.maxUploadBytes, checkCsrf);
      try {
        await storeUpload(complaint.id, upload, req, req.lang, zoneInstant(config.timezone));
      } finally {
        await upload.file?.cleanup();
      }
      setFlash(res, 'evidence.flash.uploaded');
    } catch (err) {
      if (!(err instanceof AppError) || err.status < 400 || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
      for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
      setFlash(res, uploadFlash(err));
    }
    back(res, complaint.id);
  });
  return r;
}

/** Withdrawing evidence from the case page (an ordinary form). */
export function evidencePages(): Router {
  const r = Router();
  r.post('/evidence/:id/withdraw', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'Evidence');
    const evidence = await findEvidence(idParam(req));
    if (!evidence) throw notFound('Evidence');
    await visibleCase(req, evidence.complaintId);
    try {
      const { reason } = parse(WithdrawBody, { reason: field(req.body as Record<string, unknown>, 'reason') }, req.lang);
      await withdrawEvidence(evidence.id, reason, evidenceActor(req));
      setFlash(res, 'evidence.flash.withdrawn');
    } catch (err) {
      if (!(err instanceof AppError) || err.status === 403 || err.status >= 500) throw err;
      setFlash(res, err.status === 400 ? 'evidence.flash.reason_required' : err.code === 'immutable_record' ? 'evidence.flash.sealed' : 'evidence.flash.withdrawn_already');
    }
    back(res, evidence.complaintId);
  });
  return r;
}
