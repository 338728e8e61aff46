import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { markAllNotificationsRead, markNotificationRead } from '../../commands/notifications';
import { requireSignIn } from '../../http/auth';
import { setFlash } from '../../http/pageLocals';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { listNotifications, unreadCount } from '../../queries/notifications';
import { presentNotification } from './api';
import { NotificationListQuery } from './schema';

/** Where a form sends the reader back: the list they were on (its filter and page), never elsewhere. */
const BACK = /^\/notifications(\?(?:unread=true|before=[A-Za-z0-9_-]{1,500}|&)*)?$/;
const back = (req: Request): string => {
  const asked = (req.body as Record<string, unknown> | undefined)?.back;
  return typeof asked === 'string' && BACK.test(asked) ? asked : '/notifications';
};

/** The signed-in reader's id: every user reads their own notifications (src/policies/ability.ts `read Notification {userId}`). */
const mine = (req: Request): string => {
  authorize(req, 'read', 'Notification');
  return req.user!.id;
};

/** /notifications: the signed-in user's notifications (the unread ones marked), marked read one by one or all at once. */
export function notificationsPages(config: Config): Router {
  const r = Router();
  r.use('/notifications', requireSignIn);

  r.get('/notifications', async (req, res) => {
    const userId = mine(req);
    const query = pageQuery(req, ['unread', 'before']);
    const filter = parse(NotificationListQuery, query, req.lang);
    const [page, unread] = await Promise.all([listNotifications(userId, filter, { lang: req.lang, zone: config.timezone }), unreadCount(userId)]);
    const here = Object.keys(query).length ? `/notifications?${new URLSearchParams(query).toString()}` : '/notifications';
    res.render('notifications/index', {
      title: req.t('notifications.title'),
      items: page.items.map(presentNotification),
      unread,
      onlyUnread: filter.unread === true,
      back: BACK.test(here) ? here : '/notifications',
      nextHref: page.nextCursor ? `/notifications?${new URLSearchParams({ ...(filter.unread ? { unread: 'true' } : {}), before: page.nextCursor }).toString()}` : null,
    });
  });

  r.post('/notifications/read', async (req, res) => {
    const marked = await markAllNotificationsRead(mine(req));
    setFlash(res, marked > 0 ? 'notifications.marked_all' : 'notifications.none_left');
    res.redirect(303, back(req));
  });

  r.post('/notifications/:id/read', async (req, res) => {
    await markNotificationRead(mine(req), idParam(req));
    res.redirect(303, back(req));
  });

  return r;
}
