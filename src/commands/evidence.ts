/**
 * Adding evidence to a case and withdrawing it (PRODUCT.md "Evidence"). The bytes are already on
 * local disk (src/storage/spool.ts) when `addEvidence` starts: it detects their type, stages them
 * in the blob store in short statements OUTSIDE any transaction, and only then opens one short
 * transaction — lock the case, name the blob, write the evidence and its audit event — so the
 * embedded database's one connection is never held while megabytes move.
 */
import { Transaction } from 'sequelize';
import { transaction } from '../db';
import type { DetectedType } from '../domain/evidence';
import { currentTransaction } from '../lib/context';
import { AppError, conflict, fieldError, forbidden, immutableRecord, notFound } from '../lib/errors';
import { Complaint, Evidence } from '../models';
import { blobStore, type BlobStore } from '../storage/blobStore';
import { detectType } from '../storage/detectType';
import type { SpooledFile } from '../storage/spool';
import { displayFilename } from '../domain/evidence';
import * as clock from '../lib/clock';

/** Who adds or withdraws evidence: asked about the case row the command locked (404, then 403, before any state shows). */
export interface EvidenceActor {
  userId: string;
  /** May the actor see this case at all? (No: 404, as for any case they cannot see.) */
  reads(complaint: Complaint): boolean;
  /** May the actor add (`create`) or withdraw (`update`) evidence of this case? */
  may(action: 'create' | 'update', complaint: Complaint): boolean;
}

export interface EvidenceInput {
  description: string;
  sourceDepartment?: string | null;
  collectedAt?: Date | null;
  /** The name the client gave the file: a display name only, sanitised. */
  filename?: string;
}

/** The case, locked FOR SHARE (a seal waits; other uploads to it do not), authorized on the locked row. */
async function lockCase(complaintId: string, actor: EvidenceActor, action: 'create' | 'update'): Promise<Complaint> {
  const complaint = await Complaint.findByPk(complaintId, { lock: Transaction.LOCK.SHARE });
  if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
  if (!actor.may(action, complaint)) throw forbidden(`You are not allowed to ${action === 'create' ? 'add evidence to' : 'withdraw evidence of'} this case.`, { action, subject: 'Evidence', entityId: complaint.id });
  if (complaint.status === 'archived') throw immutableRecord('The case is sealed: its evidence cannot change and it takes no new evidence.');
  return complaint;
}

/** 415 for bytes the allow-list refuses, naming what they are. */
function refusedType(detected: string | null): AppError {
  const what = detected ?? 'unrecognised binary data';
  return new AppError(415, 'unsupported_media_type', `This type of file is not accepted as evidence (${what}). Accepted: images, PDF, Word/Excel/PowerPoint, audio, video, plain text.`, [
    fieldError('file', 'evidence.errors.type', { type: what }),
  ]);
}

/** The type of a spooled file if the allow-list accepts it, else 415 `unsupported_media_type`. */
export async function acceptedType(file: SpooledFile): Promise<DetectedType> {
  const detection = await detectType(file);
  if (!detection.ok) throw refusedType(detection.detected);
  return detection.type;
}

/** Work of the caller's in the upload's one transaction: `before` right after the case is locked (an Idempotency-Key claimed), `after` once the row exists (its answer recorded). A throw rolls everything back. */
export interface InTransaction {
  before?: () => Promise<void>;
  after?: (evidence: Evidence) => Promise<void>;
}

/**
 * Stores `file` as evidence of the case: 404/403/409 from the locked case, 415 for a refused type.
 * Nothing is left behind on failure: staged bytes are dropped, no blob or evidence row exists.
 * The caller removes the temporary file.
 */
export async function addEvidence(
  complaintId: string,
  input: EvidenceInput,
  file: SpooledFile,
  actor: EvidenceActor,
  store: BlobStore = blobStore(),
  within: InTransaction = {},
): Promise<Evidence> {
  if (currentTransaction()) throw new Error('addEvidence must run outside a transaction');
  const type = await acceptedType(file);
  const pending = await store.put(file);
  let kept = false;
  try {
    const evidence = await transaction(async () => {
      await lockCase(complaintId, actor, 'create');
      await within.before?.();
      const blob = await pending.commit();
      kept = blob === 'stored';
      const created = await Evidence.create(
        {
          complaintId,
          sha256: file.sha256,
          filename: displayFilename(input.filename, type.ext),
          mimeType: type.mime,
          size: file.size,
          description: input.description,
          sourceDepartment: input.sourceDepartment ?? null,
          collectedAt: input.collectedAt ?? null,
          uploadedBy: actor.userId,
          withdrawnAt: null,
          withdrawnBy: null,
          withdrawalReason: null,
        },
        { auditAction: 'evidence.uploaded', auditMeta: { blob } } as object,
      );
      await within.after?.(created);
      return created;
    });
    return evidence;
  } catch (err) {
    kept = false;
    throw err;
  } finally {
    // The same bytes stored meanwhile, or the transaction rolled back: the staged copy goes.
    if (!kept) await pending.discard();
  }
}

/** Marks evidence withdrawn with a reason (it stays listed): 404, 403, then 409 when sealed or withdrawn already. */
export async function withdrawEvidence(id: string, reason: string, actor: EvidenceActor): Promise<Evidence> {
  return transaction(async () => {
    const evidence = await Evidence.findByPk(id, { lock: true });
    if (!evidence) throw notFound('Evidence');
    await lockCase(evidence.complaintId, actor, 'update');
    if (evidence.withdrawnAt) throw conflict('This evidence was withdrawn already.', [fieldError('reason', 'evidence.errors.alreadyWithdrawn')]);
    evidence.set({ withdrawnAt: clock.now(), withdrawnBy: actor.userId, withdrawalReason: reason });
    return evidence.save({ auditAction: 'evidence.withdrawn' } as object);
  });
}
