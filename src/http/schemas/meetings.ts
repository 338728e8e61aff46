import { z } from '../../lib/zod';

const person = z.object({ id: z.string().uuid(), name: z.string() });
const instant = z.string().datetime({ offset: true });

/** A task a meeting assigned. */
export const MeetingAssignmentSchema = z
  .object({
    id: z.string().uuid(),
    meetingId: z.string().uuid(),
    assignee: person,
    task: z.string(),
    dueAt: instant,
    status: z.enum(['open', 'done']),
    version: z.number().int(),
  })
  .openapi('MeetingAssignment');

/** One meeting and its minutes (`meetings` of GET /complaints/:id, newest first; the answer to POST …/meetings and …/approve). */
export const MeetingSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    heldAt: instant,
    attendees: z.array(z.object({ userId: z.string().uuid().nullable(), name: z.string() })).openapi({ description: 'Users (with their names) and free-text names such as "P.KD"' }),
    agenda: z.string(),
    minutes: z.string(),
    decisions: z.string(),
    assignments: z.array(MeetingAssignmentSchema),
    status: z.enum(['draft', 'approved']).openapi({ description: 'Approved minutes are locked; a correction is a new meeting with `supersedes`' }),
    approvedBy: person.nullable(),
    approvedAt: instant.nullable(),
    supersedes: z.string().uuid().nullable(),
    supersededBy: z.string().uuid().nullable().openapi({ description: 'The meeting that corrects this one, if any' }),
    current: z.boolean(),
    createdBy: person.nullable(),
    createdAt: instant,
    version: z.number().int(),
  })
  .openapi('Meeting');
