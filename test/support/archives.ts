import { SEALING_JOB, sealCase } from '../../src/commands/archives';
import { Archive, type Complaint } from '../../src/models';
import { asActor } from './context';
import { buildComplaint } from './factories';
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
