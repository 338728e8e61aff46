import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Sequelize } from 'sequelize';
import { auditKeyring } from '../../../audit/keys';

/**
 * The trail's second format (migration 0010), frozen here for the migrations that write events in
 * it: a body signed with the installation's key, the content apart, appended by 0010's
 * `audit_append(chain_key, body, signature, salt, content)`. Nothing here may follow later changes
 * of the live trail (src/models/AuditEvent.ts).
 */
export const camel = (column: string) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
export const verb = (type: string) => type.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
const canonical = (value: unknown) => {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not representable as canonical JSON');
  return text;
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface V2Event {
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRoles: string[];
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  complaintId: string | null;
  op: 'create' | 'update' | 'delete' | null;
  requestId: string | null;
  ip: string | null;
  changes: unknown;
  meta: unknown;
}

/** Format 2, exactly: body, signature, salt and content for `audit_append`. */
export async function appendV2(sequelize: Sequelize, e: V2Event): Promise<void> {
  const keyring = auditKeyring();
  const content = { actorLabel: e.actorLabel, ip: e.ip, changes: e.changes ?? null, meta: e.meta ?? null };
  const salt = randomBytes(16).toString('hex');
  const body = canonical({
    v: 2,
    id: e.id,
    occurredAt: e.occurredAt,
    actorId: e.actorId,
    actorRoles: e.actorRoles,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    complaintId: e.complaintId,
    op: e.op,
    requestId: e.requestId,
    contentHash: sha256(`${salt}\n${canonical(content)}`),
    keyId: keyring.keyId,
  });
  const signature = keyring.sign(`casebook-audit-event-v2\n${body}`);
  await sequelize.query('SELECT audit_append($1, $2, $3, $4, $5)', {
    bind: [`${e.entityType}:${e.entityId ?? '-'}`, body, signature, salt, canonical(content)],
  });
}


/**
 * A row as the model hooks record it: camelCased columns, dates as ISO strings, buffers by size,
 * the redacted columns as "[redacted]".
 */
export function presentRow(row: Record<string, unknown>, columns: string[], redact: string[] = []): Record<string, unknown> {
  const after: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c];
    after[camel(c)] = redact.includes(c) ? '[redacted]' : v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `[${v.length} bytes]` : (v ?? null);
  }
  return after;
}
