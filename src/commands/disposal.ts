import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { auditAppendArgs } from '../models/AuditEvent';

/**
 * Purges a sealed case's content through `dispose_case_content` (migration 0010): the entry's and
 * its records' free text, its audit events' content and its outbox payloads, with a signed
 * `complaint.disposed` event in the same statement. The chain and every signature still verify;
 * the verifier accepts the missing content because this event says why. The archive issue adds
 * the retention and two-person checks in front of it. Returns the event's seq in the case's chain.
 */
export async function disposeCaseContent(complaintId: string, meta: { reason: string; approvals?: unknown }): Promise<number> {
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
