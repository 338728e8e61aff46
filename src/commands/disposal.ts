/**
 * Disposal at the end of retention (PRODUCT.md "Retention"; docs/ARCHITECTURE.md "Disposal"): a
 * sysadmin proposes it with a reason, someone else with legal's right approves (or declines) it.
 * Approval purges the case through `dispose_case_content` (migration 0026), which checks the same
 * rules again in the database — sealed, not held, retention ended, approved by a second person —
 * and leaves the archive's tombstone. Every step is one transaction with its audit events; the
 * case is locked first, then its archive, as the legal hold does, so a hold and a disposal of one
 * archive never pass each other.
 */
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { AppError, fieldError, forbidden, notFound } from '../lib/errors';
import * as clock from '../lib/clock';
import { auditAppendArgs } from '../models/AuditEvent';
import { Disposal } from '../models';
import { findArchiveMeta, type ArchiveMeta } from '../queries/retention';

export interface DisposalActor {
  userId: string;
  /** May propose disposals (sysadmin)? */
  mayPropose: boolean;
  /** May approve or decline them (legal)? */
  mayDecide: boolean;
}

/** The content of the `complaint.disposed` event: what the tombstone proves, signed with the chain. */
export interface DisposalMeta {
  disposalId: string;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string;
  approvedAt: string;
  comment: string | null;
  /** Set when no other live case has this customer: its personal data is erased with the case. */
  erasedCustomerId: string | null;
}

/** 409 `conflict`; the field error's key says which rule (API.md's codes are a closed set). */
const conflict = (message: string, key: string) => new AppError(409, 'conflict', message, [fieldError('archive', key)], undefined, undefined, key);

/** Locks the archive's case, then the archive; 404 when there is none. */
async function lockArchive(archiveId: string): Promise<ArchiveMeta> {
  const found = await findArchiveMeta(archiveId);
  if (!found) throw notFound('Archive');
  await sequelize().query('SELECT id FROM complaints WHERE id = $1 FOR UPDATE', { bind: [found.complaintId], type: QueryTypes.SELECT });
  return (await findArchiveMeta(archiveId, { lock: true }))!;
}

/** 409 unless the archive may be disposed of now: not disposed, not held, retention ended. */
function checkDisposable(archive: ArchiveMeta, now: Date): void {
  if (archive.disposedAt) throw conflict('This archive was already disposed of.', 'disposal.errors.disposed');
  if (archive.legalHold) throw conflict('This archive is under legal hold: it cannot be disposed of.', 'disposal.errors.held');
  if (archive.retentionUntil.getTime() > now.getTime())
    throw conflict(`The retention of this archive ends ${archive.retentionUntil.toISOString()}.`, 'disposal.errors.notDue');
}

/** Proposes disposing of an archive: 403 (not sysadmin) → 404 → 409 (disposed, held, not due, a proposal open). */
export async function proposeDisposal(archiveId: string, input: { reason: string }, actor: DisposalActor): Promise<Disposal> {
  if (!actor.mayPropose) throw forbidden('Only a system administrator proposes a disposal.', { action: 'create', subject: 'Disposal', entityId: archiveId });
  return transaction(async () => {
    const archive = await lockArchive(archiveId);
    const now = clock.now();
    checkDisposable(archive, now);
    if (await Disposal.count({ where: { archiveId, status: 'proposed' } }))
      throw conflict('A disposal of this archive is already proposed and waits for its decision.', 'disposal.errors.pending');
    return Disposal.create(
      { archiveId, complaintId: archive.complaintId, reason: input.reason.trim(), proposedBy: actor.userId, proposedAt: now },
      { auditAction: 'disposal.proposed', auditMeta: { reference: archive.reference } } as object,
    );
  });
}

/** The proposal, checked for a decision: 403 (not legal, or its proposer) → 404 → 409 (decided). */
async function decidable(disposalId: string, actor: DisposalActor): Promise<{ disposal: Disposal; archive: ArchiveMeta }> {
  if (!actor.mayDecide) throw forbidden('Only legal approves or declines a disposal.', { action: 'approve', subject: 'Disposal', entityId: disposalId });
  const found = await Disposal.findByPk(disposalId);
  if (!found) throw notFound('Disposal');
  if (found.proposedBy === actor.userId)
    throw new AppError(403, 'forbidden', 'Whoever proposed a disposal cannot decide it: a second person must.', [fieldError('disposal', 'disposal.errors.ownProposal')], undefined, undefined, 'disposal.errors.ownProposal');
  const archive = await lockArchive(found.archiveId);
  const disposal = (await Disposal.findByPk(disposalId, { lock: true }))!;
  if (disposal.status !== 'proposed') throw conflict(`This proposal was already ${disposal.status}.`, 'disposal.errors.decided');
  return { disposal, archive };
}

