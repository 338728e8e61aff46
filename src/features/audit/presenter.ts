import type { AuditEvent } from '../../models';

export function presentAuditEvent(e: AuditEvent) {
  return {
    id: e.id,
    position: e.position,
    occurredAt: e.occurredAt.toISOString(),
    actor: { id: e.actorId, label: e.actorLabel, roles: e.actorRoles },
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    changes: e.changes ?? null,
    meta: e.meta ?? null,
    requestId: e.requestId,
    ip: e.ip,
    chain: { key: e.chainKey, seq: e.seq, prevHash: e.prevHash, hash: e.hash },
  };
}
