/**
 * Reads of the archive list (the auditor's /archives page) and of one case's archive (the case
 * page): metadata only, never the snapshot. Keyset-paged on the chain position, newest first.
 */
import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { z } from '../lib/zod';
import { decodeCursor, toPage, type Page } from '../lib/pagination';

export interface ArchiveListRow {
  id: string;
  complaintId: string;
  reference: string;
  position: number;
  sha256: string;
  prevSha256: string | null;
  sealedAt: Date;
  retentionUntil: Date;
  legalHold: boolean;
  disposedAt: Date | null;
}

const COLUMNS = `a.id, a.complaint_id AS "complaintId", COALESCE(c.reference, a.tombstone->>'reference', '') AS reference, a.position::float8 AS position,
  a.sha256, a.prev_sha256 AS "prevSha256", a.sealed_at AS "sealedAt", a.retention_until AS "retentionUntil", a.legal_hold AS "legalHold", a.disposed_at AS "disposedAt"`;

const Cursor = z.object({ p: z.number().int().min(1) });

export async function listArchives(filter: { limit: number; cursor?: string }): Promise<Page<ArchiveListRow>> {
  const after = decodeCursor(filter.cursor, Cursor);
  const rows = await sequelize().query<ArchiveListRow>(
    `SELECT ${COLUMNS} FROM archives a LEFT JOIN complaints c ON c.id = a.complaint_id
      ${after ? 'WHERE a.position < $1' : ''} ORDER BY a.position DESC LIMIT ${filter.limit + 1}`,
    { bind: after ? [after.p] : [], type: QueryTypes.SELECT },
  );
  return toPage(rows, filter.limit, (r) => r, (r) => ({ p: r.position }));
}

export async function archiveOfCase(complaintId: string): Promise<ArchiveListRow | null> {
  const [row] = await sequelize().query<ArchiveListRow>(
    `SELECT ${COLUMNS} FROM archives a LEFT JOIN complaints c ON c.id = a.complaint_id WHERE a.complaint_id = $1`,
    { bind: [complaintId], type: QueryTypes.SELECT },
  );
  return row ?? null;
}
