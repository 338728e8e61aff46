import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import type { Lang } from '../lib/i18n';
import { translator } from '../lib/i18n';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import type { NoticeParam } from '../notifications/notify';
import { renderNotice } from '../notifications/render';

/**
 * A user's in-app notifications (src/notifications/notify.ts writes them): their list, newest
 * first, and their unread count. Only ever the reader's own: every query is bound to the
 * recipient, so another user's notification is as unknown as a missing one.
 */

/** One notification as its recipient reads it: the text rendered in their language and the organisation's zone. */
export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  complaintId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** How to say it: the reader's language and the organisation's zone (times in the text). */
export interface NoticeLocale {
  lang: Lang;
  zone: string;
}

export interface NotificationRow {
  id: string;
  kind: string;
  params: Record<string, NoticeParam>;
  link: string | null;
  complaint_id: string | null;
  created_at: Date;
  read_at: Date | null;
  /** created_at with its microseconds, for the cursor (a JS Date keeps milliseconds only). */
  at: string;
}

export const NOTIFICATION_COLUMNS = `n.id, n.kind, n.params, n.link, n.complaint_id, n.created_at, n.read_at,
  to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`;

/** The row as its reader sees it. A kind without a template (one no longer made) still lists, under a plain title, rather than breaking the bell. */
export function toNotificationItem(r: NotificationRow, locale: NoticeLocale): NotificationItem {
  let text: { title: string; body: string };
  try {
    text = renderNotice(r.kind, r.params ?? {}, locale.lang, locale.zone);
  } catch {
    text = { title: translator(locale.lang)('notifications.unknownKind'), body: '' };
  }
  return {
    id: r.id,
    kind: r.kind,
    title: text.title,
    body: text.body,
    link: r.link,
    complaintId: r.complaint_id,
    createdAt: new Date(r.created_at),
    readAt: r.read_at ? new Date(r.read_at) : null,
  };
}

const NotificationCursor = z.object({ at: z.string().datetime(), i: z.string().uuid() });

export interface NotificationFilter {
  /** Only the unread ones. */
  unread?: boolean;
  limit: number;
  /** The `nextCursor` of the page before: the notifications older than its last one. */
  before?: string;
}

/** `recipientId`'s notifications, newest first, keyset-paginated on (created_at, id): `notifications_recipient_idx`. */
export async function listNotifications(recipientId: string, filter: NotificationFilter, locale: NoticeLocale): Promise<Page<NotificationItem>> {
  const bind: unknown[] = [recipientId];
  const where = ['n.recipient_id = $1'];
  if (filter.unread) where.push('n.read_at IS NULL');
  const before = decodeCursor(filter.before, NotificationCursor);
  if (before) where.push(`(n.created_at, n.id) < ($${bind.push(before.at)}::timestamptz, $${bind.push(before.i)}::uuid)`);
  const rows = await sequelize().query<NotificationRow>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM notifications n WHERE ${where.join(' AND ')}
     ORDER BY n.created_at DESC, n.id DESC LIMIT ${filter.limit + 1}`,
    { bind, type: QueryTypes.SELECT },
  );
  return toPage(rows, filter.limit, (r) => toNotificationItem(r, locale), (r) => ({ at: r.at, i: r.id }));
}

/** One of `recipientId`'s notifications, or null (unknown, or someone else's). */
export async function findNotification(recipientId: string, id: string, locale: NoticeLocale): Promise<NotificationItem | null> {
  const [row] = await sequelize().query<NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications n WHERE n.id = $1 AND n.recipient_id = $2`, {
    bind: [id, recipientId],
    type: QueryTypes.SELECT,
  });
  return row ? toNotificationItem(row, locale) : null;
}

/**
 * How many of `recipientId`'s notifications are unread (the partial index `notifications_unread_idx`).
 * With `cap`, counts no further than `cap` (the bell shows "99+"), so a forgotten inbox costs no more than a busy one.
 */
export async function unreadCount(recipientId: string, cap?: number): Promise<number> {
  const sql =
    cap === undefined
      ? 'SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL'
      : 'SELECT count(*)::int AS n FROM (SELECT 1 FROM notifications WHERE recipient_id = $1 AND read_at IS NULL LIMIT $2) s';
  const [row] = await sequelize().query<{ n: number }>(sql, { bind: cap === undefined ? [recipientId] : [recipientId, cap], type: QueryTypes.SELECT });
  return Number(row.n);
}
