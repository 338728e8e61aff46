import { subject } from '@casl/ability';
import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config';
import { addEvidence, withdrawEvidence, type EvidenceActor, type InTransaction } from '../../commands/evidence';
import { byteRange, contentDisposition, contentTypeOf, extensionOf, servedFilename, servedInline } from '../../domain/evidence';
import { AppError, fieldError, notFound, validationFailed } from '../../lib/errors';
import { readsCase, visibleCase } from '../../http/cases';
import { idParam } from '../../lib/http';
import { claimKey, idempotencyClaim, idempotencyKey, recordOutcome, storedOutcome, type Outcome } from '../../lib/idempotency';
import { logger } from '../../lib/logger';
import { parse } from '../../lib/validate';
import type { Lang } from '../../lib/i18n';
import type { Evidence } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { contentUrl, presentUpload } from '../../presenters/evidence';
import { findEvidence, presentOne } from '../../queries/evidence';
import { blobStore } from '../../storage/blobStore';
import { EvidenceFields, WithdrawBody } from './schema';
import { receiveUpload, type ReceivedUpload } from './upload';


/** The signed-in user as the evidence commands see them, asked about the case row the command locked. */
export function evidenceActor(req: Request): EvidenceActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    may: (action, c) => req.ability.can(action, subject('Evidence', { complaintId: c.id } as SubjectRecord)),
  };
}

/** Checks what arrived and records it: 400 without a file or with an empty one or bad fields, then the command's answers. */
export async function storeUpload(
  complaintId: string,
  upload: ReceivedUpload,
  req: Request,
  lang: Lang = 'en',
  zoneInstant?: (v: string | undefined) => string | undefined,
  within?: InTransaction,
): Promise<Evidence> {
  const { file, fields } = upload;
  if (!file) throw validationFailed([fieldError('file', 'evidence.errors.fileRequired')], 'Send the evidence file in the multipart part named `file`.');
  if (file.size === 0) throw validationFailed([fieldError('file', 'evidence.errors.fileEmpty')], 'The file is empty (0 bytes).');
  const given = (name: string) => (fields[name] === undefined || fields[name].trim() === '' ? undefined : fields[name]);
  const input = parse(
    EvidenceFields,
    { description: fields.description ?? '', sourceDepartment: given('sourceDepartment'), collectedAt: zoneInstant ? zoneInstant(given('collectedAt')) : given('collectedAt') },
    lang,
  );
  return addEvidence(
    complaintId,
    { description: input.description, sourceDepartment: input.sourceDepartment ?? null, collectedAt: input.collectedAt ? new Date(input.collectedAt) : null, filename: file.filename },
    file,
    evidenceActor(req),
    undefined,
    within,
  );
}

/** A retry's first answer, found in the upload's transaction (which it rolls back: nothing is stored twice). */
class Replayed extends Error {
  constructor(readonly outcome: Outcome) {
    super('replayed');
  }
}

/**
 * What an upload's `Idempotency-Key` covers: the file's SHA-256, size and name and the form's
 * fields — never the bytes themselves (the hash stands for them).
 */
const uploadFingerprint = (upload: ReceivedUpload) => ({
  file: upload.file ? { sha256: upload.file.sha256, size: upload.file.size, filename: upload.file.filename ?? null } : null,
  fields: Object.fromEntries(['description', 'sourceDepartment', 'collectedAt'].map((f) => [f, upload.fields[f] ?? null])),
});

function sendOutcome(res: Response, outcome: Outcome): void {
  const body = outcome.body as { id?: string };
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (body?.id) res.location(contentUrl(body.id));
  res.status(outcome.status).json(outcome.body);
}

