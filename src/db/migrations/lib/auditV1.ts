import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Sequelize } from 'sequelize';

/**
 * The trail's first format (0001–0009), frozen here for the migrations that wrote events in it
 * (0004, 0006): an unsigned body with the content in clear, appended by 0001's
 * `audit_append(chain_key, body)`. Migration 0010 rebuilds every such event in format 2. Nothing
 * here may follow later changes of the live trail (src/models/AuditEvent.ts).
 */
export interface AuditV1Event {
  action: string;
  entityType: string;
  entityId: string | null;
  changes?: unknown;
  meta?: unknown;
  /** The migration's actor: no user, role `system`. */
  actorLabel: string;
}

export async function appendAuditV1(sequelize: Sequelize, e: AuditV1Event): Promise<void> {
  const body = {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actorId: null,
    actorLabel: e.actorLabel,
    actorRoles: ['system'],
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    changes: e.changes ?? null,
    requestId: null,
    ip: null,
    meta: e.meta ?? null,
  };
  await sequelize.query('SELECT audit_append($1, $2)', { bind: [`${e.entityType}:${e.entityId ?? '-'}`, canonicalize(body)] });
}
