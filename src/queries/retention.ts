/**
 * Reads of the retention side of the archive (PRODUCT.md "Archive, retention and the audit trail"):
 * the retention classes, an archive's metadata (never its snapshot), the retention-review list
 * (archives due, keyset-paged) and the retention report's rows in batches. Raw SQL over
 * `retention_classes` and `archives` (migration 0020): the snapshot column is never selected here,
 * so a sysadmin reading these never sees case content.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import { latestVerification, verificationOf } from './archiveVerifications';
import { z } from '../lib/zod';
import { decodeCursor, toPage, type Page } from '../lib/pagination';

export interface RetentionClassRow {
  key: string;
  years: number;
  description: string;
  version: number;
  updatedAt: Date;
}

export async function listRetentionClasses(): Promise<RetentionClassRow[]> {
  return sequelize().query<RetentionClassRow>(
    `SELECT key, years, description, version, updated_at AS "updatedAt" FROM retention_classes ORDER BY years, key`,
    { type: QueryTypes.SELECT },
  );
}

export async function findRetentionClass(key: string, options: { lock?: boolean; transaction?: Transaction } = {}): Promise<RetentionClassRow | null> {
  const [row] = await sequelize().query<RetentionClassRow>(
    `SELECT key, years, description, version, updated_at AS "updatedAt" FROM retention_classes WHERE key = $1${options.lock ? ' FOR UPDATE' : ''}`,
    { bind: [key], type: QueryTypes.SELECT, transaction: options.transaction },
  );
  return row ?? null;
}

/** An archive as the retention pages show it: dates, class, hold and disposal — no snapshot. */
export interface ArchiveMeta {
  id: string;
  complaintId: string;
  reference: string;
  position: number;
  sha256: string;
  closedAt: Date | null;
  sealedAt: Date;
  retentionClass: string;
  retentionUntil: Date;
  legalHold: boolean;
  legalHoldReason: string | null;
  legalHoldBy: string | null;
  legalHoldByName: string | null;
  legalHoldAt: Date | null;
  disposedAt: Date | null;
  version: number;
}

const META = `a.id, a.complaint_id AS "complaintId", COALESCE(c.reference, a.tombstone->>'reference', '') AS reference, a.position::float8 AS position,
  a.sha256, a.closed_at AS "closedAt", a.sealed_at AS "sealedAt", a.retention_class AS "retentionClass", a.retention_until AS "retentionUntil",
  a.legal_hold AS "legalHold", a.legal_hold_reason AS "legalHoldReason", a.legal_hold_by AS "legalHoldBy", u.name AS "legalHoldByName",
  a.legal_hold_at AS "legalHoldAt", a.disposed_at AS "disposedAt", a.version`;
const FROM = `FROM archives a LEFT JOIN complaints c ON c.id = a.complaint_id LEFT JOIN users u ON u.id = a.legal_hold_by`;

export async function findArchiveMeta(id: string, options: { lock?: boolean; transaction?: Transaction } = {}): Promise<ArchiveMeta | null> {
  const [row] = await sequelize().query<ArchiveMeta>(`SELECT ${META} ${FROM} WHERE a.id = $1${options.lock ? ' FOR UPDATE OF a' : ''}`, {
    bind: [id],
    type: QueryTypes.SELECT,
    transaction: options.transaction,
  });
  return row ?? null;
}

/** The archive's metadata as the API returns it; the hold's reason and author only for readers of case content. */
export function presentArchiveMeta(a: ArchiveMeta, withContent: boolean) {
  return {
    id: a.id,
    complaintId: a.complaintId,
    reference: a.reference,
    sha256: a.sha256,
    closedAt: a.closedAt?.toISOString() ?? null,
    sealedAt: a.sealedAt.toISOString(),
    retentionClass: a.retentionClass,
    retentionUntil: a.retentionUntil.toISOString(),
    legalHold: a.legalHold,
    ...(withContent ? { legalHoldReason: a.legalHoldReason, legalHoldBy: a.legalHoldBy, legalHoldByName: a.legalHoldByName } : {}),
    legalHoldAt: a.legalHoldAt?.toISOString() ?? null,
    disposedAt: a.disposedAt?.toISOString() ?? null,
    version: a.version,
  };
}
export type ArchiveMetaJson = ReturnType<typeof presentArchiveMeta>;

const ReviewCursor = z.object({ u: z.string().datetime({ offset: true }), i: z.string().uuid() });

/**
 * Archives not disposed whose retention ends by `dueBy` (now, or now + N days), soonest first,
 * keyset-paged on (retention_until, id). Held ones are listed with their hold (they are due, and
 * stay kept while held).
 */
export async function retentionReview(filter: { dueBy: Date; limit: number; cursor?: string }): Promise<Page<ArchiveMeta>> {
  const bind: unknown[] = [filter.dueBy.toISOString()];
  const where = ['a.disposed_at IS NULL', 'a.retention_until <= $1::timestamptz'];
  const after = decodeCursor(filter.cursor, ReviewCursor);
  if (after) where.push(`(a.retention_until, a.id) > ($${bind.push(after.u)}::timestamptz, $${bind.push(after.i)}::uuid)`);
  // The cursor keeps the date to the microsecond (a JS Date would round it and repeat the row).
  const rows = await sequelize().query<ArchiveMeta & { untilKey: string }>(
    `SELECT ${META}, to_json(a.retention_until)#>>'{}' AS "untilKey" ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.retention_until, a.id LIMIT ${filter.limit + 1}`,
    { bind, type: QueryTypes.SELECT },
  );
  return toPage(rows, filter.limit, ({ untilKey: _key, ...r }) => r, (r) => ({ u: r.untilKey, i: r.id }));
}

/** A row of the retention report. `verification` is the last recorded result for the archive, when one is recorded. */
export interface RetentionReportRow extends ArchiveMeta {
  verification: 'ok' | 'failed' | null;
  verifiedAt: Date | null;
}

export const REPORT_BATCH = 1000;

/**
 * Every archive in chain order (position), `batch` rows at a time by keyset: the report streams
 * 100,000 archives without holding them. Each row carries its result in the latest recorded
 * verification run (src/queries/archiveVerifications.ts), null when no run has covered it yet.
 */
export async function* retentionReportBatches(batch = REPORT_BATCH): AsyncGenerator<RetentionReportRow[]> {
  let after: number | null = null;
  const run = await latestVerification();
  for (;;) {
    const bind: unknown[] = after === null ? [] : [after];
    const rows: ArchiveMeta[] = await sequelize().query<ArchiveMeta>(
      `SELECT ${META} ${FROM} ${after === null ? '' : 'WHERE a.position > $1'} ORDER BY a.position LIMIT ${batch}`,
      { bind, type: QueryTypes.SELECT },
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({ ...r, ...verificationOf(run, r) }));
    if (rows.length < batch) return;
    after = rows[rows.length - 1].position;
  }
}