/** Streams a stored file; a client that goes away mid-file just ends the read (no error is reported). */
async function sendContent(req: Request, res: Response, evidence: Evidence): Promise<void> {
  const etag = `"sha256-${evidence.sha256}"`;
  const inline = servedInline(evidence.mimeType) && req.query.download === undefined;
  res.setHeader('Content-Type', contentTypeOf(evidence.mimeType));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', servedFilename(evidence.filename, { mime: evidence.mimeType, ext: extensionOf(evidence.mimeType) })));
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  if (req.get('if-none-match') === etag) return void res.status(304).end();
  const range = byteRange(req.get('range'), evidence.size);
  if (range === 'unsatisfiable') {
    throw new AppError(416, 'validation_failed', 'The requested range is outside the file.', [{ path: 'Range', message: `The file has ${evidence.size} bytes.` }], { 'Content-Range': `bytes */${evidence.size}` });
  }
  if (range) res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${evidence.size}`);
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : evidence.size));
  if (req.method === 'HEAD') return void res.end();
  const stream = await blobStore().open(evidence.sha256, range ?? undefined);
  if (!stream) throw new Error(`Evidence ${evidence.id} names blob ${evidence.sha256}, which is not stored`);
  try {
    await pipeline(stream, res);
  } catch (err) {
    if (req.destroyed || res.destroyed || (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    logger.warn('evidence download failed mid-stream', { requestId: req.requestId, evidenceId: evidence.id, error: String(err) });
    res.destroy();
  }
}

/** /api/v1: uploading, reading and withdrawing evidence. */
/**
 * Stores the upload (once per Idempotency-Key: a retry of a stored upload is answered before its
 * bytes are staged again; a concurrent first try is found when the key is claimed in the upload's
 * transaction, which then stores nothing) and returns how to answer.
 */
async function storeAnswering(req: Request, res: Response, complaintId: string, upload: ReceivedUpload, key: string | undefined): Promise<() => void> {
  if (key === undefined) {
    const evidence = await storeUpload(complaintId, upload, req);
    return () => res.status(201).location(contentUrl(evidence.id)).json(presentUpload(evidence));
  }
  const claim = idempotencyClaim(req, key, uploadFingerprint(upload));
  const stored = await storedOutcome(claim);
  if (stored) return () => sendOutcome(res, stored);
  try {
    const evidence = await storeUpload(complaintId, upload, req, 'en', undefined, {
      before: async () => {
        const previous = await claimKey(claim);
        if (previous) throw new Replayed(previous);
      },
      after: (e) => recordOutcome(claim, 201, presentUpload(e)),
    });
    return () => sendOutcome(res, { status: 201, body: presentUpload(evidence), replayed: false });
  } catch (err) {
    if (err instanceof Replayed) return () => sendOutcome(res, err.outcome);
    throw err;
  }
}

export function evidenceApi(config: Config): Router {
  const r = Router();

  r.post('/complaints/:id/evidence', async (req, res) => {
    // Refused before a byte of the body is read: who may upload at all (403), which case (404).
    authorize(req, 'create', 'Evidence');
    const complaint = await visibleCase(req, idParam(req));
    const key = idempotencyKey(req);
    const upload = await receiveUpload(req, config.maxUploadBytes);
    // The spooled file is gone before the answer leaves: a client that sees the 201 sees no temporary file.
    let answer: () => void;
    try {
      answer = await storeAnswering(req, res, complaint.id, upload, key);
    } finally {
      await upload.file?.cleanup();
    }
    answer();
  });

  r.get('/evidence/:id/content', async (req, res) => {
    authorize(req, 'read', 'Evidence');
    const evidence = await findEvidence(idParam(req));
    if (!evidence) throw notFound('Evidence');
    await visibleCase(req, evidence.complaintId);
    await sendContent(req, res, evidence);
  });

  r.post('/evidence/:id/withdraw', async (req, res) => {
    authorize(req, 'update', 'Evidence');
    const id = idParam(req);
    const { reason } = parse(WithdrawBody, req.body);
    res.json(await presentOne(await withdrawEvidence(id, reason, evidenceActor(req))));
  });

  return r;
}
