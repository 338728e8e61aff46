import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { anchorHash } from '../domain/auditChain';
import { ZERO_HASH } from '../domain/canonical';
import { digestEvents } from './auditVerifier';

const ANCHOR_LOCK = 7_421_002;

export interface AnchorResult {
  id: number;
  eventCount: number;
  hash: string;
}

/**
 * Seals every audit event written since the last anchor. The range ends at the current
 * snapshot's xmin: every transaction below it has finished, so no event can still arrive in a
 * sealed range. Returns null when nothing new was written.
 */
export async function anchorAuditTrail(): Promise<AnchorResult | null> {
  return transaction(async () => {
    const s = sequelize();
    await s.query('SELECT pg_advisory_xact_lock(:lock)', { replacements: { lock: ANCHOR_LOCK } });
    const [last] = await s.query<{ toXid: string; hash: string }>(
      'SELECT to_xid::text AS "toXid", hash FROM audit_anchors ORDER BY id DESC LIMIT 1',
      { type: QueryTypes.SELECT },
    );
    const [{ xmin }] = await s.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin', {
      type: QueryTypes.SELECT,
    });
    const fromXid = last?.toXid ?? '0';
    if (BigInt(xmin) <= BigInt(fromXid)) return null;
    const { count, digest } = await digestEvents(fromXid, xmin);
    if (count === 0) return null;
    const fields = { prevHash: last?.hash ?? ZERO_HASH, fromXid, toXid: xmin, eventCount: count, eventsDigest: digest };
    const hash = anchorHash(fields);
    const [row] = await s.query<{ id: number }>(
      `INSERT INTO audit_anchors (from_xid, to_xid, event_count, events_digest, prev_hash, hash)
       VALUES (:fromXid::xid8, :toXid::xid8, :eventCount, :eventsDigest, :prevHash, :hash) RETURNING id`,
      { replacements: { ...fields, hash }, type: QueryTypes.SELECT },
    );
    return { id: row.id, eventCount: count, hash };
  });
}
