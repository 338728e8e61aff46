import type { AuditEvent } from '../models';
import type { AuditLinks } from '../queries/audit';

/** An event as the API and the auditor's page show it; `links` (one batch per page) adds names and the case. */
export function presentAuditEvent(e: AuditEvent, links?: AuditLinks) {
  return {
    id: e.id,
    position: e.position,
    occurredAt: e.occurredAt.toISOString(),
    actor: { id: e.actorId, name: (e.actorId && links?.userNames.get(e.actorId)) || null, label: e.actorLabel, roles: e.actorRoles },
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    complaint: links?.caseOf(e) ?? null,
    changes: e.changes ?? null,
    meta: e.meta ?? null,
    requestId: e.requestId,
    ip: e.ip,
    chain: { key: e.chainKey, seq: e.seq, prevHash: e.prevHash, hash: e.hash },
    signature: { keyId: e.keyId, value: e.signature, contentHash: e.contentHash, format: e.format },
  };
}
