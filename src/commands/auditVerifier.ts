import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { anchorHash, eventHash } from '../domain/auditChain';
import { ZERO_HASH } from '../domain/canonical';
import { auditBodyOf, type AuditColumns } from '../models/AuditEvent';

export interface VerificationFailure {
  id: string;
  reason: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  chains: number;
  anchors: number;
  failures: VerificationFailure[];
}

const BATCH = 2000;

interface EventRow extends AuditColumns {
  chainKey: string;
  seq: number;
  prevHash: string;
  hash: string;
}

const EVENT_COLUMNS = `id, chain_key AS "chainKey", seq, prev_hash AS "prevHash", hash, occurred_at AS "occurredAt",
  actor_id AS "actorId", actor_label AS "actorLabel", actor_roles AS "actorRoles", action, entity_type AS "entityType",
  entity_id AS "entityId", changes, request_id AS "requestId", ip, meta`;

/**
 * Recomputes every audit chain and every anchor and reports what does not add up: a changed
 * event (its hash no longer matches), a removed or inserted one (a gap or a broken link), a cut
 * tail (the chain's head records more than remains), and any change to an anchored range.
 * Reads in keyset batches, so memory stays flat however long the trail is.
 */
export async function verifyAuditTrail(): Promise<AuditVerification> {
  const s = sequelize();
  const failures: VerificationFailure[] = [];
  let checked = 0;
  let chains = 0;

  let current: { key: string; seq: number; hash: string } | undefined;
  const closeChain = async () => {
    if (!current) return;
    chains++;
    const [head] = await s.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_chain_heads WHERE chain_key = :key',
      { replacements: { key: current.key }, type: QueryTypes.SELECT },
    );
    if (!head) failures.push({ id: current.key, reason: 'the chain has no head record' });
    else if (head.seq !== current.seq || head.hash !== current.hash)
      failures.push({
        id: current.key,
        reason: `the chain ends at event ${current.seq} but its head records event ${head.seq}: events were removed from its end, or the head was altered`,
      });
  };

  let after: { key: string; seq: number } | undefined;
  for (;;) {
    const rows = await s.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit_events
       ${after ? 'WHERE (chain_key, seq) > (:key, :seq)' : ''}
       ORDER BY chain_key, seq LIMIT ${BATCH}`,
      { replacements: after ?? {}, type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      checked++;
      if (!current || current.key !== row.chainKey) {
        await closeChain();
        current = { key: row.chainKey, seq: 0, hash: ZERO_HASH };
      }
      const expectedSeq = current.seq + 1;
      if (row.seq !== expectedSeq) {
        failures.push({ id: row.id, reason: `event ${row.seq} of ${row.chainKey} follows event ${current.seq}: events are missing` });
      } else if (row.prevHash !== current.hash) {
        failures.push({ id: row.id, reason: `event ${row.seq} of ${row.chainKey} does not link to the event before it` });
      }
      if (eventHash(row.prevHash, row.seq, auditBodyOf(row)) !== row.hash) {
        failures.push({ id: row.id, reason: `event ${row.seq} of ${row.chainKey} was altered: its content no longer matches its hash` });
      }
      current = { key: row.chainKey, seq: row.seq, hash: row.hash };
    }
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1];
    after = { key: last.chainKey, seq: last.seq };
  }
  await closeChain();

  const orphans = await s.query<{ chainKey: string }>(
    `SELECT chain_key AS "chainKey" FROM audit_chain_heads h
     WHERE seq > 0 AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_key = h.chain_key)`,
    { type: QueryTypes.SELECT },
  );
  for (const o of orphans) failures.push({ id: o.chainKey, reason: 'every event of this chain was removed' });

  const anchors = await verifyAnchors(failures);
  return { ok: failures.length === 0, checked, chains, anchors, failures };
}

interface AnchorRow {
  id: number;
  fromXid: string;
  toXid: string;
  eventCount: number;
  eventsDigest: string;
  prevHash: string;
  hash: string;
}

/** Digest of the events written by transactions in [fromXid, toXid), in position order. */
export async function digestEvents(fromXid: string, toXid: string): Promise<{ count: number; digest: string }> {
  const s = sequelize();
  const hasher = createHash('sha256');
  let count = 0;
  let afterPosition = 0;
  for (;;) {
    const rows = await s.query<{ position: number; hash: string }>(
      `SELECT position, hash FROM audit_events
       WHERE tx_id >= :from::xid8 AND tx_id < :to::xid8 AND position > :after
       ORDER BY position LIMIT ${BATCH}`,
      { replacements: { from: fromXid, to: toXid, after: afterPosition }, type: QueryTypes.SELECT },
    );
    for (const r of rows) hasher.update(`${r.hash}\n`);
    count += rows.length;
    if (rows.length < BATCH) break;
    afterPosition = rows[rows.length - 1].position;
  }
  return { count, digest: hasher.digest('hex') };
}

async function verifyAnchors(failures: VerificationFailure[]): Promise<number> {
  const anchors = await sequelize().query<AnchorRow>(
    `SELECT id, from_xid::text AS "fromXid", to_xid::text AS "toXid", event_count AS "eventCount",
            events_digest AS "eventsDigest", prev_hash AS "prevHash", hash
     FROM audit_anchors ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
  let prev = ZERO_HASH;
  for (const a of anchors) {
    const id = `anchor:${a.id}`;
    if (a.prevHash !== prev) failures.push({ id, reason: 'the anchor does not link to the anchor before it' });
    if (anchorHash(a) !== a.hash) failures.push({ id, reason: 'the anchor record was altered' });
    const { count, digest } = await digestEvents(a.fromXid, a.toXid);
    if (count !== a.eventCount || digest !== a.eventsDigest)
      failures.push({
        id,
        reason: `the events this anchor sealed changed (sealed ${a.eventCount}, found ${count}): events were altered, removed or inserted`,
      });
    prev = a.hash;
  }
  return anchors.length;
}
