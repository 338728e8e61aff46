import { QueryTypes } from 'sequelize';
import { auditKeyring } from '../audit/keys';
import { appendWitness, witnessMail } from '../audit/witness';
import { anchorMailEffects } from '../outbox/auditAnchorMail';
import { enqueue } from '../outbox/outbox';
import { sequelize, transaction } from '../db';
import { anchorHash, anchorSigningMessage } from '../domain/auditChain';
import { ZERO_HASH } from '../domain/canonical';
import { logger } from '../lib/logger';
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
 * sealed range. The anchor is signed with the application's key and, once committed, written to
 * the witness file outside the database. Returns null when nothing new was written.
 */
export async function anchorAuditTrail(): Promise<AnchorResult | null> {
  const anchor = await transaction(async () => {
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
    const keyring = auditKeyring();
    const signature = keyring.sign(anchorSigningMessage(hash));
    const [row] = await s.query<{ id: number; createdAt: Date }>(
      `INSERT INTO audit_anchors (from_xid, to_xid, event_count, events_digest, prev_hash, hash, key_id, signature)
       VALUES (:fromXid::xid8, :toXid::xid8, :eventCount, :eventsDigest, :prevHash, :hash, :keyId, :signature)
       RETURNING id, created_at AS "createdAt"`,
      { replacements: { ...fields, hash, keyId: keyring.keyId, signature }, type: QueryTypes.SELECT },
    );
    const anchor = { id: row.id, createdAt: new Date(row.createdAt), fromXid, toXid: xmin, eventCount: count, hash, keyId: keyring.keyId, signature };
    // The auditors' copy by e-mail, if configured: in this transaction, sent once it commits.
    const witness = { anchor: anchor.id, createdAt: anchor.createdAt.toISOString(), fromXid, toXid: xmin, eventCount: count, hash, keyId: keyring.keyId, signature };
    for (const effect of anchorMailEffects(witness, witnessMail())) await enqueue(effect);
    return anchor;
  });
  if (!anchor) return null;
  // After the commit: a witness line always names an anchor that exists.
  try {
    appendWitness({
      anchor: anchor.id,
      createdAt: anchor.createdAt.toISOString(),
      fromXid: anchor.fromXid,
      toXid: anchor.toXid,
      eventCount: anchor.eventCount,
      hash: anchor.hash,
      keyId: anchor.keyId,
      signature: anchor.signature,
    });
  } catch (err) {
    logger.error('audit anchor: the witness file could not be written', { anchor: anchor.id, error: (err as Error).message });
  }
  return { id: anchor.id, eventCount: anchor.eventCount, hash: anchor.hash };
}
