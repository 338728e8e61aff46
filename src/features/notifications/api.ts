import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { markAllNotificationsRead, markNotificationRead } from '../../commands/notifications';
import { notFound } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { findNotification, listNotifications, unreadCount, type NoticeLocale, type NotificationItem } from '../../queries/notifications';
import { NotificationListQuery } from './schema';

/** The API's view of a notification. */
export function presentNotification(n: NotificationItem) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    complaintId: n.complaintId,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

/**
 * /api/v1/notifications: the signed-in user's own in-app notifications (any role; 401 otherwise).
 * The ability lets every user read the notifications whose recipient they are (`read
 * Notification {userId}`), and marking one's own read is part of reading them; every query is
 * bound to the caller, so another user's is unknown (404).
 */
export function notificationsApi(config: Config): Router {
  const r = Router();
  const locale = (req: Request): NoticeLocale => ({ lang: req.lang, zone: config.timezone });
  const mine = (req: Request): string => {
    authorize(req, 'read', 'Notification');
    return req.user!.id;
  };

  r.get('/notifications', async (req, res) => {
    const userId = mine(req);
    const q = parse(NotificationListQuery, req.query);
    const [page, unread] = await Promise.all([listNotifications(userId, q, locale(req)), unreadCount(userId)]);
    res.json({ items: page.items.map(presentNotification), unread, nextCursor: page.nextCursor });
  });

  r.post('/notifications/read', async (req, res) => {
    const userId = mine(req);
    await markAllNotificationsRead(userId);
    res.json({ unread: await unreadCount(userId) });
  });

  r.post('/notifications/:id/read', async (req, res) => {
    const userId = mine(req);
    const id = idParam(req);
    await markNotificationRead(userId, id);
    const item = await findNotification(userId, id, locale(req));
    if (!item) throw notFound('Notification');
    res.json(presentNotification(item));
  });

  return r;
}
