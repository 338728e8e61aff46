/**
 * Where evidence bytes live, behind one small interface: PostgreSQL by default
 * (`./pgBlobStore.ts`); an S3-compatible store is another implementation of the same three steps.
 *
 * Content-addressed: a blob is named by the SHA-256 of its bytes, so the same bytes are stored
 * once. Writing is two-phase so that no transaction waits on bulk I/O:
 *
 * 1. `put(file)` copies the spooled file into the store OUTSIDE any transaction, in short steps
 *    (PostgreSQL: one statement per chunk). Nothing is visible yet.
 * 2. `commit()`, inside the transaction that records the evidence, makes those bytes the blob of
 *    their hash (or finds the blob already stored) — a few rows, not megabytes.
 * 3. `discard()`, after that transaction (committed as a duplicate, or rolled back), drops what
 *    step 1 wrote. A crash between 1 and 2 leaves staged bytes no blob owns; `sweep()` removes them.
 *
 * `open(sha256)` streams a blob back in chunks, each read its own short step: a slow client never
 * holds a database connection between chunks.
 */
import type { Readable } from 'node:stream';
import { PgBlobStore } from './pgBlobStore';
import type { SpooledFile } from './spool';

export interface PendingBlob {
  readonly sha256: string;
  readonly size: number;
  /** Inside the evidence's transaction. `stored`: these bytes are the blob now; `existing`: the same bytes were already stored. */
  commit(): Promise<'stored' | 'existing'>;
  /** Outside any transaction, after the commit's transaction ended: drops staged bytes no blob owns (idempotent). */
  discard(): Promise<void>;
}

export interface BlobRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobStore {
  readonly kind: string;
  /** Whether a blob with this hash is stored (committed). */
  has(sha256: string): Promise<boolean>;
  /** Stages the spooled file's bytes (outside any transaction). A stored hash stages nothing. */
  put(file: SpooledFile): Promise<PendingBlob>;
  /** The blob's bytes (or one range of them) as a stream read chunk by chunk; null when no such blob. */
  open(sha256: string, range?: BlobRange): Promise<Readable | null>;
  /** Removes staged bytes older than `olderThanMs` that no blob owns (a crashed upload's); returns how many sets. */
  sweep(olderThanMs: number): Promise<number>;
}

let current: BlobStore | undefined;

/** The process's blob store (PostgreSQL unless another was installed). */
export function blobStore(): BlobStore {
  current ??= new PgBlobStore();
  return current;
}

/** Installs another store (an S3-compatible one, a test double). */
export function useBlobStore(store: BlobStore | undefined): void {
  current = store;
}
