import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });
const person = z.object({ id: z.string().uuid(), name: z.string() });

/** The answer to an upload (API.md). */
export const UploadedEvidenceSchema = z
  .object({
    id: z.string().uuid(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).openapi({ description: 'SHA-256 of the bytes: the same bytes are stored once' }),
    size: z.number().int().positive().openapi({ description: 'Bytes' }),
    mimeType: z.string().openapi({ description: 'The type detected from the bytes (never the name or the client\'s Content-Type)', example: 'image/jpeg' }),
    filename: z.string().openapi({ description: 'The uploaded name, sanitised: a display name only' }),
  })
  .openapi('UploadedEvidence');

/** One piece of evidence in the case detail (`evidence` of GET /complaints/:id). */
export const EvidenceSchema = UploadedEvidenceSchema.extend({
  complaintId: z.string().uuid(),
  description: z.string(),
  sourceDepartment: z.string().nullable(),
  collectedAt: instant.nullable(),
  uploadedAt: instant,
  uploadedBy: person.nullable(),
  withdrawn: z.boolean().openapi({ description: 'Withdrawn evidence stays listed; it is never deleted' }),
  withdrawnAt: instant.nullable(),
  withdrawnBy: person.nullable(),
  withdrawalReason: z.string().nullable(),
  contentUrl: z.string().openapi({ example: '/api/v1/evidence/4f0c…/content' }),
  version: z.number().int(),
}).openapi('Evidence');
