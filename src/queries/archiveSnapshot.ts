import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { canonicalJson, sha256Hex } from '../domain/canonical';

/** The snapshot's own format: a later change to what it holds is a new version, old ones still verify. */
export const SNAPSHOT_FORMAT = 'casebook-archive-v1';

/** `coalesce(json_agg(<alias> ORDER BY …), '[]')` over a case's rows of one table. */
const rows = (table: string, order: string, where = 't.complaint_id = $1') =>
  `(SELECT coalesce(json_agg(to_jsonb(t) ORDER BY ${order}), '[]'::json) FROM ${table} t WHERE ${where})`;

/**
 * Everything of one case as it stands, read in ONE statement inside the sealing transaction (the
 * case row is locked): the entry (search text left out: it only repeats other fields), the customer,
 * its stage visits, holds and clocks, evidence (with each blob's SHA-256 and size), findings,
 * meetings and their tasks, solutions with their reviews, signatures, the regulatory reviews,
 * corrective actions answering it with their state at sealing and their contacts, letters (with
 * their PDF's SHA-256), follow-ups, and the heads of every audit chain that wrote about the case.
 * Rows come as PostgreSQL renders them to JSON, so the same database state always gives the same text.
 */
const SNAPSHOT_SQL = `SELECT json_build_object(
  'complaint', (SELECT to_jsonb(c) - 'search_text' FROM complaints c WHERE c.id = $1),
  'customer', (SELECT to_jsonb(u) - 'search_text' FROM customers u JOIN complaints c ON c.customer_id = u.id WHERE c.id = $1),
  'stages', ${rows('complaint_stages', 't.entered_at, t.id')},
  'holds', ${rows('complaint_holds', 't.started_at, t.id')},
  'clocks', ${rows('case_clocks', 't.kind, t.id')},
  'evidence', ${rows('evidence', 't.created_at, t.id')},
  'evidenceBlobs', (SELECT coalesce(json_agg(json_build_object('sha256', b.sha256, 'size', b.size) ORDER BY b.sha256), '[]'::json)
      FROM evidence_blobs b WHERE b.sha256 IN (SELECT e.blob_sha256 FROM evidence e WHERE e.complaint_id = $1)),
  'findings', ${rows('findings', 't.created_at, t.id')},
  'meetings', ${rows('meetings', 't.held_at, t.id')},
  'meetingAssignments', ${rows('meeting_assignments', 't.due_at, t.id')},
  'solutions', ${rows('solutions', 't.round, t.number, t.id')},
  'signatures', ${rows('signatures', 't.signed_at, t.id')},
  'regulatoryReviews', ${rows('regulatory_reviews', 't.submitted_at, t.id')},
  'actionLinks', ${rows('action_cases', 't.linked_at, t.id')},
  'actions', ${rows('corrective_actions', 't.created_at, t.id', 't.id IN (SELECT l.action_id FROM action_cases l WHERE l.complaint_id = $1)')},
  'actionContacts', ${rows('action_contacts', 't.contacted_at, t.id')},
  'letters', ${rows('letters', 't.issued_at, t.id')},
  'followUps', ${rows('follow_ups', 't.round, t.contacted_at, t.id')},
  'auditHeads', (SELECT coalesce(json_agg(json_build_object('chainKey', h.chain_key, 'seq', h.seq, 'hash', h.hash) ORDER BY h.chain_key), '[]'::json)
      FROM audit_chain_heads h WHERE h.chain_key IN (SELECT DISTINCT e.chain_key FROM audit_events e WHERE e.complaint_id = $1))
) AS snapshot`;

export interface CaseSnapshot {
  /** The canonical JSON text (RFC 8785), exactly as hashed. */
  text: string;
  sha256: string;
}

/** The case's snapshot at `sealedAt`, canonical, with its SHA-256. Database reads only (call it inside the sealing transaction). */
export async function caseSnapshot(complaintId: string, sealedAt: Date): Promise<CaseSnapshot> {
  const [row] = await sequelize().query<{ snapshot: Record<string, unknown> }>(SNAPSHOT_SQL, { bind: [complaintId], type: QueryTypes.SELECT });
  const text = canonicalJson({ format: SNAPSHOT_FORMAT, complaintId, sealedAt: sealedAt.toISOString(), ...row.snapshot });
  return { text, sha256: sha256Hex(text) };
}
