import { documentRoute, IdParams } from '../../http/openapi';
import { MeetingAssignmentSchema, MeetingSchema } from '../../http/schemas/meetings';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });

/** API.md: `{heldAt, attendees, agenda, minutes, decisions, assignments: [{assigneeId, task, dueAt}], supersedes?}`. */
export const CreateMeetingBody = z
  .object({
    heldAt: instant.transform((v) => new Date(v)).openapi({ description: 'When the meeting was held (ISO 8601 with offset); not in the future' }),
    attendees: z
      .array(z.string().trim().min(1).max(200))
      .min(1)
      .max(100)
      .openapi({ description: 'Each a user id or a free-text name such as "P.KD"; a user id must name an active user' }),
    agenda: z.string().trim().min(1).max(5000).openapi({ description: 'Nội dung / chương trình họp' }),
    minutes: z.string().trim().min(1).max(50000).openapi({ description: 'Biên bản' }),
    decisions: z.string().trim().min(1).max(20000).openapi({ description: 'Kết luận / quyết định' }),
    assignments: z
      .array(
        z
          .object({
            assigneeId: z.string().uuid(),
            task: z.string().trim().min(1).max(2000),
            dueAt: instant.transform((v) => new Date(v)),
          })
          .strict(),
      )
      .max(100),
    supersedes: z.string().uuid().nullable().optional().openapi({ description: 'The approved meeting this one corrects' }),
  })
  .strict()
  .openapi('CreateMeeting');

export const ApproveMeetingBody = z.object({ version: z.number().int().nonnegative() }).strict().openapi('ApproveMeeting');

/** A task's progress: `done`, or `open` again; `version` (optional) refuses a stale form with 409. */
export const AssignmentStatusBody = z
  .object({
    status: z.enum(['open', 'done']).openapi({ description: 'done: the task is finished (it leaves the assignee\'s task list); open: not finished after all' }),
    version: z.number().int().nonnegative().optional().openapi({ description: 'The task\'s version as last read; another one is 409' }),
  })
  .strict()
  .openapi('MeetingAssignmentStatus');

documentRoute({
  method: 'post',
  path: '/api/v1/meeting-assignments/{id}/status',
  summary: "Mark a meeting's task done (or open again): its assignee, quality or cs_director; allowed after the minutes are approved (the task's progress is not part of the minutes)",
  tags: ['Meetings'],
  params: IdParams,
  body: AssignmentStatusBody,
  response: { status: 200, schema: MeetingAssignmentSchema },
  problems: [403, 404, 409],
});

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/meetings',
  summary: 'Record a meeting of the case and its minutes (a draft), with its assignments; `supersedes` corrects approved minutes',
  tags: ['Meetings'],
  params: IdParams,
  body: CreateMeetingBody,
  response: { status: 201, schema: MeetingSchema },
  problems: [403, 404, 409],
});

documentRoute({
  method: 'post',
  path: '/api/v1/meetings/{id}/approve',
  summary: 'Approve the minutes: they are locked from then on',
  tags: ['Meetings'],
  params: IdParams,
  body: ApproveMeetingBody,
  response: { status: 200, schema: MeetingSchema },
  problems: [403, 404, 409],
});

documentRoute({
  method: 'get',
  path: '/api/v1/meetings/{id}/minutes.pdf',
  summary: 'The minutes as a PDF in Vietnamese (biên bản cuộc họp), for whoever may read the case; the web UI links it with its session cookie',
  tags: ['Meetings'],
  params: IdParams,
  response: { status: 200, contentType: 'application/pdf', schema: z.string().openapi({ format: 'binary' }), description: 'The minutes, shown inline, named bien-ban-hop_<reference>_<date>.pdf' },
  problems: [403, 404],
});
