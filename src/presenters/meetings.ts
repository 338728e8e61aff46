import type { Meeting, MeetingAssignment } from '../models';

/** The names a presented meeting shows beside user ids. */
export interface MeetingNames {
  users: ReadonlyMap<string, string>;
}

const person = (names: MeetingNames, id: string | null) => (id ? { id, name: names.users.get(id) ?? '' } : null);

/** One task a meeting assigned. */
export function presentAssignment(a: MeetingAssignment, names: MeetingNames) {
  return {
    id: a.id,
    meetingId: a.meetingId,
    assignee: person(names, a.assigneeId)!,
    task: a.task,
    dueAt: a.dueAt.toISOString(),
    status: a.status,
    version: a.version,
  };
}
export type AssignmentJson = ReturnType<typeof presentAssignment>;

/**
 * One meeting as the case detail lists it (`meetings` of GET /complaints/:id, newest first) and as
 * POST …/meetings and POST /meetings/:id/approve answer: attendees with their names, the
 * assignments, who approved, and which meeting corrects it (`supersededBy`; `current` is false then).
 */
export function presentMeeting(m: Meeting, assignments: readonly MeetingAssignment[], names: MeetingNames, supersededBy: string | null = null) {
  return {
    id: m.id,
    complaintId: m.complaintId,
    heldAt: m.heldAt.toISOString(),
    attendees: m.attendees.map((a) => ('userId' in a ? { userId: a.userId, name: names.users.get(a.userId) ?? '' } : { userId: null, name: a.name })),
    agenda: m.agenda,
    minutes: m.minutes,
    decisions: m.decisions,
    assignments: assignments.map((a) => presentAssignment(a, names)),
    status: m.status,
    approvedBy: person(names, m.approvedBy),
    approvedAt: m.approvedAt ? m.approvedAt.toISOString() : null,
    supersedes: m.supersedes,
    supersededBy,
    current: supersededBy === null,
    createdBy: person(names, m.createdBy),
    createdAt: m.createdAt.toISOString(),
    version: m.version,
  };
}
export type MeetingJson = ReturnType<typeof presentMeeting>;

/** Where the minutes of a meeting are read as a PDF (the API route; it accepts the page's session cookie). */
export const minutesPdfHref = (meetingId: string) => `/api/v1/meetings/${meetingId}/minutes.pdf`;

/**
 * What the case page's meetings panel shows (views/partials/meetings-panel.hbs): each meeting with
 * its status badge (`superseded` once a correction replaces it), whether this reader may approve
 * it (a draft) or correct it (approved and current), which tasks they may mark done, and the notice a case that needs a meeting
 * shows while none is recorded.
 */
export function meetingsPanel(
  meetings: readonly MeetingJson[],
  options: { complaintId: string; required: boolean; canCreate: boolean; canApprove: boolean; mayUpdateTask?: (task: AssignmentJson) => boolean },
) {
  return {
    complaintId: options.complaintId,
    canCreate: options.canCreate,
    required: options.required,
    needed: options.required && meetings.length === 0,
    meetings: meetings.map((m) => ({
      ...m,
      badge: m.current ? m.status : 'superseded',
      canApprove: options.canApprove && m.status === 'draft',
      canCorrect: options.canCreate && m.status === 'approved' && m.current,
      pdfHref: minutesPdfHref(m.id),
      // The task's assignee, quality and cs_director mark it done (or open again): a form per row.
      assignments: m.assignments.map((a) => ({ ...a, canMark: options.mayUpdateTask?.(a) ?? false, next: a.status === 'done' ? 'open' : 'done' })),
    })),
  };
}
export type MeetingsPanel = ReturnType<typeof meetingsPanel>;
