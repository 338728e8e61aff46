import { ACTION_STATUSES } from '../../domain/actions';
import { CONTACT_CHANNELS } from '../../domain/entries';
import { documentRoute, IdParams } from '../../http/openapi';
import { ActionSchema, ActionsQuery, ContactSchema, CreateActionBody } from '../../http/schemas/actions';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().transform((v) => v || null);

/** API.md: `{status, effective?, note?, version}`. */
export const UpdateActionBody = z
  .object({
    status: z.enum(ACTION_STATUSES).openapi({ description: 'The next status (planned → in_progress → done → verified); verified with effective' }),
    effective: z.boolean().optional().openapi({ description: 'With verified: effective (→ verified) or not (→ back to in_progress, with the note)' }),
    note: optionalText(5000).openapi({ description: 'Kept in the audit trail; required when not effective' }),
    version: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.status === 'verified' && v.effective === undefined)
      ctx.addIssue({ code: 'custom', path: ['effective'], message: 'A verification says whether the action was effective.', params: { key: 'actions.errors.effectiveRequired' } });
    if (v.status !== 'verified' && v.effective !== undefined)
      ctx.addIssue({ code: 'custom', path: ['effective'], message: 'Only a verification says whether the action was effective.', params: { key: 'actions.errors.effectiveOnlyVerified' } });
    if (v.effective === false && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say why the action was not effective.', params: { key: 'actions.errors.noteWhenIneffective' } });
  })
  .openapi('UpdateAction');

export const LinkActionBody = z.object({ actionId: z.string().uuid().openapi({ description: 'The existing action that answers this case too' }) }).strict().openapi('LinkAction');

export const ContactBody = z
  .object({
    complaintId: z.string().uuid().openapi({ description: 'The case (one the action answers) whose customer was contacted' }),
    contactedAt: instant.transform((v) => new Date(v)),
    via: z.enum(CONTACT_CHANNELS),
    note: z.string().trim().min(1).max(5000),
  })
  .strict()
  .openapi('ActionContactInput');

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/actions',
  summary: 'Open a corrective action (CAPA) on the case (quality)',
  tags: ['Actions'],
  params: IdParams,
  body: CreateActionBody,
  response: { status: 201, schema: ActionSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/action-links',
  summary: 'Link an existing action to this case too (the same root cause: no twin); linking twice is 409',
  tags: ['Actions'],
  params: IdParams,
  body: LinkActionBody,
  response: { status: 201, schema: ActionSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'patch',
  path: '/api/v1/actions/{id}',
  summary: 'Move an action on (planned → in_progress → done → verified; not effective reopens it); quality, or the head of the owner department (not the verification)',
  tags: ['Actions'],
  params: IdParams,
  body: UpdateActionBody,
  response: { status: 200, schema: ActionSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'get',
  path: '/api/v1/actions/{id}',
  summary: 'One action with every complaint it answers and the contacts with customers about its result',
  tags: ['Actions'],
  params: IdParams,
  response: { status: 200, schema: ActionSchema.extend({ contacts: z.array(ContactSchema) }) },
  problems: [403, 404],
});
documentRoute({
  method: 'get',
  path: '/api/v1/actions',
  summary: 'The CAPA register, soonest due first (quality, cs_director, auditor: every action; a department head: their department’s)',
  tags: ['Actions'],
  query: ActionsQuery,
  response: { status: 200, schema: z.object({ items: z.array(ActionSchema), nextCursor: z.string().nullable() }) },
  problems: [403],
});
documentRoute({
  method: 'post',
  path: '/api/v1/actions/{id}/contacts',
  summary: "Log a contact with the customer about the action's result (the owner department's head, quality)",
  tags: ['Actions'],
  params: IdParams,
  body: ContactBody,
  response: { status: 201, schema: ContactSchema },
  problems: [403, 404, 409],
});
