import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import * as clock from '../lib/clock';
import { notFound } from '../lib/errors';

/**
 * A recipient marks their in-app notifications read (PRODUCT.md "Scheduler and notifications").
 *
 * Not audited, on purpose: a notification is a delivery, not a record (migration 0021,
 * docs/ARCHITECTURE.md "Notifications"). What it is about — the breach, the reminder's cause — is
 * recorded where it happens; whether someone has seen the bell is no part of the case's story and
 * would only flood the audit log with one event per click. `read_at` is the trace.
 *
 * Both are single statements bound to the recipient, so they are idempotent and safe together:
 * a notification already read keeps its first `read_at`, and another user's notification is
 * answered as unknown (404, never 403: its existence is not revealed).
 */

/** Marks `recipientId`'s notification `id` read (once: a second call keeps the first time). 404 if it is not theirs. */
export async function markNotificationRead(recipientId: string, id: string): Promise<void> {
  const rows = await sequelize().query<{ id: string }>(
    'UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND recipient_id = $2 RETURNING id',
    { bind: [id, recipientId, clock.now()], type: QueryTypes.SELECT },
  );
  if (rows.length === 0) throw notFound('Notification');
}

/** Marks every unread notification of `recipientId` read (those already read keep their time). Returns how many it marked. */
export async function markAllNotificationsRead(recipientId: string): Promise<number> {
  const rows = await sequelize().query<{ id: string }>(
    // Rows locked in id order: two of these at once wait for each other instead of deadlocking.
    `UPDATE notifications SET read_at = $2
      WHERE id IN (SELECT id FROM notifications WHERE recipient_id = $1 AND read_at IS NULL ORDER BY id FOR UPDATE)
        AND read_at IS NULL
      RETURNING id`,
    { bind: [recipientId, clock.now()], type: QueryTypes.SELECT },
  );
  return rows.length;
}
