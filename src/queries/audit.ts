import { Op, type WhereOptions } from 'sequelize';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The case a `reference` or `complaintId` filter names; a reference no case has is a field error. */
async function caseOfFilter(filter: AuditFilter): Promise<string | undefined> {
  if (filter.complaintId) return filter.complaintId;
  if (!filter.reference) return undefined;
  const complaint = await Complaint.findOne({ where: { reference: filter.reference.toUpperCase() }, attributes: ['id'] });
  if (!complaint) throw validationFailed([fieldError('reference', 'audit.errors.unknownReference')], 'No case has this reference.');
  return complaint.id;
}

/** Newest first, keyset on the append position (an index covers every filter combination used). */
export async function listAuditEvents<T>(filter: AuditFilter, present: (e: AuditEvent) => T): Promise<Page<T>> {
  const where: WhereOptions<AuditEvent>[] = [];
  if (filter.entityType) where.push({ entityType: filter.entityType });
  if (filter.entityId) where.push({ entityId: filter.entityId });
  if (filter.actorId) where.push({ actorId: filter.actorId });
  if (filter.action) where.push({ action: filter.action });
  const complaintId = await caseOfFilter(filter);
  // Every event names its case (indexed on complaint_id, position): one read for the whole history.
  if (complaintId) where.push({ complaintId });
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

/**
 * Names and case references for one page of events, in two statements whatever the page size:
 * one for the users, one for the cases the events name.
 */
export async function auditLinks(events: AuditEvent[]): Promise<AuditLinks> {
  const userIds = new Set<string>();
  const caseIds = new Set<string>();
  for (const e of events) {
    if (e.actorId) userIds.add(e.actorId);
    if (e.entityType === 'User' && e.entityId && UUID.test(e.entityId)) userIds.add(e.entityId);
    if (e.complaintId) caseIds.add(e.complaintId);
  }
  const userNames = new Map<string, string>();
  if (userIds.size) {
    const users = await User.findAll({ where: { id: [...userIds] }, attributes: ['id', 'name'] });
    for (const u of users) userNames.set(u.id, u.name);
  }
  const cases = new Map<string, CaseRef>();
  if (caseIds.size) {
    const rows = await Complaint.findAll({ where: { id: [...caseIds] }, attributes: ['id', 'reference'] });
    for (const r of rows) cases.set(r.id, { id: r.id, reference: r.reference });
  }
  return {
    userNames,
    caseOf: (e) => (e.complaintId ? (cases.get(e.complaintId) ?? null) : null),
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
