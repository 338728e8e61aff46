import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import type { RoleKey } from '../domain/roles';
import * as clock from '../lib/clock';
import { currentTransaction } from '../lib/context';
import { enqueue } from '../outbox/outbox';
import { NOTIFICATION_MAIL } from '../outbox/notificationMail';
import { isNotificationKind } from './kinds';

/** A template value: rendered into `notification.kinds.<kind>.title|body` (dates as ISO strings, formatted by the reader). */
export type NoticeParam = string | number | boolean | null;

export interface Notice {
  /** `sla.breached`, `renewal.due`…: one of src/notifications/kinds.ts, labelled `notification.kinds.<kind>.title|body`. */
  kind: string;
  /** What caused it (`clock:<id>:100`): with the kind and each recipient it is the deduplication key. */
  cause: string;
  recipientIds: readonly string[];
  /** The case it is about: disposal deletes its notifications. */
  complaintId?: string | null;
  /** The template's values. Never the case's free text (subject, description): a reference, a stage, a due time. */
  params?: Record<string, NoticeParam>;
  /** A path inside the app (`/complaints/<id>`). */
  link?: string | null;
  /** Also by e-mail through the outbox, to recipients with an address (default true). */
  email?: boolean;
}

/**
 * Notifies `recipientIds` (the active ones, each once) in the caller's transaction: written only
 * if the cause commits, never twice for one (cause, recipient, kind) — the table's UNIQUE key
 * makes a concurrent second insert a no-op. Each new notification of a recipient with an e-mail
 * address is also enqueued to the outbox (`notification.created`, deduplicated the same way).
 * Returns the ids of the notifications it created (none when all existed already).
 */
export async function notify(n: Notice): Promise<string[]> {
  const t = currentTransaction() as Transaction | undefined;
  if (!t) throw new Error(`Notification "${n.kind}" written outside a transaction`);
  if (!isNotificationKind(n.kind)) throw new Error(`Unknown notification kind "${n.kind}"`);
  const ids = [...new Set(n.recipientIds)];
  if (ids.length === 0) return [];
  const params = n.params ?? {};
  // Sorted inserts: two transactions notifying the same people take the key locks in one order.
  const rows = await sequelize().query<{ id: string; email: string | null; locale: string | null }>(
    `WITH ins AS (
       INSERT INTO notifications (recipient_id, kind, cause, complaint_id, params, link, created_at)
       SELECT u.id, $2, $3, $4, $5::jsonb, $6, $7 FROM users u
        WHERE u.id = ANY($1::uuid[]) AND u.active ORDER BY u.id
       ON CONFLICT (cause, recipient_id, kind) DO NOTHING
       RETURNING id, recipient_id)
     SELECT ins.id, u.email, u.locale FROM ins JOIN users u ON u.id = ins.recipient_id ORDER BY u.id`,
    { bind: [ids, n.kind, n.cause, n.complaintId ?? null, JSON.stringify(params), n.link ?? null, clock.now()], type: QueryTypes.SELECT, transaction: t },
  );
  if (n.email !== false) {
    for (const row of rows) {
      if (!row.email) continue;
      await enqueue({
        kind: NOTIFICATION_MAIL,
        cause: `${n.kind}:${n.cause}`,
        recipient: row.email,
        complaintId: n.complaintId ?? null,
        payload: { kind: n.kind, params, link: n.link ?? null, locale: row.locale },
      });
    }
  }
  return rows.map((r) => r.id);
}

/** The active users holding any of `roles`, in id order. */
export async function usersWithRoles(roles: readonly RoleKey[]): Promise<string[]> {
  const rows = await sequelize().query<{ id: string }>('SELECT id FROM users WHERE active AND roles && $1::text[] ORDER BY id', {
    bind: [roles],
    type: QueryTypes.SELECT,
    transaction: currentTransaction() as Transaction | undefined,
  });
  return rows.map((r) => r.id);
}

/** The active department heads (role `dept_head`) of `departmentIds`, in id order. */
export async function departmentHeads(departmentIds: ReadonlyArray<string | null>): Promise<string[]> {
  const depts = departmentIds.filter((d): d is string => d !== null);
  if (depts.length === 0) return [];
  const rows = await sequelize().query<{ id: string }>(
    `SELECT id FROM users WHERE active AND 'dept_head' = ANY(roles) AND department_id = ANY($1::uuid[]) ORDER BY id`,
    { bind: [depts], type: QueryTypes.SELECT, transaction: currentTransaction() as Transaction | undefined },
  );
  return rows.map((r) => r.id);
}
