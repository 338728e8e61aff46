import { FINISHED } from '../domain/workflow';
import { Complaint } from '../models';
import { CaseClocks } from './clocks';

/**
 * The acknowledgment e-mail left (PRODUCT.md stage 1): the entry records it as acknowledged by
 * e-mail at the time it was sent, and its acknowledgment clock is met then — unless someone
 * recorded an acknowledgment first, or the case is already finished. Runs in the worker's
 * transaction after the message is marked sent; audited as `complaint.acknowledged` by the system.
 */
export async function recordAcknowledgmentSent(complaintId: string, sentAt: Date, outboxId: string): Promise<boolean> {
  const complaint = await Complaint.findByPk(complaintId, { lock: true });
  if (!complaint || complaint.acknowledgedAt || FINISHED.includes(complaint.status)) return false;
  const clocks = await CaseClocks.load(complaint);
  complaint.acknowledgedAt = sentAt;
  complaint.acknowledgedVia = 'email';
  clocks.meet('acknowledge', sentAt);
  await clocks.save();
  await complaint.save({ auditAction: 'complaint.acknowledged', auditMeta: { via: 'email', outboxId } } as object);
  return true;
}
