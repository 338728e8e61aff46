import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import type { DisposalStatus } from '../models/Archive';

/** A disposal proposal with what its reader needs: the archive's reference (or its tombstone's), dates and names. */
export interface DisposalRow {
  id: string;
  archiveId: string;
  complaintId: string;
  reference: string;
  status: DisposalStatus;
  reason: string;
  proposedBy: string;
  proposedByName: string | null;
  proposedAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  comment: string | null;
  retentionUntil: Date;
  legalHold: boolean;
  version: number;
}

const COLUMNS = `d.id, d.archive_id AS "archiveId", d.complaint_id AS "complaintId",
    COALESCE(c.reference, a.tombstone->>'reference', '') AS reference, d.status, d.reason,
    d.proposed_by AS "proposedBy", pu.name AS "proposedByName", d.proposed_at AS "proposedAt",
    d.decided_by AS "decidedBy", du.name AS "decidedByName", d.decided_at AS "decidedAt", d.comment,
    a.retention_until AS "retentionUntil", a.legal_hold AS "legalHold", d.version`;
const FROM = `FROM disposals d JOIN archives a ON a.id = d.archive_id LEFT JOIN complaints c ON c.id = d.complaint_id
  LEFT JOIN users pu ON pu.id = d.proposed_by LEFT JOIN users du ON du.id = d.decided_by`;
const SELECT = `SELECT ${COLUMNS} ${FROM}`;

export async function findDisposal(id: string): Promise<DisposalRow | null> {
  const [row] = await sequelize().query<DisposalRow>(`${SELECT} WHERE d.id = $1`, { bind: [id], type: QueryTypes.SELECT });
  return row ?? null;
}

/** The open proposal of an archive, if any. */
export async function openDisposalOf(archiveId: string): Promise<DisposalRow | null> {
  const [row] = await sequelize().query<DisposalRow>(`${SELECT} WHERE d.archive_id = $1 AND d.status = 'proposed'`, { bind: [archiveId], type: QueryTypes.SELECT });
  return row ?? null;
}

const Cursor = z.object({ r: z.number().int().min(0).max(1), u: z.string().datetime({ offset: true }), i: z.string().uuid() });

/** Proposals, open ones first, then newest first; keyset-paged on (closed?, proposed_at DESC, id DESC) (disposals_status_idx serves the open ones). */
export async function listDisposals(filter: { status?: DisposalStatus; limit: number; cursor?: string }): Promise<Page<DisposalRow>> {
  const bind: unknown[] = [];
  const where: string[] = [];
  if (filter.status) where.push(`d.status = $${bind.push(filter.status)}`);
  const after = decodeCursor(filter.cursor, Cursor);
  if (after) {
    const r = `$${bind.push(after.r)}::int`;
    where.push(`((d.status <> 'proposed')::int > ${r} OR ((d.status <> 'proposed')::int = ${r} AND (d.proposed_at, d.id) < ($${bind.push(after.u)}::timestamptz, $${bind.push(after.i)}::uuid)))`);
  }
  const rows = await sequelize().query<DisposalRow & { atKey: string }>(
    // The cursor keeps the time to the microsecond (a JS Date would round it and repeat the row).
    `SELECT ${COLUMNS}, to_json(d.proposed_at)#>>'{}' AS "atKey" ${FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY (d.status <> 'proposed'), d.proposed_at DESC, d.id DESC LIMIT ${filter.limit + 1}`,
    { bind, type: QueryTypes.SELECT },
  );
  return toPage(rows, filter.limit, ({ atKey: _k, ...row }) => row, (row) => ({ r: row.status === 'proposed' ? 0 : 1, u: row.atKey, i: row.id }));
}

export function presentDisposal(d: DisposalRow) {
  return {
    id: d.id,
    archiveId: d.archiveId,
    reference: d.reference,
    status: d.status,
    reason: d.reason,
    proposedBy: d.proposedBy,
    proposedByName: d.proposedByName,
    proposedAt: d.proposedAt.toISOString(),
    decidedBy: d.decidedBy,
    decidedByName: d.decidedByName,
    decidedAt: d.decidedAt?.toISOString() ?? null,
    comment: d.comment,
    retentionUntil: d.retentionUntil.toISOString(),
    legalHold: d.legalHold,
  };
}
