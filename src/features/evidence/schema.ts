import { documentRoute, IdParams, ProblemSchema, registry } from '../../http/openapi';
import { EvidenceSchema, UploadedEvidenceSchema } from '../../http/schemas/evidence';
import { z } from '../../lib/zod';

const noNul = (v: string) => !v.includes('\u0000');
const nulMessage = { message: 'Must not contain a NUL character (U+0000).', params: { key: 'errors.nulCharacter' } } as const;
const text = (max: number) => z.string().trim().max(max).refine(noNul, nulMessage);

/** The multipart form's text fields (the file itself is the `file` part). */
export const EvidenceFields = z.object({
  description: text(5000).pipe(z.string().min(1)).openapi({ description: 'What the file shows and why it matters' }),
  sourceDepartment: text(200).optional().transform((v) => v || undefined).openapi({ description: 'The department the evidence came from (free text, e.g. "Kho", "P.KD")' }),
  collectedAt: z.string().datetime({ offset: true }).optional().openapi({ description: 'When it was collected (ISO 8601 with offset)' }),
});

export const WithdrawBody = z.object({ reason: text(5000).pipe(z.string().min(1)) }).strict().openapi('WithdrawEvidence');

registry.registerPath({
  method: 'post',
  path: '/api/v1/complaints/{id}/evidence',
  summary: 'Upload a piece of evidence (multipart). Streamed; stored by SHA-256; the type is detected from the bytes. With an `Idempotency-Key` header a retry gets the first answer (201, the same id, `Idempotent-Replayed: true`) and stores nothing; the same key with another file (by SHA-256) or other fields is 409.',
  tags: ['Evidence'],
  security: [{ bearerAuth: [] }],
  request: {
    params: IdParams,
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: EvidenceFields.extend({ file: z.string().openapi({ type: 'string', format: 'binary', description: 'One file, at most MAX_UPLOAD_MB' }) }),
        },
      },
    },
  },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: UploadedEvidenceSchema } } },
    ...Object.fromEntries(
      [
        [400, 'No file, an empty file, or invalid fields (validation_failed)'],
        [401, 'Not signed in (unauthenticated)'],
        [403, 'Not allowed (forbidden)'],
        [404, 'Unknown or not visible case (not_found)'],
        [409, 'The case is sealed (immutable_record)'],
        [413, 'Larger than MAX_UPLOAD_MB (payload_too_large); the connection is closed'],
        [415, 'Not multipart, or the bytes are of a type not accepted (unsupported_media_type)'],
      ].map(([status, description]) => [status, { description: description as string, content: { 'application/problem+json': { schema: ProblemSchema } } }]),
    ),
  },
});

registry.registerPath({
  method: 'get',
  path: '/api/v1/evidence/{id}/content',
  summary: 'The bytes, with the detected Content-Type, nosniff and a safe Content-Disposition (RFC 5987 name); single byte ranges; ?download=1 for attachment',
  tags: ['Evidence'],
  security: [{ bearerAuth: [] }],
  request: { params: IdParams },
  responses: {
    200: { description: 'The stored bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } },
    206: { description: 'One byte range' },
    404: { description: 'Unknown or not visible (not_found)', content: { 'application/problem+json': { schema: ProblemSchema } } },
    416: { description: 'Range not satisfiable (validation_failed)', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

documentRoute({ method: 'post', path: '/api/v1/evidence/{id}/withdraw', summary: 'Withdraw a piece of evidence with a reason: it stays listed, struck through; nothing is deleted', tags: ['Evidence'], params: IdParams, body: WithdrawBody, response: { status: 200, schema: EvidenceSchema }, problems: [403, 404, 409] });
