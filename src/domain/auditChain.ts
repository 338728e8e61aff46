import { canonicalJson, sha256Hex } from './canonical';

/** What an audit event says. Every field is hashed; absent values are null, never undefined. */
export interface AuditBody {
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorLabel: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  changes: unknown;
  requestId: string | null;
  ip: string | null;
  meta: unknown;
}

/** The chain an event belongs to: one per entity, so unrelated writes never contend. */
export function chainKey(entityType: string, entityId: string | null): string {
  return `${entityType}:${entityId ?? '-'}`;
}

/** sha256(prevHash "\n" seq "\n" canonical(body)) — the same formula as SQL `audit_append`. */
export function eventHash(prevHash: string, seq: number, body: AuditBody): string {
  return sha256Hex(`${prevHash}\n${seq}\n${canonicalJson(body)}`);
}

/** An anchor seals a closed range of events and links to the anchor before it. */
export function anchorHash(a: {
  prevHash: string;
  fromXid: string;
  toXid: string;
  eventCount: number;
  eventsDigest: string;
}): string {
  return sha256Hex(`${a.prevHash}\n${a.fromXid}\n${a.toXid}\n${a.eventCount}\n${a.eventsDigest}`);
}
