/**
 * Retention classes and legal hold (PRODUCT.md "Archive, retention and the audit trail"). A class's
 * years apply to archives sealed afterwards: sealing copies them into `archives.retention_until`,
 * and nothing here rewrites an archive's date. A legal hold (legal only) keeps an archive from
 * disposal whatever its date. Both save through the audited models (their events in the same
 * transaction); a hold changes only the columns the archive's immutability leaves open (the hold's
 * four, `version`, `updated_at`), and its event is on the archive's case.
 */
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { AppError, fieldError, forbidden, notFound, staleVersion, validationFailed } from '../lib/errors';
import * as clock from '../lib/clock';
import { Archive, RetentionClass } from '../models';
import { findArchiveMeta, type ArchiveMeta } from '../queries/retention';

export interface RetentionClassChange {
  years: number;
  description?: string;
  version?: number;
}

/** Changes a class's years (and description). 404 unknown key, 409 stale version. */
export async function updateRetentionClass(key: string, change: RetentionClassChange): Promise<RetentionClass> {
  return transaction(async () => {
    const current = await RetentionClass.findByPk(key, { lock: true });
    if (!current) throw notFound('Retention class');
    if (change.version !== undefined && change.version !== current.version) throw staleVersion(current.version);
    current.set({ years: change.years, ...(change.description !== undefined ? { description: change.description.trim() } : {}) });
    await current.save({ auditAction: 'retention_class.updated', auditMeta: { appliesTo: 'archives sealed afterwards' } } as object);
    return current;
  });
}

export interface LegalHoldActor {
  userId: string;
  /** May the actor see this archive's case at all? (No: 404.) */
  reads(complaintId: string): Promise<boolean> | boolean;
  /** May the actor place or release a legal hold? (No: 403.) */
  may: boolean;
}

const holdConflict = (message: string, key: string) => new AppError(409, 'conflict', message, [fieldError('hold', key)], undefined, undefined, key);

/**
 * Places (`hold: true`) or releases a legal hold with its reason. Locks the case, then the archive:
 * 404 (unknown or not visible) → 403 (not legal) → 409 (already in that state, or disposed).
 */
export async function setLegalHold(archiveId: string, input: { hold: boolean; reason: string }, actor: LegalHoldActor): Promise<ArchiveMeta> {
  const reason = input.reason.trim();
  return transaction(async () => {
    const found = await findArchiveMeta(archiveId);
    if (!found || !(await actor.reads(found.complaintId))) throw notFound('Archive');
    if (!actor.may) throw forbidden('Only legal places or releases a legal hold.', { action: 'hold', subject: 'Archive', entityId: archiveId });
    await sequelize().query('SELECT id FROM complaints WHERE id = $1 FOR UPDATE', { bind: [found.complaintId], type: QueryTypes.SELECT });
    const archive = (await findArchiveMeta(archiveId, { lock: true }))!;
    if (archive.disposedAt) throw holdConflict('This archive was disposed of: there is nothing left to hold.', 'retention.errors.disposed');
    if (input.hold && archive.legalHold) throw holdConflict('This archive is already under legal hold.', 'retention.errors.alreadyHeld');
    if (!input.hold && !archive.legalHold) throw holdConflict('This archive is not under legal hold.', 'retention.errors.notHeld');
    if (!reason) throw validationFailed([fieldError('reason', 'retention.errors.reason')]);
    const row = await Archive.findByPk(archiveId, { rejectOnEmpty: true });
    row.set(
      input.hold
        ? { legalHold: true, legalHoldReason: reason, legalHoldBy: actor.userId, legalHoldAt: clock.now() }
        : { legalHold: false, legalHoldReason: null, legalHoldBy: null, legalHoldAt: null },
    );
    await row.save({ auditAction: input.hold ? 'archive.legal_hold_placed' : 'archive.legal_hold_released', auditMeta: { reason } } as object);
    return (await findArchiveMeta(archiveId))!;
  });
}
