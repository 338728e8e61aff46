/**
 * `archive:verify` and GET /archives/verify: recomputes every archive's hash from its snapshot and
 * the archive chain, every evidence blob's and letter PDF's hash from its bytes, and runs the audit
 * trail's verification. Keyset batches (no table is ever loaded whole; a blob is read chunk by
 * chunk); whatever a superuser did to the rows is a failure naming the record, never a crash.
 */
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { sha256Hex } from '../domain/canonical';
import { verifyAuditTrail, type VerificationFailure } from './auditVerifier';

export interface ArchiveVerification {
  ok: boolean;
  checked: number;
  failures: VerificationFailure[];
}

export type VerifyPhase = 'archives' | 'evidence' | 'letters' | 'audit';
/** Called as the work goes: the phase, how many of its items are done, and its total. */
export type VerifyProgress = (phase: VerifyPhase, done: number, total: number) => void;

const ARCHIVE_BATCH = 100;
const BLOB_BATCH = 200;
const PDF_BATCH = 50;

const query = <T extends object>(sql: string, bind: unknown[] = []) => sequelize().query<T>(sql, { bind, type: QueryTypes.SELECT });

async function total(table: string): Promise<number> {
  const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

interface ArchiveRow {
  id: string;
  complaintId: string;
  reference: string | null;
  position: string;
  sha256: string;
  prevSha256: string | null;
  snapshot: string;
  disposedAt: Date | null;
}

function checkArchive(a: ArchiveRow, prev: { position: number; sha256: string } | null, failures: VerificationFailure[]): void {
  const id = `archive:${a.id}${a.reference ? ` (${a.reference})` : ''}`;
  const position = Number(a.position);
  const expected = (prev?.position ?? 0) + 1;
  if (position !== expected) failures.push({ id, reason: `position ${position} where ${expected} was expected: the chain has a gap` });
  if ((a.prevSha256 ?? null) !== (prev?.sha256 ?? null))
    failures.push({ id, reason: `prevSha256 ${a.prevSha256 ?? 'null'} does not link to the previous archive's sha256 ${prev?.sha256 ?? 'null'}` });
  // A disposed archive's snapshot was purged with its case; its hash stays as the tombstone's proof.
  if (a.disposedAt) return;
  const text = typeof a.snapshot === 'string' ? a.snapshot : '';
  if (sha256Hex(text) !== a.sha256) failures.push({ id, reason: 'the snapshot does not match its sha256: it was altered' });
  try {
    const parsed = JSON.parse(text) as { complaintId?: unknown } | null;
    if (!parsed || typeof parsed !== 'object' || parsed.complaintId !== a.complaintId) failures.push({ id, reason: 'the snapshot is not the snapshot of its case' });
  } catch {
    failures.push({ id, reason: 'the snapshot is not valid JSON' });
  }
}

async function verifyArchiveChain(failures: VerificationFailure[], progress: VerifyProgress): Promise<number> {
  const all = await total('archives');
  let done = 0;
  let prev: { position: number; sha256: string } | null = null;
  for (;;) {
    const batch: ArchiveRow[] = await query<ArchiveRow>(
      `SELECT a.id, a.complaint_id AS "complaintId", c.reference, a.position, a.sha256, a.prev_sha256 AS "prevSha256", a.snapshot, a.disposed_at AS "disposedAt"
         FROM archives a LEFT JOIN complaints c ON c.id = a.complaint_id
        WHERE a.position > $1 ORDER BY a.position LIMIT ${ARCHIVE_BATCH}`,
      [prev?.position ?? 0],
    );
    for (const a of batch) {
      checkArchive(a, prev, failures);
      prev = { position: Number(a.position), sha256: a.sha256 };
    }
    done += batch.length;
    progress('archives', done, all);
    if (batch.length < ARCHIVE_BATCH) return done;
  }
}

/** The cases whose evidence uses a blob (for the failure's name). */
async function blobOwners(sha256: string): Promise<string> {
  const rows = await query<{ id: string; reference: string }>(
    'SELECT e.id, c.reference FROM evidence e JOIN complaints c ON c.id = e.complaint_id WHERE e.blob_sha256 = $1 ORDER BY e.id LIMIT 5',
    [sha256],
  );
  return rows.length ? ` (evidence ${rows.map((r) => `${r.id} of ${r.reference}`).join(', ')})` : '';
}

/**
 * Were these bytes purged by disposal? Every record using them (evidence or letters with this
 * hash) belongs to a case whose signed `complaint.disposed` event exists — the one reason bytes may
 * be gone (migration 0026). A superuser removing the bytes of a live record is still reported.
 */
async function purgedByDisposal(table: 'evidence' | 'letters', sha256: string): Promise<boolean> {
  const column = table === 'evidence' ? 'blob_sha256' : 'sha256';
  const [row] = await query<{ n: number; live: number }>(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM audit_events ev WHERE ev.complaint_id = x.complaint_id AND ev.action = 'complaint.disposed'))::int AS live
       FROM ${table} x WHERE x.${column} = $1`,
    [sha256],
  );
  return row.n > 0 && row.live === 0;
}

/** One blob, streamed chunk by chunk: a reason when its bytes are not what its row says, else null. */
async function checkBlob(b: { sha256: string; size: string; chunkSet: string; chunkCount: number }): Promise<string | null> {
  const hash = createHash('sha256');
  let size = 0;
  for (let seq = 0; seq < b.chunkCount; seq++) {
    const [chunk] = await query<{ data: Buffer }>('SELECT data FROM evidence_blob_chunks WHERE chunk_set = $1 AND seq = $2', [b.chunkSet, seq]);
    if (!chunk) return `chunk ${seq} of ${b.chunkCount} is missing`;
    hash.update(chunk.data);
    size += chunk.data.length;
  }
  const [extra] = await query<{ n: number }>('SELECT count(*)::int AS n FROM evidence_blob_chunks WHERE chunk_set = $1 AND (seq < 0 OR seq >= $2)', [b.chunkSet, b.chunkCount]);
  if (extra.n > 0) return `${extra.n} chunks beyond its ${b.chunkCount}`;
  if (size !== Number(b.size)) return `${size} bytes where ${b.size} were recorded`;
  if (hash.digest('hex') !== b.sha256) return 'its bytes do not match its sha256: they were altered';
  return null;
}

async function verifyBlobs(failures: VerificationFailure[], progress: VerifyProgress): Promise<number> {
  const all = await total('evidence_blobs');
  let done = 0;
  let after = '';
  for (;;) {
    const batch = await query<{ sha256: string; size: string; chunkSet: string; chunkCount: number }>(
      `SELECT sha256, size, chunk_set AS "chunkSet", chunk_count AS "chunkCount" FROM evidence_blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT ${BLOB_BATCH}`,
      [after],
    );
    for (const b of batch) {
      const reason = await checkBlob(b);
      if (reason && !(await purgedByDisposal('evidence', b.sha256))) failures.push({ id: `evidence_blob:${b.sha256}${await blobOwners(b.sha256)}`, reason });
      done++;
      if (done % 20 === 0) progress('evidence', done, all);
    }
    progress('evidence', done, all);
    if (batch.length < BLOB_BATCH) return done;
    after = batch[batch.length - 1].sha256;
  }
}

async function verifyLetterPdfs(failures: VerificationFailure[], progress: VerifyProgress): Promise<number> {
  const all = await total('letter_pdfs');
  let done = 0;
  let after = '';
  for (;;) {
    const batch = await query<{ sha256: string; size: number; bytes: Buffer }>(
      `SELECT sha256, size, bytes FROM letter_pdfs WHERE sha256 > $1 ORDER BY sha256 LIMIT ${PDF_BATCH}`,
      [after],
    );
    for (const p of batch) {
      const bytes = Buffer.isBuffer(p.bytes) ? p.bytes : Buffer.alloc(0);
      const reason = bytes.length !== p.size ? `${bytes.length} bytes where ${p.size} were recorded` : sha256Hex(bytes) !== p.sha256.trim() ? 'its bytes do not match its sha256: they were altered' : null;
      if (reason && !(bytes.length === 0 && (await purgedByDisposal('letters', p.sha256)))) {
        const letters = await query<{ id: string; reference: string }>(
          'SELECT l.id, c.reference FROM letters l JOIN complaints c ON c.id = l.complaint_id WHERE l.sha256 = $1 ORDER BY l.id LIMIT 5',
          [p.sha256],
        );
        const owners = letters.length ? ` (letter ${letters.map((l) => `${l.id} of ${l.reference}`).join(', ')})` : '';
        failures.push({ id: `letter_pdf:${p.sha256.trim()}${owners}`, reason });
      }
    }
    done += batch.length;
    progress('letters', done, all);
    if (batch.length < PDF_BATCH) return done;
    after = batch[batch.length - 1].sha256;
  }
}

/** Everything above, then the audit trail's own verification; `checked` counts archives, blobs, PDFs and events. */
export async function verifyArchives(progress: VerifyProgress = () => {}): Promise<ArchiveVerification> {
  const failures: VerificationFailure[] = [];
  let checked = await verifyArchiveChain(failures, progress);
  checked += await verifyBlobs(failures, progress);
  checked += await verifyLetterPdfs(failures, progress);
  progress('audit', 0, 1);
  const audit = await verifyAuditTrail();
  progress('audit', 1, 1);
  checked += audit.checked;
  failures.push(...audit.failures);
  return { ok: failures.length === 0, checked, failures };
}

