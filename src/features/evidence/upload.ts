/**
 * Receiving a multipart upload (busboy): the form's fields in memory (small, limited), the one
 * `file` part streamed to a temporary file while it is hashed (src/storage/spool.ts) — never the
 * whole file in memory, never the database while the client's bytes travel.
 *
 * Too big: refused as soon as the limit is crossed (or at once, when Content-Length already says
 * so) with 413 and `Connection: close`, without reading the rest. Aborted by the client: the
 * temporary file is removed and nothing reaches the store.
 */
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { AppError, badRequest, fieldError, unsupportedMediaType } from '../../lib/errors';
import { spoolToTempFile, SpoolLimitExceeded, type SpooledFile } from '../../storage/spool';

/** Room for the form's fields and the multipart framing around the file. */
const FORM_OVERHEAD = 256 * 1024;

export interface ReceivedFile extends SpooledFile {
  /** The name the client gave (untrusted: a display name only). */
  filename: string;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  /** The `file` part; null when the form had none, or an empty one with no name (nothing chosen). */
  file: ReceivedFile | null;
}

/** 413 `payload_too_large`; the connection closes after it, so the rest of the body is never read. */
export function uploadTooLarge(maxBytes: number): AppError {
  const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  return new AppError(413, 'payload_too_large', `The file is larger than the limit of ${mb} MB (MAX_UPLOAD_MB).`, [fieldError('file', 'evidence.errors.tooLarge', { max: `${mb} MB` })], {
    Connection: 'close',
  });
}

/**
 * Reads the multipart body of `req`. `beforeFile(fields)` runs when the file part starts (the
 * fields before it are known; the file waits): a page checks its CSRF token there, so nothing is
 * written for a forged form.
 */
export function receiveUpload(req: Request, maxBytes: number, beforeFile?: (fields: Record<string, string>) => Promise<void>): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) return Promise.reject(unsupportedMediaType('Send the evidence as multipart/form-data (fields: file, description, sourceDepartment, collectedAt).'));
  const declared = Number(req.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + FORM_OVERHEAD) return Promise.reject(uploadTooLarge(maxBytes));

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 20_000, parts: 25, headerPairs: 50 },
      });
    } catch {
      reject(badRequest('The multipart body has no boundary.', [fieldError('file', 'evidence.errors.malformed')]));
      return;
    }
    const fields: Record<string, string> = {};
    let stream: Readable | undefined;
    let spool: Promise<ReceivedFile> | undefined;
    let settled = false;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.pause();
      stream?.destroy();
      // The temporary file is gone before the request's error is answered.
      const spooled = spool ? spool.then((f) => f.cleanup(), () => undefined) : Promise.resolve();
      void spooled.then(() => reject(err));
    };
    const malformed = () => badRequest('The multipart body could not be read.', [fieldError('file', 'evidence.errors.malformed')]);
    const tooMany = () => uploadTooLarge(maxBytes);

    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) return fail(badRequest(`The field ${name} is too long.`, [fieldError(name, 'evidence.errors.fieldTooLong')]));
      fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file' || spool || settled) {
        file.resume();
        return;
      }
      stream = file;
      // Its errors reach the spool's pipeline, or nobody once the upload failed: never an unhandled 'error'.
      file.on('error', () => undefined);
      spool = (async () => {
        if (beforeFile) await beforeFile({ ...fields });
        const spooled = await spoolToTempFile(file, maxBytes);
        return { ...spooled, filename: info.filename ?? '' };
      })();
      spool.catch((err: unknown) => fail(err instanceof SpoolLimitExceeded ? uploadTooLarge(maxBytes) : err));
    });
    parser.on('partsLimit', () => fail(tooMany()));
    parser.on('fieldsLimit', () => fail(tooMany()));
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => {
      if (settled) return;
      (spool ?? Promise.resolve(null))
        .then(async (file) => {
          if (settled) return void (await file?.cleanup());
          if (!file && beforeFile) await beforeFile({ ...fields });
          settled = true;
          // A file input left empty sends a part with no name and no bytes: no file was chosen.
          if (file && file.size === 0 && !file.filename) {
            await file.cleanup();
            return resolve({ fields, file: null });
          }
          resolve({ fields, file });
        })
        .catch(fail);
    });
    // The client went away mid-body: nothing is kept.
    req.on('error', () => fail(badRequest('The upload was aborted.', [fieldError('file', 'evidence.errors.aborted')])));
    req.on('close', () => {
      if (!req.complete) fail(badRequest('The upload was aborted.', [fieldError('file', 'evidence.errors.aborted')]));
    });
    req.pipe(parser);
  });
}
