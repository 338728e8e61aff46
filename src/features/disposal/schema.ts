import { documentRoute, IdParams } from '../../http/openapi';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });

/** API.md: `{reason}`. */
export const ProposeDisposalBody = z
  .object({ reason: z.string().trim().min(1).max(2000).openapi({ description: 'Why this archive may go (its retention ended; audited, kept in the tombstone)' }) })
  .strict()
  .openapi('ProposeDisposal');

/** API.md: `{comment?}`. */
export const DecideDisposalBody = z
  .object({ comment: z.string().trim().max(2000).optional().openapi({ description: 'The decision’s comment (audited)' }) })
  .strict()
  .openapi('DecideDisposal');

export const DisposalSchema = z
  .object({
    id: z.string().uuid(),
    archiveId: z.string().uuid(),
    reference: z.string(),
    status: z.enum(['proposed', 'approved', 'declined']),
    reason: z.string(),
    proposedBy: z.string().uuid(),
    proposedByName: z.string().nullable(),
    proposedAt: instant,
    decidedBy: z.string().uuid().nullable(),
    decidedByName: z.string().nullable(),
    decidedAt: instant.nullable(),
    comment: z.string().nullable(),
    retentionUntil: instant,
    legalHold: z.boolean(),
  })
  .openapi('Disposal');

export const TombstoneSchema = z
  .object({
    reference: z.string(),
    sha256: z.string(),
    prevSha256: z.string().nullable(),
    position: z.number().int(),
    sealedAt: instant,
    closedAt: instant,
    retentionClass: z.string(),
    retentionUntil: instant,
    disposalId: z.string().uuid(),
    reason: z.string(),
    proposedBy: z.string().uuid(),
    proposedAt: instant,
    approvedBy: z.string().uuid(),
    approvedAt: instant,
    disposedAt: instant,
    customerErased: z.boolean(),
  })
  .openapi('Tombstone');

export const ApprovedDisposalSchema = z
  .object({
    id: z.string().uuid(),
    status: z.literal('approved'),
    archive: z.object({ id: z.string().uuid(), disposedAt: instant, tombstone: TombstoneSchema }),
  })
  .openapi('ApprovedDisposal');

export const DisposalListQuery = z
  .object({
    status: z.enum(['proposed', 'approved', 'declined']).optional().openapi({ description: 'Only proposals in this state (default: all, open ones first)' }),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

documentRoute({ method: 'post', path: '/api/v1/archives/{id}/disposal', summary: 'Propose disposing of an archive whose retention ended (sysadmin). 409 while it is held, before `retentionUntil`, once disposed, or while another proposal waits. Audited.', tags: ['Retention'], params: IdParams, body: ProposeDisposalBody, response: { status: 201, schema: DisposalSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/disposals/{id}/approve', summary: 'Approve a disposal (legal, never the proposer: 403). Purges the case’s content and personal data everywhere in the same transaction and leaves a tombstone (reference, hashes, dates, approvals); every chain still verifies. 409 once decided, or when the archive is held or not yet due.', tags: ['Retention'], params: IdParams, body: DecideDisposalBody, response: { status: 200, schema: ApprovedDisposalSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/disposals/{id}/decline', summary: 'Decline a disposal (legal, never the proposer): the archive stays; a new proposal may follow. Audited.', tags: ['Retention'], params: IdParams, body: DecideDisposalBody, response: { status: 200, schema: DisposalSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'get', path: '/api/v1/disposals', summary: 'Disposal proposals, open ones first, newest first (legal, sysadmin, auditor), keyset-paged.', tags: ['Retention'], query: DisposalListQuery, response: { status: 200, schema: z.object({ items: z.array(DisposalSchema), nextCursor: z.string().nullable() }) }, problems: [403] });
