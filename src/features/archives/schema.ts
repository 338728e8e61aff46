import { documentRoute, IdParams } from '../../http/openapi';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';

/** The body of POST /complaints/:id/archive: nothing, or the case's version (409 when stale). */
export const ArchiveCaseBody = z
  .object({ version: z.number().int().min(0).optional().openapi({ description: "The case's version as last read (409 when stale)" }) })
  .strict()
  .openapi('ArchiveCase');

export const SealedArchiveSchema = z
  .object({
    id: z.string().uuid(),
    sha256: z.string().openapi({ description: 'SHA-256 of the canonical snapshot (RFC 8785)' }),
    prevSha256: z.string().nullable().openapi({ description: "The previous archive's sha256 (null for the first)" }),
    retentionUntil: z.string().datetime(),
    legalHold: z.boolean(),
  })
  .openapi('SealedArchive');

export const ArchiveVerificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().openapi({ description: 'archives, evidence blobs, letter PDFs and audit events checked' }),
    failures: z.array(z.object({ id: z.string().openapi({ description: 'the record, e.g. archive:<id> (KN-2026-000012), evidence_blob:<sha256>, letter_pdf:<sha256>, an audit event' }), reason: z.string() })),
  })
  .openapi('ArchiveVerification');

export const ArchiveListQuery = z.object({ limit: limitSchema, cursor: z.string().max(200).optional() }).strict();

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/archive',
  summary: 'Seal a closed entry into the archive chain: canonical snapshot, SHA-256, linked to the previous archive; status archived (quality)',
  tags: ['Archive'],
  params: IdParams,
  body: ArchiveCaseBody,
  response: { status: 201, schema: SealedArchiveSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'get',
  path: '/api/v1/archives/verify',
  summary: "Recompute every archive's hash and the archive chain, every evidence blob's and letter PDF's hash, and the audit trail (auditor)",
  tags: ['Archive'],
  response: { status: 200, schema: ArchiveVerificationSchema },
  problems: [403],
});
