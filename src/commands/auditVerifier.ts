import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { auditKeyring } from '../audit/keys';
import { isPurged, RecordReplayer, recordsWithoutTrail, verifyLogBook, type Purged, type VerificationFailure } from '../audit/verifyRecords';
import { readWitness } from '../audit/witness';
import { sequelize } from '../db';
import { AUDIT_FORMAT, anchorHash, anchorSigningMessage, chainKey, contentHash, eventHash, eventSigningMessage, type AuditContent } from '../domain/auditChain';
import { canonicalJson, ZERO_HASH } from '../domain/canonical';
import { auditBodyOf, type AuditColumns } from '../models/AuditEvent';

export type { VerificationFailure };

export interface AuditVerification {
  ok: boolean;
  checked: number;
  chains: number;
  anchors: number;
  /** Records whose stored state was compared with the state their trail rebuilds. */
  records: number;
  failures: VerificationFailure[];
}

const BATCH = 2000;

interface EventRow extends AuditColumns {
  chainKey: string;
  seq: number;
  prevHash: string;
  hash: string;
  signature: string;
  salt: string | null;
  content: AuditContent | null;
  headSeq: number | null;
  headHash: string | null;
}

const EVENT_COLUMNS = `e.id, e.format, e.chain_key AS "chainKey", e.seq, e.prev_hash AS "prevHash", e.hash, e.occurred_at AS "occurredAt",
  e.actor_id AS "actorId", e.actor_roles AS "actorRoles", e.action, e.entity_type AS "entityType", e.entity_id AS "entityId",
  e.complaint_id AS "complaintId", e.op, e.request_id AS "requestId", e.content_hash AS "contentHash", e.key_id AS "keyId",
  e.signature, c.salt, c.content`;

/**
 * Checks everything a database superuser could have changed, and reports each finding by name:
 * - every chain: sequence without gaps, each link, each hash, each signature by a key this
 *   installation trusts (a forged `audit_append` is unsigned), each content against its hash, the
 *   chain ends where its head says, heads whose events all vanished;
 * - every record: its state rebuilt from its trail equals the stored row; no audited row lacks a
 *   trail; the log book has no missing number;
 * - every anchor: link, hash, signature, and the events of its range; every line of the witness
 *   file outside the database still matches its anchor (deleting the last anchors is seen).
 * Reads in keyset batches, so memory stays flat however long the trail is; a tampered row is a
 * finding, never a crash.
 */
export async function verifyAuditTrail(): Promise<AuditVerification> {
  const s = sequelize();
  const keyring = auditKeyring();
  const failures: VerificationFailure[] = [];
  let checked = 0;
  let chains = 0;

  // The signed disposal events (their content stays: it is the tombstone's proof, checked below).
  const disposals = await s.query<{ complaintId: string; erasedCustomerId: string | null }>(
    `SELECT e.complaint_id AS "complaintId", c.content #>> '{meta,erasedCustomerId}' AS "erasedCustomerId"
       FROM audit_events e LEFT JOIN audit_event_contents c ON c.event_id = e.id
      WHERE e.action = 'complaint.disposed' AND e.complaint_id IS NOT NULL`,
    { type: QueryTypes.SELECT },
  );
  const erased = disposals.flatMap((d) => (d.erasedCustomerId ? [d.erasedCustomerId] : []));
  const services = erased.length
    ? await s.query<{ id: string }>('SELECT id FROM customer_services WHERE customer_id = ANY($1::uuid[])', { bind: [erased], type: QueryTypes.SELECT })
    : [];
  const disposed: Purged = {
    cases: new Set(disposals.map((d) => d.complaintId)),
    entities: new Set([...erased.map((id) => `Customer:${id}`), ...services.map((r) => `CustomerService:${r.id}`)]),
  };
  const replayer = new RecordReplayer(failures, disposed);

  // The chain's head comes with each of its events (one join), so closing a chain costs no query.
  let current: { key: string; seq: number; hash: string; head: { seq: number; hash: string } | null } | undefined;
  const closeChain = () => {
    if (!current) return;
    chains++;
    const head = current.head;
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
      `SELECT ${EVENT_COLUMNS}, h.seq AS "headSeq", h.hash AS "headHash"
         FROM audit_events e LEFT JOIN audit_event_contents c ON c.event_id = e.id
         LEFT JOIN audit_chain_heads h ON h.chain_key = e.chain_key
       ${after ? 'WHERE (e.chain_key, e.seq) > (:key, :seq)' : ''}
       ORDER BY e.chain_key, e.seq LIMIT ${BATCH}`,
      { replacements: after ?? {}, type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      checked++;
      if (!current || current.key !== row.chainKey) {
        closeChain();
        current = { key: row.chainKey, seq: 0, hash: ZERO_HASH, head: row.headSeq === null ? null : { seq: row.headSeq, hash: row.headHash! } };
      }
      checkEvent(row, current, keyring, disposed, failures);
      current = { ...current, seq: row.seq, hash: row.hash };
      await replayer.add({ ...row, changes: row.content?.changes ?? null, hasContent: row.content !== null });
    }
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1];
    after = { key: last.chainKey, seq: last.seq };
  }
  closeChain();
  await replayer.flushAll();

  const orphans = await s.query<{ chainKey: string }>(
    `SELECT chain_key AS "chainKey" FROM audit_chain_heads h
     WHERE seq > 0 AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_key = h.chain_key)`,
    { type: QueryTypes.SELECT },
  );
  for (const o of orphans) failures.push({ id: o.chainKey, reason: 'every event of this chain was removed' });

  await recordsWithoutTrail(failures);
  await verifyLogBook(failures);
  const anchors = await verifyAnchors(failures);
  return { ok: failures.length === 0, checked, chains, anchors, records: replayer.compared, failures };
}

