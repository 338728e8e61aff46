/**
 * Spooling an incoming file to a temporary file while hashing it: the bytes travel from the client
 * to the disk at the client's pace, with nothing in memory but the chunk in flight and nothing
 * held in the database. The file's name is random; no name from the user touches the file system.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Temporary upload files are `<tmpdir>/casebook-upload-<pid>-<uuid>`. */
export const SPOOL_PREFIX = 'casebook-upload-';
export const spoolPrefixOfThisProcess = (): string => `${SPOOL_PREFIX}${process.pid}-`;

/** A received file on local disk, with what was learnt while it was written. */
export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
  /** Valid UTF-8 without NUL characters: the one type with no magic bytes (plain text). */
  utf8Text: boolean;
  /** Removes the temporary file (idempotent). */
  cleanup(): Promise<void>;
}

/** Thrown when the stream carries more than `maxBytes`: the caller stops reading at once. */
export class SpoolLimitExceeded extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
    this.name = 'SpoolLimitExceeded';
  }
}

/**
 * Writes `source` to a new temporary file, computing its SHA-256 and size and whether it is plain
 * text. Rejects with SpoolLimitExceeded as soon as more than `maxBytes` arrive (or when `source`
 * says it hit its own limit: busboy's `limit` event); on any failure the file is removed.
 */
export async function spoolToTempFile(source: Readable, maxBytes: number): Promise<SpooledFile> {
  const file = path.join(os.tmpdir(), `${spoolPrefixOfThisProcess()}${randomUUID()}`);
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let utf8Text = true;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new SpoolLimitExceeded(maxBytes));
      hash.update(chunk);
      if (utf8Text) {
        if (chunk.includes(0)) utf8Text = false;
        else {
          try {
            decoder.decode(chunk, { stream: true });
          } catch {
            utf8Text = false;
          }
        }
      }
      done(null, chunk);
    },
    flush(done) {
      if (utf8Text) {
        try {
          decoder.decode();
        } catch {
          utf8Text = false;
        }
      }
      done();
    },
  });
  // busboy ends a file stream that reached its limit (truncated) and says so with `limit`.
  const onLimit = () => meter.destroy(new SpoolLimitExceeded(maxBytes));
  source.once('limit', onLimit);
  const cleanup = () => fsp.rm(file, { force: true });
  try {
    await pipeline(source, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    source.off('limit', onLimit);
  }
  if ((source as Readable & { truncated?: boolean }).truncated) {
    await cleanup();
    throw new SpoolLimitExceeded(maxBytes);
  }
  return { path: file, sha256: hash.digest('hex'), size, utf8Text, cleanup };
}
