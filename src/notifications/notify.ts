import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import type { RoleKey } from '../domain/roles';
import * as clock from '../lib/clock';
import { currentTransaction } from '../lib/context';
import { dedupeKey, outboxSignal, WAKE } from '../outbox/outbox';
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
export function notify(n: Notice): Promise<string[]> {
  return notifyAll([n]);
}

/**
 * Notifies many notices at once (a job raising hundreds in one chunk — the SLA sweep — and, with
 * one, `notify()`): the rows — one notification per (cause, recipient, kind) for each active recipient,
 * a duplicate a no-op by the table's UNIQUE key, and the e-mail of each new one to a recipient
 * with an address enqueued to the outbox (`notification.created`, deduplicated by the outbox's
 * key) — in two statements instead of one or two per recipient. Inserted in (cause, recipient,
 * kind) order, so two transactions notifying the same people take the key locks in one order.
 * In the caller's transaction; returns the ids of the notifications it created.
 */
export async function notifyAll(notices: readonly Notice[]): Promise<string[]> {
  const t = currentTransaction() as Transaction | undefined;
  if (!t) throw new Error('Notifications written outside a transaction');
  const rows: Array<{ recipientId: string; kind: string; cause: string; complaintId: string | null; params: string; link: string | null; email: boolean }> = [];
  for (const n of notices) {
    if (!isNotificationKind(n.kind)) throw new Error(`Unknown notification kind "${n.kind}"`);
    const params = JSON.stringify(n.params ?? {});
    for (const id of new Set(n.recipientIds)) rows.push({ recipientId: id, kind: n.kind, cause: n.cause, complaintId: n.complaintId ?? null, params, link: n.link ?? null, email: n.email !== false });
  }
  if (rows.length === 0) return [];
  rows.sort((a, b) => (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : a.recipientId < b.recipientId ? -1 : a.recipientId > b.recipientId ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const created = await sequelize().query<{ id: string; recipientId: string; kind: string; cause: string; complaintId: string | null; params: Record<string, unknown>; link: string | null; email: string | null; locale: string | null; mail: boolean }>(
    `WITH input AS (
       SELECT x.*, row_number() OVER () AS ord FROM json_to_recordset($1::json)
           AS x("recipientId" uuid, kind text, cause text, "complaintId" uuid, params text, link text, email boolean)),
     ins AS (
       INSERT INTO notifications (recipient_id, kind, cause, complaint_id, params, link, created_at)
       SELECT i."recipientId", i.kind, i.cause, i."complaintId", i.params::jsonb, i.link, $2 FROM input i
         JOIN users u ON u.id = i."recipientId" AND u.active
        ORDER BY i.ord
       ON CONFLICT (cause, recipient_id, kind) DO NOTHING
       RETURNING id, recipient_id, kind, cause, complaint_id, params, link)
     SELECT ins.id, ins.recipient_id AS "recipientId", ins.kind, ins.cause, ins.complaint_id AS "complaintId", ins.params, ins.link, u.email, u.locale,
            bool_or(i.email) AS mail
       FROM ins JOIN users u ON u.id = ins.recipient_id
       JOIN input i ON i."recipientId" = ins.recipient_id AND i.kind = ins.kind AND i.cause = ins.cause
      GROUP BY ins.id, ins.recipient_id, ins.kind, ins.cause, ins.complaint_id, ins.params, ins.link, u.email, u.locale
      ORDER BY ins.cause, ins.recipient_id`,
    { bind: [JSON.stringify(rows), clock.now()], type: QueryTypes.SELECT, transaction: t },
  );
  // What enqueue() would write for each, in one INSERT.
  const mails = created
    .filter((r) => r.mail && r.email)
    .map((r) => {
      const cause = `${r.kind}:${r.cause}`;
      return {
        kind: NOTIFICATION_MAIL,
        dedupeKey: dedupeKey({ kind: NOTIFICATION_MAIL, cause, recipient: r.email! }),
        complaintId: r.complaintId,
        recipient: r.email!.trim(),
        payload: JSON.stringify({ kind: r.kind, params: r.params, link: r.link, locale: r.locale }),
      };
    });
  if (mails.length > 0) {
    await sequelize().query(
      `INSERT INTO outbox (kind, dedupe_key, complaint_id, recipient, payload)
       SELECT x.kind, x."dedupeKey", x."complaintId", x.recipient, x.payload::jsonb
         FROM json_to_recordset($1::json) AS x(kind text, "dedupeKey" text, "complaintId" uuid, recipient text, payload text)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      { bind: [JSON.stringify(mails)], transaction: t },
    );
    t.afterCommit(() => {
      outboxSignal.emit(WAKE);
    });
  }
  return created.map((r) => r.id);
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
