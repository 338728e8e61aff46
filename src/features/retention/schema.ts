import { documentRoute, IdParams } from '../../http/openapi';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });

export const RetentionClassSchema = z
  .object({
    key: z.string().openapi({ example: 'default' }),
    years: z.number().int().nonnegative().openapi({ description: 'Years an archive is kept after the case closed' }),
    description: z.string(),
    version: z.number().int(),
  })
  .openapi('RetentionClass');

/** API.md: `{years: integer ≥ 0, description?}` (+ the version edited, for optimistic locking). */
export const PutRetentionClassBody = z
  .object({
    years: z.number().int().min(0).max(200).openapi({ description: 'Years after closure; applies to archives sealed afterwards' }),
    description: z.string().trim().max(500).optional(),
    version: z.number().int().nonnegative().optional().openapi({ description: 'The version edited; a stale one is 409 (or send If-Match)' }),
  })
  .strict()
  .openapi('PutRetentionClass');

export const RetentionClassParams = z.object({ key: z.string().max(64) });

/** API.md: `{hold: boolean, reason}`. */
export const LegalHoldBody = z
  .object({
    hold: z.boolean().openapi({ description: 'true places a legal hold, false releases it' }),
    reason: z.string().trim().min(1).max(2000).openapi({ description: 'Why (the matter, the request of the authority…); audited' }),
  })
  .strict()
  .openapi('LegalHold');

export const ArchiveMetaSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    reference: z.string(),
    sha256: z.string(),
    closedAt: instant.nullable(),
    sealedAt: instant,
    retentionClass: z.string(),
    retentionUntil: instant,
    legalHold: z.boolean(),
    legalHoldReason: z.string().nullable().optional().openapi({ description: 'Not shown to sysadmin (metadata only)' }),
    legalHoldBy: z.string().uuid().nullable().optional(),
    legalHoldByName: z.string().nullable().optional(),
    legalHoldAt: instant.nullable(),
    disposedAt: instant.nullable(),
    version: z.number().int(),
  })
  .openapi('ArchiveRetention');

export const RetentionReviewQuery = z
  .object({
    withinDays: z.coerce.number().int().min(0).max(3650).default(0).openapi({ description: 'Also list archives whose retention ends within this many days (default 0: already ended)' }),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

documentRoute({ method: 'get', path: '/api/v1/retention-classes', summary: 'The retention classes: years an archive is kept after closure (auditor, legal, sysadmin)', tags: ['Retention'], response: { status: 200, schema: z.object({ items: z.array(RetentionClassSchema) }) }, problems: [403] });
documentRoute({ method: 'put', path: '/api/v1/retention-classes/{key}', summary: 'Change the years of a retention class (sysadmin). Applies to archives sealed afterwards: an archive keeps the date computed when it was sealed. Audited.', tags: ['Retention'], params: RetentionClassParams, body: PutRetentionClassBody, response: { status: 200, schema: RetentionClassSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/archives/{id}/legal-hold', summary: "Place or release a legal hold on an archive (legal only), with the reason; audited on the archive's case. A held archive is never disposed. Placing a hold already set or releasing one not set is 409.", tags: ['Retention'], params: IdParams, body: LegalHoldBody, response: { status: 200, schema: ArchiveMetaSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'get', path: '/api/v1/archives/retention-review', summary: 'Archives due for the retention review: retention ended (or ends within `withinDays`), not disposed, with their hold; soonest first, keyset-paged (auditor, legal, sysadmin — sysadmin sees metadata only).', tags: ['Retention'], query: RetentionReviewQuery, response: { status: 200, schema: z.object({ items: z.array(ArchiveMetaSchema), nextCursor: z.string().nullable() }) }, problems: [403] });
