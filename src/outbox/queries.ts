import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import type { OutboxStatus } from './outbox';

/** One outbox row as the admin sees it: delivery facts only, never the message (that is case content). */
export interface OutboxEntry {
  id: string;
  kind: string;
  channel: string;
  recipient: string;
  complaintId: string | null;
  reference: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  deliveryInfo: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

interface Row {
  id: string;
  kind: string;
  channel: string;
  recipient: string;
  complaint_id: string | null;
  reference: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_error: string | null;
  delivery_info: string | null;
  created_at: Date;
  sent_at: Date | null;
  /** created_at with its microseconds, for the cursor (a JS Date keeps milliseconds only). */
  at: string;
}

const COLUMNS = `o.id, o.kind, o.channel, o.recipient, o.complaint_id, c.reference, o.status, o.attempts, o.next_attempt_at,
  o.last_attempt_at, o.last_error, o.delivery_info, o.created_at, o.sent_at,
  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`;

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id,
  kind: r.kind,
  channel: r.channel,
  recipient: r.recipient,
  complaintId: r.complaint_id,
  reference: r.reference,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastError: r.last_error,
  deliveryInfo: r.delivery_info,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

const OutboxCursor = z.object({ at: z.string().datetime(), i: z.string().uuid() });

export interface OutboxFilter {
  status?: OutboxStatus;
  limit: number;
  cursor?: string;
}

/** Newest first, keyset-paginated on (created_at, id): `outbox_status_created_idx` or `outbox_created_idx`. */
export async function listOutbox<T>(filter: OutboxFilter, present: (e: OutboxEntry) => T): Promise<Page<T>> {
  const bind: unknown[] = [];
  const where: string[] = [];
  if (filter.status) where.push(`o.status = $${bind.push(filter.status)}`);
  const after = decodeCursor(filter.cursor, OutboxCursor);
  if (after) where.push(`(o.created_at, o.id) < ($${bind.push(after.at)}::timestamptz, $${bind.push(after.i)}::uuid)`);
  const rows = await sequelize().query<Row>(
    `SELECT ${COLUMNS} FROM outbox o LEFT JOIN complaints c ON c.id = o.complaint_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY o.created_at DESC, o.id DESC LIMIT ${filter.limit + 1}`,
    { bind, type: QueryTypes.SELECT },
  );
  return toPage(rows, filter.limit, (r) => present(toEntry(r)), (r) => ({ at: r.at, i: r.id }));
}

export async function findOutboxEntry(id: string): Promise<OutboxEntry | null> {
  const [row] = await sequelize().query<Row>(`SELECT ${COLUMNS} FROM outbox o LEFT JOIN complaints c ON c.id = o.complaint_id WHERE o.id = $1`, {
    bind: [id],
    type: QueryTypes.SELECT,
  });
  return row ? toEntry(row) : null;
}

/** How many rows wait, are being sent and have failed (each a partial or leading index; sent rows are not counted). */
export async function countOutbox(): Promise<{ queued: number; sending: number; failed: number }> {
  const [row] = await sequelize().query<{ queued: number; sending: number; failed: number }>(
    `SELECT (SELECT count(*) FROM outbox WHERE status = 'queued') AS queued,
            (SELECT count(*) FROM outbox WHERE status = 'sending') AS sending,
            (SELECT count(*) FROM outbox WHERE status = 'failed') AS failed`,
    { type: QueryTypes.SELECT },
  );
  return row;
}
