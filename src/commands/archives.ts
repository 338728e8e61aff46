/**
 * Sealing a closed case into the archive chain (PRODUCT.md "Archive, retention and the audit
 * trail"; docs/ARCHITECTURE.md "Archive: sealing and verification"). One short transaction: lock
 * the case, read its snapshot, lock the chain head, insert the archive, move the case to
 * `archived` — after which the conditional seals of migration 0007 lock every record of it.
 */
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { AppError, forbidden, notFound, staleVersion } from '../lib/errors';
import * as clock from '../lib/clock';
import { Archive, Complaint, ComplaintStage, RetentionClass } from '../models';
import { caseSnapshot } from '../queries/archiveSnapshot';

export interface ArchiveActor {
  /** Null: the archive-sealing job. */
  userId: string | null;
  /** May the actor see this case at all? (No: 404.) */
  reads(complaint: Complaint): boolean;
  /** May the actor seal it? (No: 403.) */
  may(complaint: Complaint): boolean;
}

/** The job's actor: sees and seals every case. */
export const SEALING_JOB: ArchiveActor = { userId: null, reads: () => true, may: () => true };

/** One application-wide lock on the chain's head: two sealings never take the same position. */
const CHAIN_LOCK = 'SELECT pg_advisory_xact_lock(hashtext(\'casebook.archive-chain\'))';

/** closedAt + `years` calendar years (29 February → 28 February in a common year). */
export function retentionUntil(closedAt: Date, years: number): Date {
  const d = new Date(closedAt.getTime());
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  if (d.getUTCMonth() !== month) d.setUTCDate(0);
  return d;
}

async function retentionClassOf(complaintId: string): Promise<RetentionClass> {
  const [filed] = await sequelize().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM regulatory_reviews WHERE complaint_id = $1 AND decision = 'report' AND filed_at IS NOT NULL`,
    { bind: [complaintId], type: QueryTypes.SELECT },
  );
  const key = filed.n > 0 ? 'regulatory_report' : 'default';
  const found = await RetentionClass.findByPk(key);
  if (!found) throw new AppError(409, 'conflict', `The retention class ${key} is missing.`);
  return found;
}

/**
 * Seals one closed case: 404 when the actor cannot see it, 403 when they may not seal, 409
 * `conflict` when it is already archived, 409 `invalid_transition` when it is not closed, 409 on a
 * stale version. Returns the archive.
 */
export async function sealCase(complaintId: string, actor: ArchiveActor, expectedVersion?: number): Promise<Archive> {
  return transaction(async () => {
    const complaint = await Complaint.findByPk(complaintId, { lock: true });
    if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
    if (!actor.may(complaint)) throw forbidden('You are not allowed to archive this case.', { action: 'archive', subject: 'Complaint', entityId: complaint.id });
    if (complaint.status === 'archived' || (await Archive.count({ where: { complaintId } })) > 0)
      throw new AppError(409, 'conflict', 'This case is already archived.', [{ path: 'status', message: 'Already archived.', key: 'archives.errors.alreadyArchived' }]);
    if (complaint.status !== 'closed' || !complaint.closedAt)
      throw new AppError(409, 'invalid_transition', `Only a closed case can be archived; this one is ${complaint.status}.`, [
        { path: 'status', message: `Only a closed case can be archived (it is ${complaint.status}).`, key: 'archives.errors.notClosed', params: { status: complaint.status } },
      ]);
    if (expectedVersion !== undefined && complaint.version !== expectedVersion) throw staleVersion(complaint.version);

    const now = clock.now();
    const retention = await retentionClassOf(complaintId);
    const snapshot = await caseSnapshot(complaintId, now);
    // The chain head, under the chain lock, held only for the rest of this short transaction.
    await sequelize().query(CHAIN_LOCK);
    const head = await Archive.findOne({ attributes: ['position', 'sha256'], order: [['position', 'DESC']] });
    const archive = await Archive.create(
      {
        complaintId,
        position: (head?.position ?? 0) + 1,
        sha256: snapshot.sha256,
        prevSha256: head?.sha256 ?? null,
        snapshot: snapshot.text,
        sealedAt: now,
        sealedBy: actor.userId,
        closedAt: complaint.closedAt,
        retentionClass: retention.key,
        retentionUntil: retentionUntil(complaint.closedAt, retention.years),
      },
      { auditAction: 'archive.sealed', auditMeta: { reference: complaint.reference, position: (head?.position ?? 0) + 1 } } as object,
    );
    // The last rows of the case go in before its status seals it (a sealed case takes nothing new).
    const openVisit = await ComplaintStage.findOne({ where: { complaintId, exitedAt: null }, lock: true });
    if (openVisit) await openVisit.update({ exitedAt: now, exitedBy: actor.userId });
    await ComplaintStage.create({
      complaintId,
      stage: 'archived',
      round: complaint.round,
      enteredAt: now,
      enteredBy: actor.userId,
      exitedAt: null,
      exitedBy: null,
      targetMinutes: null,
      slaMode: null,
      dueAt: null,
      note: null,
      reason: null,
    });
    complaint.set({ status: 'archived', stageEnteredAt: now });
    await complaint.save({ auditAction: 'complaint.archived', auditMeta: { from: 'closed', to: 'archived', archiveId: archive.id, sha256: archive.sha256 } } as object);
    return archive;
  });
}

/** The archive as the API returns it (POST /complaints/:id/archive). */
export function presentSealed(a: Archive) {
  return { id: a.id, sha256: a.sha256, prevSha256: a.prevSha256, retentionUntil: a.retentionUntil.toISOString(), legalHold: a.legalHold };
}
