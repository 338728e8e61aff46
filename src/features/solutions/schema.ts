import { CONTACT_CHANNELS } from '../../domain/entries';
import { documentRoute, IdParams } from '../../http/openapi';
import { CreateActionBody } from '../../http/schemas/actions';
import { FollowUpSchema, SolutionSchema } from '../../http/schemas/solutions';
import { z } from '../../lib/zod';

/** API.md: `{summary, actions?: [...]}` (the actions are the corrective actions capability's), and the case's version the proposer saw. */
export const ProposeSolutionBody = z
  .object({
    summary: z.string().trim().min(1).max(20000).openapi({ description: 'Giải pháp đề xuất' }),
    actions: z.array(CreateActionBody).max(50).optional().openapi({ description: 'Corrective actions proposed with it, created in the same transaction (the shape of POST /complaints/{id}/actions)' }),
    version: z.number().int().nonnegative().optional().openapi({ description: "The case's version; a stale one is 409" }),
  })
  .strict()
  .openapi('ProposeSolution');

/** The follow-up outcome: the customer contacted — when, how, satisfied or not, with a note. */
export const FollowUpBody = z
  .object({
    contactedAt: z.string().datetime({ offset: true }).openapi({ description: 'When the customer was contacted: not in the future, not before the case entered follow-up' }),
    via: z.enum(CONTACT_CHANNELS),
    satisfied: z.boolean(),
    note: z.string().trim().min(1).max(5000),
  })
  .strict()
  .openapi('FollowUpOutcome');

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/solution',
  summary: 'Quality proposes the solution of the current round (a new version; only in the solution stage)',
  tags: ['Solution'],
  params: IdParams,
  body: ProposeSolutionBody,
  response: { status: 201, schema: SolutionSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/follow-up',
  summary: 'Quality records the follow-up outcome (only in follow_up): the customer contacted, satisfied or not',
  tags: ['Solution'],
  params: IdParams,
  body: FollowUpBody,
  response: { status: 201, schema: FollowUpSchema },
  problems: [403, 404, 409],
});
