import { z } from '../../lib/zod';

const person = z.object({ id: z.string().uuid(), name: z.string() });

/** One version of a case's findings (`findings` of GET /complaints/:id, newest first; the answer to POST …/findings). */
export const FindingSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    round: z.number().int(),
    substantiated: z.boolean().openapi({ description: 'Có cơ sở (true) or không có cơ sở (false)' }),
    rootCause: z.string(),
    recurring: z.boolean().openapi({ description: 'Recurring (tái diễn) or new' }),
    recurringWith: z.array(z.object({ id: z.string().uuid(), reference: z.string() })).openapi({ description: 'The earlier entries it recurs with' }),
    responsibleDepartment: z.object({ id: z.string().uuid(), code: z.string(), name: z.string() }).nullable(),
    responsibleUserId: z.string().uuid().nullable().optional().openapi({ description: 'Only for quality, cs_director, ceo, legal and auditor (absent for other roles)' }),
    responsiblePerson: z.string().nullable().optional().openapi({ description: 'Only for quality, cs_director, ceo, legal and auditor (absent for other roles)' }),
    disciplinaryMeasure: z.string().nullable().optional().openapi({ description: 'Only for quality, cs_director, ceo, legal and auditor (absent for other roles)' }),
    noEvidenceReason: z.string().nullable().openapi({ description: 'Why there is no evidence, when there is none' }),
    supersedes: z.string().uuid().nullable(),
    supersededBy: z.string().uuid().nullable(),
    current: z.boolean(),
    recordedBy: person.nullable(),
    recordedAt: z.string().datetime({ offset: true }),
    version: z.number().int(),
  })
  .openapi('Finding');
