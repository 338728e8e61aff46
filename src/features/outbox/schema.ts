import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { OUTBOX_STATUSES } from '../../outbox/outbox';
import { documentRoute, IdParams } from '../../http/openapi';

const instant = z.string().datetime({ offset: true });

export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES).openapi('OutboxStatus');

export const OutboxMessageSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.string().openapi({ example: 'entry.received' }),
    channel: z.enum(['email']),
    recipient: z.string(),
    complaintId: z.string().uuid().nullable(),
    reference: z.string().nullable().openapi({ description: 'The entry the message is about, if any' }),
    status: OutboxStatusSchema,
    attempts: z.number().int().openapi({ description: 'Delivery attempts made so far (since the last retry from the admin)' }),
    nextAttemptAt: instant.nullable().openapi({ description: 'When a queued message is next tried' }),
    lastAttemptAt: instant.nullable(),
    lastError: z.string().nullable().openapi({ description: 'Why the last failed attempt failed (kept after a later success)' }),
    deliveryInfo: z.string().nullable().openapi({ description: "The SMTP peer's answer, or the .eml file written" }),
    createdAt: instant,
    sentAt: instant.nullable(),
  })
  .openapi('OutboxMessage', { description: 'An effect waiting for, in, or after delivery. The message itself is case content and is not shown.' });

export const OutboxListQuery = z
  .object({
    status: OutboxStatusSchema.optional(),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

documentRoute({
  method: 'get',
  path: '/api/v1/outbox',
  summary: 'Outgoing messages: queued, sending, sent and failed, with attempts and the last error (sysadmin)',
  tags: ['Outbox'],
  query: OutboxListQuery,
  response: { status: 200, schema: list(OutboxMessageSchema) },
  problems: [403],
});
documentRoute({
  method: 'post',
  path: '/api/v1/outbox/{id}/retry',
  summary: 'Queue a failed message again, due now (sysadmin; audited)',
  tags: ['Outbox'],
  params: IdParams,
  response: { status: 200, schema: OutboxMessageSchema },
  problems: [403, 404, 409],
});