/**
 * The customer, when no other case of theirs remains undisposed (their personal data goes with this
 * one). Their row is locked first (FOR UPDATE conflicts with the key-share lock an intake's insert
 * takes on it), so a case logged for them meanwhile is either seen here or waits for this disposal.
 */
async function customerToErase(complaintId: string): Promise<string | null> {
  await sequelize().query('SELECT cu.id FROM customers cu JOIN complaints c ON c.customer_id = cu.id WHERE c.id = $1 FOR UPDATE OF cu', {
    bind: [complaintId],
    type: QueryTypes.SELECT,
  });
  const [row] = await sequelize().query<{ customerId: string; others: number }>(
    `SELECT c.customer_id AS "customerId",
            (SELECT count(*)::int FROM complaints o LEFT JOIN archives oa ON oa.complaint_id = o.id
              WHERE o.customer_id = c.customer_id AND o.id <> c.id AND oa.disposed_at IS NULL) AS others
       FROM complaints c WHERE c.id = $1`,
    { bind: [complaintId], type: QueryTypes.SELECT },
  );
  return row && row.others === 0 ? row.customerId : null;
}

/**
 * Approves a proposal and purges the case in the same transaction: 403 → 404 → 409 (decided,
 * disposed, held, not due). Returns the decided proposal and the archive with its tombstone.
 */
export async function approveDisposal(disposalId: string, input: { comment?: string }, actor: DisposalActor) {
  return transaction(async () => {
    const { disposal, archive } = await decidable(disposalId, actor);
    const now = clock.now();
    checkDisposable(archive, now);
    const comment = input.comment?.trim() || null;
    disposal.set({ status: 'approved', decidedBy: actor.userId, decidedAt: now, comment });
    await disposal.save({ auditAction: 'disposal.approved', auditMeta: { reference: archive.reference } } as object);
    const meta: DisposalMeta = {
      disposalId: disposal.id,
      reason: disposal.reason,
      proposedBy: disposal.proposedBy,
      proposedAt: disposal.proposedAt.toISOString(),
      approvedBy: actor.userId,
      approvedAt: now.toISOString(),
      comment,
      erasedCustomerId: await customerToErase(archive.complaintId),
    };
    await disposeCaseContent(archive.complaintId, meta);
    return { disposal, archive: (await findArchiveMeta(archive.id))!, tombstone: await tombstoneOf(archive.id) };
  });
}

/** Declines a proposal (legal, not its proposer): the archive stays; a new proposal may follow. */
export async function declineDisposal(disposalId: string, input: { comment?: string }, actor: DisposalActor): Promise<Disposal> {
  return transaction(async () => {
    const { disposal, archive } = await decidable(disposalId, actor);
    disposal.set({ status: 'declined', decidedBy: actor.userId, decidedAt: clock.now(), comment: input.comment?.trim() || null });
    await disposal.save({ auditAction: 'disposal.declined', auditMeta: { reference: archive.reference } } as object);
    return disposal;
  });
}

export interface Tombstone {
  reference: string;
  sha256: string;
  prevSha256: string | null;
  position: number;
  sealedAt: string;
  closedAt: string;
  retentionClass: string;
  retentionUntil: string;
  disposalId: string;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string;
  approvedAt: string;
  disposedAt: string;
  customerErased: boolean;
}

export async function tombstoneOf(archiveId: string): Promise<Tombstone | null> {
  const [row] = await sequelize().query<{ tombstone: Tombstone | null }>('SELECT tombstone FROM archives WHERE id = $1', { bind: [archiveId], type: QueryTypes.SELECT });
  return row?.tombstone ?? null;
}

/**
 * Purges a sealed case's content through `dispose_case_content` (migration 0026), with the signed
 * `complaint.disposed` event (its content: `meta`) in the same statement. The function refuses
 * unless the archive has an approved proposal this `meta` names. Returns the event's seq.
 */
export async function disposeCaseContent(complaintId: string, meta: DisposalMeta): Promise<number> {
  return transaction(async () => {
    const [, body, signature, salt, content] = auditAppendArgs({
      action: 'complaint.disposed',
      entityType: 'Complaint',
      entityId: complaintId,
      complaintId,
      meta,
    });
    const [row] = await sequelize().query<{ seq: number }>('SELECT dispose_case_content($1, $2, $3, $4, $5) AS seq', {
      bind: [complaintId, body, signature, salt, content],
      type: QueryTypes.SELECT,
    });
    return row.seq;
  });
}
