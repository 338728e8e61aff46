import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { fieldError, validationFailed } from '../lib/errors';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { AuditEvent, Complaint, User } from '../models';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** Every event of one case: the entry itself and its records (stage visits, holds, …). */
  complaintId?: string;
  /** The same, by the case's reference (KN-2026-000123). */
  reference?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const AuditCursor = z.object({ p: z.number().int().positive() });

/**
 * Audited records that belong to a case, by entity type: the table holding them, whose
 * `complaint_id` names their case. A later model with a `complaint_id` adds its line here and its
 * events show the case on the audit page and are found by the case filter.
 */
export const COMPLAINT_RECORDS: Readonly<Record<string, string>> = {
  ComplaintStage: 'complaint_stages',
  ComplaintHold: 'complaint_holds',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The case a `reference` or `complaintId` filter names; a reference no case has is a field error. */
async function caseOfFilter(filter: AuditFilter): Promise<string | undefined> {
  if (filter.complaintId) return filter.complaintId;
  if (!filter.reference) return undefined;
  const complaint = await Complaint.findOne({ where: { reference: filter.reference.toUpperCase() }, attributes: ['id'] });
  if (!complaint) throw validationFailed([fieldError('reference', 'audit.errors.unknownReference')], 'No case has this reference.');
  return complaint.id;
}

/** Events of the case itself or of one of its records (on the (entity_type, entity_id) index). */
function caseEventsWhere(complaintId: string): WhereOptions<AuditEvent> {
  const s = AuditEvent.sequelize!;
  const id = s.escape(complaintId);
  return {
    [Op.or]: [
      { entityType: 'Complaint', entityId: complaintId },
      ...Object.entries(COMPLAINT_RECORDS).map(([entityType, table]) => ({
        entityType,
        entityId: { [Op.in]: s.literal(`(SELECT id::text FROM ${table} WHERE complaint_id = ${id})`) },
      })),
    ],
  };
}

/** Newest first, keyset on the append position (an index covers every filter combination used). */
export async function listAuditEvents<T>(filter: AuditFilter, present: (e: AuditEvent) => T): Promise<Page<T>> {
  const where: WhereOptions<AuditEvent>[] = [];
  if (filter.entityType) where.push({ entityType: filter.entityType });
  if (filter.entityId) where.push({ entityId: filter.entityId });
  if (filter.actorId) where.push({ actorId: filter.actorId });
  if (filter.action) where.push({ action: filter.action });
  const complaintId = await caseOfFilter(filter);
  if (complaintId) where.push(caseEventsWhere(complaintId));
  if (filter.from) where.push({ occurredAt: { [Op.gte]: filter.from } });
  if (filter.to) where.push({ occurredAt: { [Op.lte]: filter.to } });
  const after = decodeCursor(filter.cursor, AuditCursor);
  if (after) where.push({ position: { [Op.lt]: after.p } });
  const rows = await AuditEvent.findAll({ where: { [Op.and]: where }, order: [['position', 'DESC']], limit: filter.limit + 1 });
  return toPage(rows, filter.limit, present, (e) => ({ p: e.position }));
}

export interface CaseRef {
  id: string;
  reference: string;
}

/** What an auditor needs beside the raw event: who the actor is by name, which case it belongs to. */
export interface AuditLinks {
  /** Names of the actors and of the users the events are about, by user id. */
  userNames: Map<string, string>;
  caseOf(e: AuditEvent): CaseRef | null;
}

/** `complaintId` written on the event itself (a record of a case not in COMPLAINT_RECORDS yet). */
function complaintIdIn(e: AuditEvent): string | null {
  for (const part of [e.changes, e.meta] as unknown[]) {
    if (!part || typeof part !== 'object') continue;
    const p = part as { complaintId?: unknown; after?: { complaintId?: unknown } | null; before?: { complaintId?: unknown } | null };
    for (const v of [p.after?.complaintId, p.before?.complaintId, p.complaintId]) if (typeof v === 'string' && UUID.test(v)) return v;
  }
  return null;
}

/**
 * Names and case references for one page of events, in two statements whatever the page size:
 * one for the users, one for the cases (the entries themselves and their records, through their
 * `complaint_id`).
 */
export async function auditLinks(events: AuditEvent[]): Promise<AuditLinks> {
  const s = AuditEvent.sequelize!;
  const userIds = new Set<string>();
  const idsByType = new Map<string, Set<string>>();
  const add = (type: string, id: string | null) => {
    if (!id || !UUID.test(id)) return;
    if (!idsByType.has(type)) idsByType.set(type, new Set());
    idsByType.get(type)!.add(id);
  };
  for (const e of events) {
    if (e.actorId) userIds.add(e.actorId);
    if (e.entityType === 'User' && e.entityId && UUID.test(e.entityId)) userIds.add(e.entityId);
    if (e.entityType === 'Complaint' || COMPLAINT_RECORDS[e.entityType]) add(e.entityType, e.entityId);
    else add('Complaint', complaintIdIn(e));
  }

  const userNames = new Map<string, string>();
  if (userIds.size) {
    const users = await User.findAll({ where: { id: [...userIds] }, attributes: ['id', 'name'] });
    for (const u of users) userNames.set(u.id, u.name);
  }

  const cases = new Map<string, CaseRef>();
  const parts: string[] = [];
  const replacements: Record<string, string[]> = {};
  for (const [type, ids] of idsByType) {
    const n = parts.length;
    replacements[`ids${n}`] = [...ids];
    const table = type === 'Complaint' ? 'complaints' : COMPLAINT_RECORDS[type];
    const complaintColumn = type === 'Complaint' ? 'id' : 'complaint_id';
    parts.push(`SELECT ${s.escape(type)} AS type, id::text AS id, ${complaintColumn} AS complaint_id FROM ${table} WHERE id IN (:ids${n})`);
  }
  if (parts.length) {
    const rows = await s.query<{ type: string; id: string; complaintId: string; reference: string }>(
      `SELECT x.type, x.id, c.id AS "complaintId", c.reference FROM (${parts.join(' UNION ALL ')}) x JOIN complaints c ON c.id = x.complaint_id`,
      { replacements, type: QueryTypes.SELECT },
    );
    for (const r of rows) cases.set(`${r.type}:${r.id}`, { id: r.complaintId, reference: r.reference });
  }

  return {
    userNames,
    caseOf(e) {
      if (e.entityType === 'Complaint' || COMPLAINT_RECORDS[e.entityType]) return cases.get(`${e.entityType}:${e.entityId}`) ?? null;
      const id = complaintIdIn(e);
      return id ? (cases.get(`Complaint:${id}`) ?? null) : null;
    },
  };
}

export async function auditTotals(): Promise<{ events: number; chains: number; lastAnchorAt: Date | null }> {
  const s = AuditEvent.sequelize!;
  const [row] = (await s.query(
    `SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM audit_chain_heads) AS chains,
            (SELECT max(created_at) FROM audit_anchors) AS "lastAnchorAt"`,
  )) as [Array<{ events: number; chains: number; lastAnchorAt: Date | null }>, unknown];
  return row[0];
}
