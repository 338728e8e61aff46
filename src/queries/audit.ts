import { Op, type WhereOptions } from 'sequelize';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { AuditEvent } from '../models';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const AuditCursor = z.object({ p: z.number().int().positive() });

/** Newest first, keyset on the append position (an index covers every filter combination used). */
export async function listAuditEvents<T>(filter: AuditFilter, present: (e: AuditEvent) => T): Promise<Page<T>> {
  const where: WhereOptions<AuditEvent>[] = [];
  if (filter.entityType) where.push({ entityType: filter.entityType });
  if (filter.entityId) where.push({ entityId: filter.entityId });
  if (filter.actorId) where.push({ actorId: filter.actorId });
  if (filter.action) where.push({ action: filter.action });
  if (filter.from) where.push({ occurredAt: { [Op.gte]: filter.from } });
  if (filter.to) where.push({ occurredAt: { [Op.lte]: filter.to } });
  const after = decodeCursor(filter.cursor, AuditCursor);
  if (after) where.push({ position: { [Op.lt]: after.p } });
  const rows = await AuditEvent.findAll({ where: { [Op.and]: where }, order: [['position', 'DESC']], limit: filter.limit + 1 });
  return toPage(rows, filter.limit, present, (e) => ({ p: e.position }));
}

export async function auditTotals(): Promise<{ events: number; chains: number; lastAnchorAt: Date | null }> {
  const s = AuditEvent.sequelize!;
  const [row] = (await s.query(
    `SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM audit_chain_heads) AS chains,
            (SELECT max(created_at) FROM audit_anchors) AS "lastAnchorAt"`,
  )) as [Array<{ events: number; chains: number; lastAnchorAt: Date | null }>, unknown];
  return row[0];
}
