import { canonicalJson, sha256Hex } from './canonical';

/** The trail's format: 2 since migration 0010 (signed bodies, content kept apart and purgeable). */
export const AUDIT_FORMAT = 2;

/**
 * What an audit event says, signed and hashed. It names no person and holds no free text: the
 * actor's label, the ip, the changes and the meta are the event's *content*, covered here only by
 * `contentHash` (salted), and stored apart where disposal can remove them.
 */
export interface AuditBody {
  v: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  /** The case the event belongs to (the entry itself or one of its records), else null. */
  complaintId: string | null;
  /** What the audited-model hooks did to the row (create/update/delete); null for other events. */
  op: 'create' | 'update' | 'delete' | null;
  requestId: string | null;
  contentHash: string;
  keyId: string;
}

/** The purgeable part of an event. */
export interface AuditContent {
  actorLabel: string | null;
  ip: string | null;
  changes: unknown;
  meta: unknown;
}

/** The chain an event belongs to: one per entity, so unrelated writes never contend. */
export function chainKey(entityType: string, entityId: string | null): string {
  return `${entityType}:${entityId ?? '-'}`;
}

/** sha256(prevHash "\n" seq "\n" canonical(body)) — the same formula as SQL `audit_append`. */
export function eventHash(prevHash: string, seq: number, body: AuditBody | string): string {
  return sha256Hex(`${prevHash}\n${seq}\n${typeof body === 'string' ? body : canonicalJson(body)}`);
}

/**
 * sha256(salt "\n" canonical(content)): the salt keeps a purged value from being confirmed by
 * guessing. Takes the content already canonical (a string) when the caller has it, so the hot
 * path serialises each event's content once.
 */
export function contentHash(salt: string, content: AuditContent | string): string {
  return sha256Hex(`${salt}\n${typeof content === 'string' ? content : canonicalJson(content)}`);
}

/** The message an event's signature covers. */
export function eventSigningMessage(bodyJson: string): string {
  return `casebook-audit-event-v2\n${bodyJson}`;
}

/** The message an anchor's signature covers. */
export function anchorSigningMessage(hash: string): string {
  return `casebook-audit-anchor-v2\n${hash}`;
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
