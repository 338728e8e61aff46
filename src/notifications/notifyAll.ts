import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import * as clock from '../lib/clock';
import { currentTransaction } from '../lib/context';
import { dedupeKey, outboxSignal, WAKE } from '../outbox/outbox';
import { NOTIFICATION_MAIL } from '../outbox/notificationMail';
import { isNotificationKind } from './kinds';
import type { Notice } from './notify';

/**
 * `notify()` for many notices at once, for a job that raises hundreds in one chunk (the SLA
 * sweep): the same rows — one notification per (cause, recipient, kind) for each active recipient,
 * a duplicate a no-op by the table's UNIQUE key, and the e-mail of each new one to a recipient
 * with an address enqueued to the outbox (`notification.created`, deduplicated by the outbox's
 * key) — in two statements instead of one or two per recipient. Inserted in (cause, recipient,
 * kind) order, so two transactions notifying the same people take the key locks in one order.
 * In the caller's transaction; returns how many notifications it created.
 */
export async function notifyAll(notices: readonly Notice[]): Promise<number> {
  const t = currentTransaction() as Transaction | undefined;
  if (!t) throw new Error('Notifications written outside a transaction');
  const rows: Array<{ recipientId: string; kind: string; cause: string; complaintId: string | null; params: string; link: string | null; email: boolean }> = [];
  for (const n of notices) {
    if (!isNotificationKind(n.kind)) throw new Error(`Unknown notification kind "${n.kind}"`);
    const params = JSON.stringify(n.params ?? {});
    for (const id of new Set(n.recipientIds)) rows.push({ recipientId: id, kind: n.kind, cause: n.cause, complaintId: n.complaintId ?? null, params, link: n.link ?? null, email: n.email !== false });
  }
  if (rows.length === 0) return 0;
  rows.sort((a, b) => (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : a.recipientId < b.recipientId ? -1 : a.recipientId > b.recipientId ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const created = await sequelize().query<{ recipientId: string; kind: string; cause: string; complaintId: string | null; params: Record<string, unknown>; link: string | null; email: string | null; locale: string | null; mail: boolean }>(
    `WITH input AS (
       SELECT x.*, row_number() OVER () AS ord FROM json_to_recordset($1::json)
           AS x("recipientId" uuid, kind text, cause text, "complaintId" uuid, params text, link text, email boolean)),
     ins AS (
       INSERT INTO notifications (recipient_id, kind, cause, complaint_id, params, link, created_at)
       SELECT i."recipientId", i.kind, i.cause, i."complaintId", i.params::jsonb, i.link, $2 FROM input i
         JOIN users u ON u.id = i."recipientId" AND u.active
        ORDER BY i.ord
       ON CONFLICT (cause, recipient_id, kind) DO NOTHING
       RETURNING recipient_id, kind, cause, complaint_id, params, link)
     SELECT ins.recipient_id AS "recipientId", ins.kind, ins.cause, ins.complaint_id AS "complaintId", ins.params, ins.link, u.email, u.locale,
            bool_or(i.email) AS mail
       FROM ins JOIN users u ON u.id = ins.recipient_id
       JOIN input i ON i."recipientId" = ins.recipient_id AND i.kind = ins.kind AND i.cause = ins.cause
      GROUP BY ins.recipient_id, ins.kind, ins.cause, ins.complaint_id, ins.params, ins.link, u.email, u.locale
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
  return created.length;
}
