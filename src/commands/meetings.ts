/**
 * Meetings of a case and their minutes (PRODUCT.md "Escalation of serious cases"). A meeting is
 * recorded as a draft with its assignments; approving it locks the minutes in the database
 * (migration 0015). A correction of approved minutes is a new meeting that `supersedes` them (both
 * kept). Creating locks the case row FOR UPDATE, so two corrections of the same minutes take turns
 * and the second is refused (the UNIQUE `supersedes` would refuse it too).
 */
import { transaction } from '../db';
import { AppError, fieldError, forbidden, immutableRecord, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import { Complaint, Meeting, MeetingAssignment, User } from '../models';
import type { Attendee } from '../models/Meeting';
import type { AssignmentStatus } from '../models/MeetingAssignment';
import * as clock from '../lib/clock';

/** How far in the future a meeting's time may lie (clocks of two machines disagree a little). */
export const HELD_AT_TOLERANCE_MS = 5 * 60_000;

export interface MeetingsActor {
  userId: string;
  /** May the actor see this case at all? (No: 404, as for any case they cannot see.) */
  reads(complaint: Complaint): boolean;
  /** May the actor record a meeting of this case? */
  mayCreate(complaint: Complaint): boolean;
  /** May the actor approve this meeting's minutes? */
  mayApprove(meeting: Meeting): boolean;
  /** May the actor mark this task done or open again? (Its assignee; quality and cs_director.) */
  mayUpdateAssignment(assignment: MeetingAssignment): boolean;
}

export interface AssignmentInput {
  assigneeId: string;
  task: string;
  dueAt: Date;
}

export interface MeetingInput {
  heldAt: Date;
  /** Each a user id or a free-text name ("P.KD", "Kho"). */
  attendees: string[];
  agenda: string;
  minutes: string;
  decisions: string;
  assignments: AssignmentInput[];
  /** The approved meeting this one corrects. */
  supersedes?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const conflictWith = (message: string, key: string) => new AppError(409, 'conflict', message, undefined, undefined, undefined, key);

/** The ids of `ids` that name no active user. */
async function inactiveOrUnknown(ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const found = await User.findAll({ where: { id: unique, active: true }, attributes: ['id'] });
  const active = new Set(found.map((u) => u.id));
  return new Set(unique.filter((id) => !active.has(id)));
}

/** The attendees as stored: users by id (each must be an active user), the rest as names; repeats dropped. */
async function attendeesOf(given: readonly string[], errors: FieldError[]): Promise<Attendee[]> {
  const values = given.map((a) => a.trim());
  const ids = values.filter((a) => UUID.test(a)).map((a) => a.toLowerCase());
  const unknown = await inactiveOrUnknown(ids);
  const seen = new Set<string>();
  const out: Attendee[] = [];
  values.forEach((value, i) => {
    if (!value) return errors.push(fieldError(`attendees.${i}`, 'meetings.errors.attendee'));
    const isId = UUID.test(value);
    const key = isId ? value.toLowerCase() : value.toLocaleLowerCase('vi');
    if (isId && unknown.has(key)) return errors.push(fieldError(`attendees.${i}`, 'meetings.errors.unknownAttendee'));
    if (seen.has(`${isId}:${key}`)) return;
    seen.add(`${isId}:${key}`);
    out.push(isId ? { userId: key } : { name: value });
  });
  return out;
}

/**
 * Records a meeting of the case as a draft, with its assignments: 404 for a case the actor cannot
 * see, 403 for one they may not record meetings of, 409 `immutable_record` when the case is
 * sealed, 400 for a time in the future, an unknown or deactivated attendee (given by id) or
 * assignee, an unknown meeting to supersede; 409 `conflict` when the meeting it supersedes is
 * not approved or already superseded. Everything and its audit events in one transaction.
 */
export async function createMeeting(complaintId: string, input: MeetingInput, actor: MeetingsActor): Promise<{ meeting: Meeting; assignments: MeetingAssignment[] }> {
  return transaction(async () => {
    const complaint = await Complaint.findByPk(complaintId, { lock: true });
    if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
    if (!actor.mayCreate(complaint)) throw forbidden('You are not allowed to record meetings of this case.', { action: 'create', subject: 'Meeting', entityId: complaint.id });
    if (complaint.status === 'archived') throw immutableRecord('The case is sealed: no meeting can be added.');

    const errors: FieldError[] = [];
    const now = clock.now();
    if (input.heldAt.getTime() > now.getTime() + HELD_AT_TOLERANCE_MS) errors.push(fieldError('heldAt', 'meetings.errors.heldInFuture'));
    const attendees = await attendeesOf(input.attendees, errors);
    const unknownAssignees = await inactiveOrUnknown(input.assignments.map((a) => a.assigneeId.toLowerCase()));
    input.assignments.forEach((a, i) => {
      if (unknownAssignees.has(a.assigneeId.toLowerCase())) errors.push(fieldError(`assignments.${i}.assigneeId`, 'errors.unknownUser'));
    });
    let previous: Meeting | null = null;
    if (input.supersedes) {
      previous = await Meeting.findByPk(input.supersedes);
      if (!previous || previous.complaintId !== complaint.id) errors.push(fieldError('supersedes', 'meetings.errors.unknownMeeting'));
    }
    if (errors.length) throw validationFailed(errors);
    if (previous) {
      if (previous.status !== 'approved')
        throw conflictWith('Only approved minutes are corrected by a new meeting; a draft is approved or left as it is.', 'meetings.errors.supersedeDraft');
      if (await Meeting.count({ where: { supersedes: previous.id } }))
        throw conflictWith('These minutes have already been corrected: correct the newer meeting instead.', 'meetings.errors.alreadySuperseded');
    }

    const meeting = await Meeting.create(
      {
        complaintId: complaint.id,
        heldAt: input.heldAt,
        attendees,
        agenda: input.agenda.trim(),
        minutes: input.minutes.trim(),
        decisions: input.decisions.trim(),
        supersedes: previous?.id ?? null,
        createdBy: actor.userId,
      },
      { auditMeta: previous ? { supersedes: previous.id } : undefined } as object,
    );
    const assignments: MeetingAssignment[] = [];
    for (const a of input.assignments) {
      assignments.push(
        await MeetingAssignment.create({ meetingId: meeting.id, complaintId: complaint.id, assigneeId: a.assigneeId.toLowerCase(), task: a.task.trim(), dueAt: a.dueAt }),
      );
    }
    return { meeting, assignments };
  });
}

/**
 * Approves a meeting's minutes, which locks them (and its assignments but their status) in the
 * database: 404 for an unknown meeting or one of a case the actor cannot see, 403 for a role that
 * may not approve, 409 `immutable_record` on a sealed case, 409 `conflict` when already approved or
 * when `version` is not the meeting's current one.
 */
export async function approveMeeting(meetingId: string, version: number, actor: MeetingsActor): Promise<Meeting> {
  return transaction(async () => {
    const meeting = await Meeting.findByPk(meetingId, { lock: true });
    const complaint = meeting && (await Complaint.findByPk(meeting.complaintId));
    if (!meeting || !complaint || !actor.reads(complaint)) throw notFound('Meeting');
    if (!actor.mayApprove(meeting)) throw forbidden('You are not allowed to approve these minutes.', { action: 'approve', subject: 'Meeting', entityId: meeting.id });
    if (complaint.status === 'archived') throw immutableRecord('The case is sealed: its minutes cannot change.');
    if (meeting.status === 'approved') throw conflictWith('These minutes are already approved.', 'meetings.errors.alreadyApproved');
    if (meeting.version !== version) throw staleVersion(meeting.version);
    return meeting.update({ status: 'approved', approvedBy: actor.userId, approvedAt: clock.now() }, { auditAction: 'meeting.approved' } as object);
  });
}

/**
 * Marks a task of a meeting done, or open again. The progress of the work, not the minutes: it is
 * allowed after the minutes are approved (0015's `meeting_assignment_lock()` lets `status` change
 * and nothing else). The case is locked FOR UPDATE, then the task. 404 for an unknown task or one
 * of a case the actor cannot see, 403 for anyone but its assignee, quality and cs_director, 409
 * `immutable_record` on a sealed case, 409 `conflict` when `version` (if given) is not the task's
 * current one. Asking for the status it already has changes nothing and writes no event.
 */
export async function setAssignmentStatus(assignmentId: string, input: { status: AssignmentStatus; version?: number }, actor: MeetingsActor): Promise<MeetingAssignment> {
  return transaction(async () => {
    const found = await MeetingAssignment.findByPk(assignmentId, { attributes: ['id', 'complaintId'] });
    const complaint = found && (await Complaint.findByPk(found.complaintId, { lock: true }));
    const assignment = complaint && (await MeetingAssignment.findByPk(assignmentId, { lock: true }));
    if (!assignment || !complaint || !actor.reads(complaint)) throw notFound('MeetingAssignment');
    if (!actor.mayUpdateAssignment(assignment))
      throw forbidden('Only the assignee, quality or the customer service director may change this task.', { action: 'update', subject: 'MeetingAssignment', entityId: assignment.id });
    if (complaint.status === 'archived') throw immutableRecord('The case is sealed: its tasks cannot change.');
    if (input.version !== undefined && assignment.version !== input.version) throw staleVersion(assignment.version);
    if (assignment.status === input.status) return assignment;
    return assignment.update({ status: input.status }, { auditAction: input.status === 'done' ? 'meeting_assignment.done' : 'meeting_assignment.reopened' } as object);
  });
}
