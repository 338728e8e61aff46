/**
 * Evidence bytes in PostgreSQL (migration 0013): `evidence_blob_chunks` holds each upload's bytes
 * in 256 KiB rows, `evidence_blobs` names a chunk set by the SHA-256 of its bytes. See
 * `./blobStore.ts` for the protocol. Every statement here runs on its own (never inside a caller's
 * transaction, except `commit`), so on the embedded database — one connection for everybody —
 * other requests' statements take their turn between any two chunks.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { currentTransaction } from '../lib/context';
import { logger } from '../lib/logger';
import type { BlobRange, BlobStore, PendingBlob } from './blobStore';
import type { SpooledFile } from './spool';

/** Bytes per chunk row: big enough that a 25 MB file is 100 statements, small enough that one statement is a few ms. */
export const CHUNK_SIZE = 256 * 1024;

interface BlobRow {
  chunk_set: string;
  chunk_size: number;
  chunk_count: number;
  size: number;
}

/** Statements of the protocol's outside-a-transaction steps must not join one through the CLS. */
const own = { transaction: null } as const;

function outsideTransaction(what: string): void {
  if (currentTransaction()) throw new Error(`${what} must run outside a transaction: it would hold the connection for the whole file`);
}

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
async function readFully(handle: fsp.FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

export class PgBlobStore implements BlobStore {
  readonly kind = 'postgresql';

  constructor(private readonly chunkSize = CHUNK_SIZE) {}

  async has(sha256: string): Promise<boolean> {
    const rows = await sequelize().query('SELECT 1 FROM evidence_blobs WHERE sha256 = $1', { bind: [sha256], type: QueryTypes.SELECT });
    return rows.length > 0;
  }

  async put(file: SpooledFile): Promise<PendingBlob> {
    outsideTransaction('PgBlobStore.put');
    const { sha256, size } = file;
    if (await this.has(sha256)) {
      // Stored already (blobs are never removed): nothing to stage.
      return { sha256, size, commit: async () => 'existing', discard: async () => undefined };
    }
    const chunkSet = randomUUID();
    const chunkSize = this.chunkSize;
    const chunkCount = Math.ceil(size / chunkSize);
    const handle = await fsp.open(file.path, 'r');
    try {
      for (let seq = 0; seq < chunkCount; seq++) {
        const data = await readFully(handle, chunkSize, seq * chunkSize);
        // One statement per chunk, each on its own: the pool hands the connection to whoever waits in between.
        await sequelize().query('INSERT INTO evidence_blob_chunks (chunk_set, seq, data) VALUES ($1, $2, $3)', { bind: [chunkSet, seq, data], type: QueryTypes.INSERT, ...own });
      }
    } catch (err) {
      await this.drop(chunkSet);
      throw err;
    } finally {
      await handle.close();
    }
    return {
      sha256,
      size,
      commit: () => this.commit(chunkSet, sha256, size, chunkSize, chunkCount),
      discard: () => this.drop(chunkSet),
    };
  }

  /** In the caller's transaction: checks the staged set is whole (and keeps a sweep off it), then names it by its hash. */
  private async commit(chunkSet: string, sha256: string, size: number, chunkSize: number, chunkCount: number): Promise<'stored' | 'existing'> {
    if (!currentTransaction()) throw new Error('A pending blob is committed inside the transaction that records its evidence');
    const [staged] = await sequelize().query<{ n: number; bytes: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(octet_length(s.data)), 0)::bigint AS bytes
         FROM (SELECT data FROM evidence_blob_chunks WHERE chunk_set = $1 FOR KEY SHARE) s`,
      { bind: [chunkSet], type: QueryTypes.SELECT },
    );
    if (staged.n !== chunkCount || Number(staged.bytes) !== size) throw new Error(`Staged chunk set ${chunkSet} is incomplete (${staged.n}/${chunkCount} chunks)`);
    const inserted = await sequelize().query(
      `INSERT INTO evidence_blobs (sha256, size, chunk_set, chunk_size, chunk_count) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      { bind: [sha256, size, chunkSet, chunkSize, chunkCount], type: QueryTypes.SELECT },
    );
    return inserted.length ? 'stored' : 'existing';
  }

  /** Drops a staged set no blob owns; a set a blob owns is left alone (and the trigger would refuse). */
  private async drop(chunkSet: string): Promise<void> {
    try {
      await sequelize().query(
        `DELETE FROM evidence_blob_chunks c WHERE c.chunk_set = $1 AND NOT EXISTS (SELECT 1 FROM evidence_blobs b WHERE b.chunk_set = $1)`,
        { bind: [chunkSet], type: QueryTypes.DELETE, ...own },
      );
    } catch (err) {
      // Left for the sweep: it only costs space.
      logger.warn('could not drop a staged evidence chunk set', { chunkSet, error: String(err) });
    }
  }

  async open(sha256: string, range?: BlobRange): Promise<Readable | null> {
    const [blob] = await sequelize().query<BlobRow>('SELECT chunk_set, chunk_size, chunk_count, size FROM evidence_blobs WHERE sha256 = $1', {
      bind: [sha256],
      type: QueryTypes.SELECT,
      ...own,
    });
    if (!blob) return null;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? blob.size - 1, blob.size - 1);
    let seq = Math.floor(start / blob.chunk_size);
    const last = Math.floor(end / blob.chunk_size);
    return new Readable({
      // One chunk in flight: the next is read when the client has taken this one.
      highWaterMark: blob.chunk_size,
      read() {
        if (seq > last) {
          this.push(null);
          return;
        }
        const at = seq++;
        sequelize()
          .query<{ data: Buffer }>('SELECT data FROM evidence_blob_chunks WHERE chunk_set = $1 AND seq = $2', { bind: [blob.chunk_set, at], type: QueryTypes.SELECT, ...own })
          .then(([row]) => {
            if (this.destroyed) return;
            if (!row) throw new Error(`Blob ${sha256} has no chunk ${at}`);
            const offset = at * blob.chunk_size;
            const from = Math.max(0, start - offset);
            const to = Math.min(row.data.length, end - offset + 1);
            this.push(from === 0 && to === row.data.length ? row.data : row.data.subarray(from, to));
          })
          .catch((err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))));
      },
    });
  }

  async sweep(olderThanMs: number): Promise<number> {
    outsideTransaction('PgBlobStore.sweep');
    const rows = await sequelize().query<{ chunk_set: string }>(
      `DELETE FROM evidence_blob_chunks c
        WHERE c.chunk_set IN (SELECT s.chunk_set FROM evidence_blob_chunks s
                               WHERE s.seq = 0 AND s.created_at < now() - make_interval(secs => $1)
                                 AND NOT EXISTS (SELECT 1 FROM evidence_blobs b WHERE b.chunk_set = s.chunk_set)
                               ORDER BY s.created_at LIMIT 100)
          AND NOT EXISTS (SELECT 1 FROM evidence_blobs b WHERE b.chunk_set = c.chunk_set)
        RETURNING c.chunk_set`,
      { bind: [olderThanMs / 1000], type: QueryTypes.SELECT, ...own },
    );
    return new Set(rows.map((r) => r.chunk_set)).size;
  }
}