function checkEvent(
  row: EventRow,
  prev: { key: string; seq: number; hash: string },
  keyring: ReturnType<typeof auditKeyring>,
  disposed: Purged,
  failures: VerificationFailure[],
): void {
  const where = `event ${row.seq} of ${row.chainKey}`;
  if (row.seq !== prev.seq + 1) failures.push({ id: row.id, reason: `${where} follows event ${prev.seq}: events are missing` });
  else if (row.prevHash !== prev.hash) failures.push({ id: row.id, reason: `${where} does not link to the event before it` });
  if (row.format !== AUDIT_FORMAT) {
    failures.push({ id: row.id, reason: `${where} is in an unknown format (${row.format})` });
    return;
  }
  let body: string;
  try {
    body = canonicalJson(auditBodyOf(row));
  } catch {
    failures.push({ id: row.id, reason: `${where} cannot be read` });
    return;
  }
  if (eventHash(row.prevHash, row.seq, body) !== row.hash)
    failures.push({ id: row.id, reason: `${where} was altered: its content no longer matches its hash` });
  if (!keyring.verify(row.keyId, eventSigningMessage(body), row.signature))
    failures.push({ id: row.id, reason: `${where} is not signed by a key this installation trusts: it was forged or written outside the application` });
  if (chainKey(row.entityType, row.entityId) !== row.chainKey)
    failures.push({ id: row.id, reason: `${where} names ${row.entityType}:${row.entityId}, not its chain's record` });
  if (row.content === null || row.salt === null) {
    if (row.action === 'complaint.disposed')
      failures.push({ id: row.id, reason: `${where} is a disposal that lost its content: the tombstone's proof was removed` });
    else if (!isPurged(disposed, row))
      failures.push({ id: row.id, reason: `${where} lost its content, and its case was never disposed of` });
  } else if (contentHash(row.salt, row.content) !== row.contentHash) {
    failures.push({ id: row.id, reason: `${where} has content that does not match its signed hash: the content was altered` });
  }
}

interface AnchorRow {
  id: number;
  fromXid: string;
  toXid: string;
  eventCount: number;
  eventsDigest: string;
  prevHash: string;
  hash: string;
  keyId: string;
  signature: string;
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
  const keyring = auditKeyring();
  const anchors = await sequelize().query<AnchorRow>(
    `SELECT id, from_xid::text AS "fromXid", to_xid::text AS "toXid", event_count AS "eventCount",
            events_digest AS "eventsDigest", prev_hash AS "prevHash", hash, key_id AS "keyId", signature
     FROM audit_anchors ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
  let prev = ZERO_HASH;
  for (const a of anchors) {
    const id = `anchor:${a.id}`;
    if (a.prevHash !== prev) failures.push({ id, reason: 'the anchor does not link to the anchor before it' });
    if (anchorHash(a) !== a.hash) failures.push({ id, reason: 'the anchor record was altered' });
    if (!keyring.verify(a.keyId, anchorSigningMessage(a.hash), a.signature))
      failures.push({ id, reason: 'the anchor is not signed by a key this installation trusts: it was forged' });
    const { count, digest } = await digestEvents(a.fromXid, a.toXid);
    if (count !== a.eventCount || digest !== a.eventsDigest)
      failures.push({
        id,
        reason: `the events this anchor sealed changed (sealed ${a.eventCount}, found ${count}): events were altered, removed or inserted`,
      });
    prev = a.hash;
  }
  const byId = new Map(anchors.map((a) => [a.id, a]));
  for await (const w of readWitness()) {
    if (!w.entry) {
      failures.push({ id: `witness:${w.line}`, reason: `line ${w.line} of the witness file cannot be read (${w.error})` });
      continue;
    }
    const a = byId.get(w.entry.anchor);
    const id = `anchor:${w.entry.anchor}`;
    if (!a) failures.push({ id, reason: 'the witness outside the database recorded this anchor, but the database no longer has it: anchors were deleted' });
    else if (a.hash !== w.entry.hash) failures.push({ id, reason: 'the anchor differs from what the witness outside the database recorded: it was rewritten' });
  }
  return anchors.length;
}
