import { documentRoute, IdParams } from '../../http/openapi';
import { LANGS } from '../../lib/i18n';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });
const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const NotificationSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.string().openapi({ example: 'sla.breached', description: 'What happened: sla.near_breach, sla.breached, followup.due, renewal.due…' }),
    title: z.string().openapi({ description: "In the request's language (?lang=, else the user's), times in the organisation's zone" }),
    body: z.string(),
    link: z.string().nullable().openapi({ description: 'A path inside the app where the work waits (e.g. /complaints/{id})', example: '/complaints/7f0c…' }),
    complaintId: z.string().uuid().nullable(),
    createdAt: instant,
    readAt: instant.nullable().openapi({ description: 'When the recipient first marked it read; null while unread' }),
  })
  .openapi('Notification', { description: 'An in-app notification of the signed-in user.' });

export const NotificationListQuery = z
  .object({
    unread: flag.openapi({ type: 'string', enum: ['true', 'false'], description: 'true: only the unread ones' }),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    before: z.string().max(500).optional().openapi({ description: 'The nextCursor of the previous page: the notifications older than its last one' }),
    lang: z.enum(LANGS).optional().openapi({ description: "The language of title and body (default: the user's, else Vietnamese)" }),
  })
  .strict();

const NotificationPage = z
  .object({
    items: z.array(NotificationSchema),
    unread: z.number().int().openapi({ description: 'How many of your notifications are unread (all of them, not just this page)' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('NotificationPage');

documentRoute({
  method: 'get',
  path: '/api/v1/notifications',
  summary: 'Your in-app notifications, newest first, with your unread count (any signed-in user)',
  tags: ['Notifications'],
  query: NotificationListQuery,
  response: { status: 200, schema: NotificationPage },
});
documentRoute({
  method: 'post',
  path: '/api/v1/notifications/{id}/read',
  summary: 'Mark one of your notifications read (idempotent: it keeps the first time). Another user’s is 404',
  tags: ['Notifications'],
  params: IdParams,
  response: { status: 200, schema: NotificationSchema },
  problems: [404],
});
documentRoute({
  method: 'post',
  path: '/api/v1/notifications/read',
  summary: 'Mark all your notifications read',
  tags: ['Notifications'],
  response: {
    status: 200,
    schema: z.object({ unread: z.number().int().openapi({ description: 'Unread after: 0, unless one arrived meanwhile' }) }).openapi('NotificationsRead'),
  },
});
