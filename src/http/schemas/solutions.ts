import { CONTACT_CHANNELS } from '../../domain/entries';
import { z } from '../../lib/zod';

const person = z.object({ id: z.string().uuid(), name: z.string() });
const instant = z.string().datetime({ offset: true });

/** One proposed solution (`solutions` of GET /complaints/:id, newest first; the answer to POST …/solution). */
export const SolutionSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    round: z.number().int(),
    version: z.number().int().openapi({ description: "Its number among the case's proposals (1, 2, …): each proposal and each re-proposal after a return is a new version" }),
    summary: z.string(),
    proposedBy: person.nullable(),
    proposedAt: instant,
    review: z
      .object({ approved: z.boolean(), comment: z.string().nullable(), reviewedBy: person.nullable(), reviewedAt: instant })
      .nullable()
      .openapi({ description: "The CS director's review: approved, or returned with the reasons; null while it waits" }),
  })
  .openapi('Solution');

/** One follow-up outcome (`followUps` of GET /complaints/:id, newest first; the answer to POST …/follow-up). */
export const FollowUpSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    round: z.number().int(),
    contactedAt: instant,
    via: z.enum(CONTACT_CHANNELS),
    satisfied: z.boolean(),
    note: z.string(),
    recordedBy: person.nullable(),
    recordedAt: instant,
  })
  .openapi('FollowUp');
