import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import type { Category, Channel, Kind, Severity } from '../domain/entries';
import type { Stage } from '../domain/workflow';

/** One line of the feedback log book, as the Excel export needs it (no description, no contacts). */
export interface FeedbackLogEntry {
  kind: Kind;
  refYear: number;
  refNumber: number;
  reference: string;
  receivedAt: Date;
  channel: Channel;
  customerCode: string;
  customerName: string;
  subject: string;
  category: Category;
  severity: Severity;
  /** The assignee (the case handler); null while the case is unassigned. */
  handlerName: string | null;
  status: Stage;
  heldStatus: Stage | null;
  resolution: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  dueResolutionAt: Date;
  /** When its archive was disposed of (its content purged); null otherwise. */
  disposedAt: Date | null;
}

export interface FeedbackLogRange {
  /** Inclusive lower bound on `receivedAt`. */
  from?: Date;
  /** Inclusive upper bound on `receivedAt`. */
  to?: Date;
}

export const FEEDBACK_LOG_BATCH = 1000;

interface Key {
  kind: Kind;
  refYear: number;
  refNumber: number;
}

/**
 * The log book in number order — kind (complaint `KN` before feedback `PH`), year, number — read
 * in keyset batches on the unique (kind, ref_year, ref_number) index, so a batch costs the same
 * at row 1 and at row 1,000,000 and memory holds one batch at a time. Each batch is its own
 * statement (no transaction is held open while a slow client downloads).
 *
 * Every role that may export reports reads every case, and the log book is complete by
 * definition, so no row-level filter applies here; the route authorizes the export.
 */
export async function* feedbackLogBatches(range: FeedbackLogRange, batchSize = FEEDBACK_LOG_BATCH): AsyncGenerator<FeedbackLogEntry[]> {
  let after: Key | null = null;
  for (;;) {
    const where: string[] = [];
    const replacements: Record<string, unknown> = { limit: batchSize };
    if (range.from) {
      where.push('c.received_at >= :from');
      replacements.from = range.from.toISOString();
    }
    if (range.to) {
      where.push('c.received_at <= :to');
      replacements.to = range.to.toISOString();
    }
    if (after) {
      where.push('(c.kind, c.ref_year, c.ref_number) > (:afterKind, :afterYear, :afterNumber)');
      Object.assign(replacements, { afterKind: after.kind, afterYear: after.refYear, afterNumber: after.refNumber });
    }
    const rows: FeedbackLogEntry[] = await sequelize().query<FeedbackLogEntry>(
      `SELECT c.kind, c.ref_year AS "refYear", c.ref_number AS "refNumber", c.reference,
              c.received_at AS "receivedAt", c.channel,
              cu.code AS "customerCode", cu.name AS "customerName",
              c.subject, c.category, c.severity,
              a.name AS "handlerName",
              c.status, c.held_status AS "heldStatus", c.resolution,
              c.resolved_at AS "resolvedAt", c.closed_at AS "closedAt", r.due_at AS "dueResolutionAt",
              ar.disposed_at AS "disposedAt"
         FROM complaints c
         JOIN customers cu ON cu.id = c.customer_id
         LEFT JOIN users a ON a.id = c.assignee_id
         -- Every entry has its resolution clock from intake on; a LEFT JOIN so that no line can ever drop out of the book.
         LEFT JOIN case_clocks r ON r.complaint_id = c.id AND r.kind = 'resolution'
         LEFT JOIN archives ar ON ar.complaint_id = c.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.kind, c.ref_year, c.ref_number
        LIMIT :limit`,
      { replacements, type: QueryTypes.SELECT },
    );
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    after = { kind: last.kind, refYear: last.refYear, refNumber: last.refNumber };
  }
}
