import { instantOrDate } from '../../lib/dates';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { documentRoute } from '../../http/openapi';

export const AuditListQuery = z
  .object({
    entityType: z.string().trim().max(64).optional(),
    entityId: z.string().trim().max(254).optional(),
    actorId: z.string().uuid().optional(),
    action: z.string().trim().max(64).optional(),
    complaintId: z.string().uuid().optional().openapi({ description: 'Events of one case: the entry itself and its records (stage visits, holds)' }),
    reference: z
      .string()
      .trim()
      .max(32)
      .optional()
      .openapi({ description: 'The same, by the case reference (KN-2026-000123); a reference no case has is a 400', example: 'KN-2026-000123' }),
    from: instantOrDate.optional().openapi({ description: 'Inclusive; a date means its start in the organisation zone' }),
    to: instantOrDate.optional().openapi({ description: 'Inclusive; a date means its end in the organisation zone' }),
    limit: limitSchema,
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const AuditEventSchema = z
  .object({
    id: z.string().uuid(),
    position: z.number().int(),
    occurredAt: z.string().datetime({ offset: true }),
    actor: z.object({
      id: z.string().uuid().nullable(),
      /** The user's name today (null for the system or an anonymous caller). */
      name: z.string().nullable(),
      label: z.string().nullable(),
      roles: z.array(z.string()),
    }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    complaint: z
      .object({ id: z.string().uuid(), reference: z.string() })
      .nullable()
      .openapi({ description: 'The case the event belongs to: the entry itself or one of its records (stage visit, hold)' }),
    changes: z.unknown(),
    meta: z.unknown(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    chain: z.object({ key: z.string(), seq: z.number().int(), prevHash: z.string(), hash: z.string() }),
    signature: z
      .object({ keyId: z.string(), value: z.string(), contentHash: z.string(), format: z.number().int() })
      .openapi({ description: 'Ed25519 signature of the event body by the key `keyId` (see /api/v1/audit-events/keys); the content (actor label, ip, changes, meta) is covered by the salted `contentHash` and is null once disposal removed it' }),
  })
  .openapi('AuditEvent');

export const AuditKeysSchema = z
  .object({
    algorithm: z.literal('Ed25519'),
    keys: z.array(z.object({ keyId: z.string(), publicKey: z.string().openapi({ description: 'base64 of the raw 32-byte public key' }), current: z.boolean() })),
  })
  .openapi('AuditKeys');

export const VerificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    chains: z.number().int(),
    anchors: z.number().int(),
    records: z.number().int().openapi({ description: 'records whose stored state was compared with the state their trail rebuilds' }),
    failures: z.array(z.object({ id: z.string(), reason: z.string() })),
  })
  .openapi('AuditVerification');

documentRoute({
  method: 'get',
  path: '/api/v1/audit-events',
  summary: 'The audit trail, newest first (auditor)',
  tags: ['Audit'],
  query: AuditListQuery,
  response: { status: 200, schema: z.object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() }) },
  problems: [403],
});
documentRoute({
  method: 'get',
  path: '/api/v1/audit-events/verify',
  summary: 'Recompute every audit chain and anchor and report tampering (auditor)',
  tags: ['Audit'],
  response: { status: 200, schema: VerificationSchema },
  problems: [403],
});
documentRoute({
  method: 'get',
  path: '/api/v1/audit-events/keys',
  summary: 'The public keys that sign the audit trail, so an auditor verifies signatures without any secret (auditor)',
  tags: ['Audit'],
  response: { status: 200, schema: AuditKeysSchema },
  problems: [403],
});
