import { SEALING_JOB, sealCase } from '../../src/commands/archives';
import { Archive, Disposal, type Complaint } from '../../src/models';
import { transaction } from '../../src/db';
import { sha256Hex } from '../../src/domain/canonical';
import { asActor } from './context';
import { buildComplaint, buildUser } from './factories';
import { approveDisposal, proposeDisposal, type DisposalMeta } from '../../src/commands/disposal';
import * as clock from '../../src/lib/clock';
import { moveTestCase } from './procedure';

/** A closed case (a feedback entry closed from intake, the shortest way). */
export async function closedTestCase(overrides: Parameters<typeof buildComplaint>[0] = {}): Promise<Complaint> {
  const c = await buildComplaint({ kind: 'feedback', ...overrides });
  return moveTestCase(c, ['closed'], { note: 'Đã trả lời khách hàng qua điện thoại.' });
}

/** A sealed archive of a new closed case, sealed by the sealing command (as its job does). */
export async function sealedTestArchive(overrides: Parameters<typeof buildComplaint>[0] = {}): Promise<{ complaint: Complaint; archive: Archive }> {
  const complaint = await closedTestCase(overrides);
  const archive = await asActor(() => sealCase(complaint.id, SEALING_JOB));
  return { complaint, archive };
}

const DAY_MS = 86_400_000;

/**
 * Proposes (a new sysadmin) and approves (a new legal) the disposal of an archive, after moving the
 * clock past its retention end (the caller's file must `useTestClock()`). Returns the approval.
 */
export async function disposeTestArchive(archive: Pick<Archive, 'id' | 'retentionUntil'>): Promise<Awaited<ReturnType<typeof approveDisposal>>> {
  if (clock.now().getTime() < archive.retentionUntil.getTime()) clock.useFixedClock(archive.retentionUntil.getTime() + DAY_MS);
  const admin = await buildUser({ roles: ['sysadmin'] });
  const legal = await buildUser({ roles: ['legal'] });
  const proposal = await asActor(() => proposeDisposal(archive.id, { reason: 'Hết thời hạn lưu trữ.' }, { userId: admin.id, mayPropose: true, mayDecide: false }), {
    userId: admin.id,
    roles: ['sysadmin'],
    label: admin.name,
  });
  return asActor(() => approveDisposal(proposal.id, {}, { userId: legal.id, mayPropose: false, mayDecide: true }), { userId: legal.id, roles: ['legal'], label: legal.name });
}

/**
 * What `dispose_case_content` requires in the database, for a case the factory sealed (its status
 * only): an archive whose retention has ended and a disposal approved by a second person. Returns
 * the content the `complaint.disposed` event must carry.
 */
export async function readyForDisposal(complaintId: string): Promise<DisposalMeta> {
  const admin = await buildUser({ roles: ['sysadmin'] });
  const legal = await buildUser({ roles: ['legal'] });
  return asActor(() =>
    transaction(async () => {
      const now = clock.now();
      const head = await Archive.findOne({ attributes: ['position', 'sha256'], order: [['position', 'DESC']] });
      const archive = await Archive.create({
        complaintId,
        position: (head?.position ?? 0) + 1,
        sha256: sha256Hex('{}'),
        prevSha256: head?.sha256 ?? null,
        snapshot: '{}',
        sealedAt: now,
        sealedBy: null,
        closedAt: new Date(now.getTime() - 2 * DAY_MS),
        retentionClass: 'default',
        retentionUntil: new Date(now.getTime() - DAY_MS),
      });
      const d = await Disposal.create({
        archiveId: archive.id,
        complaintId,
        reason: 'Hết thời hạn lưu trữ.',
        status: 'approved',
        proposedBy: admin.id,
        proposedAt: now,
        decidedBy: legal.id,
        decidedAt: now,
      });
      return {
        disposalId: d.id,
        reason: d.reason,
        proposedBy: admin.id,
        proposedAt: now.toISOString(),
        approvedBy: legal.id,
        approvedAt: now.toISOString(),
        comment: null,
        erasedCustomerId: null,
      };
    }),
  );
}
