import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { Meeting, MeetingAssignment, Setting, User } from '../models';
import { presentAssignment, presentMeeting, type AssignmentJson, type MeetingJson, type MeetingNames } from '../presenters/meetings';

async function namesFor(meetings: readonly Meeting[], assignments: readonly MeetingAssignment[]): Promise<MeetingNames> {
  const ids = new Set<string>();
  for (const m of meetings) {
    for (const id of [m.createdBy, m.approvedBy]) if (id) ids.add(id);
    for (const a of m.attendees) if ('userId' in a) ids.add(a.userId);
  }
  for (const a of assignments) ids.add(a.assigneeId);
  const users = ids.size ? await User.findAll({ where: { id: [...ids] }, attributes: ['id', 'name'] }) : [];
  return { users: new Map(users.map((u) => [u.id, u.name])) };
}

const byMeeting = (assignments: readonly MeetingAssignment[]) => {
  const map = new Map<string, MeetingAssignment[]>();
  for (const a of assignments) map.set(a.meetingId, [...(map.get(a.meetingId) ?? []), a]);
  return map;
};

/** Every meeting of a case, newest first, with its assignments (by due time), the names, and which meeting corrects it. */
export async function caseMeetings(complaintId: string): Promise<MeetingJson[]> {
  const meetings = await Meeting.findAll({ where: { complaintId }, order: [['heldAt', 'DESC'], ['createdAt', 'DESC'], ['id', 'DESC']] });
  if (meetings.length === 0) return [];
  const assignments = await MeetingAssignment.findAll({ where: { complaintId }, order: [['dueAt', 'ASC'], ['id', 'ASC']] });
  const names = await namesFor(meetings, assignments);
  const tasks = byMeeting(assignments);
  const successor = new Map(meetings.filter((m) => m.supersedes).map((m) => [m.supersedes!, m.id]));
  return meetings.map((m) => presentMeeting(m, tasks.get(m.id) ?? [], names, successor.get(m.id) ?? null));
}

/** One meeting as the API answers a change of it (its assignments read again unless given). */
export async function presentOneMeeting(meeting: Meeting, given?: readonly MeetingAssignment[]): Promise<MeetingJson> {
  const assignments = given ?? (await MeetingAssignment.findAll({ where: { meetingId: meeting.id }, order: [['dueAt', 'ASC'], ['id', 'ASC']] }));
  const successor = await Meeting.findOne({ where: { supersedes: meeting.id }, attributes: ['id'] });
  return presentMeeting(meeting, [...assignments].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()), await namesFor([meeting], assignments), successor?.id ?? null);
}

/** One task as the API answers a change of its status. */
export async function presentOneAssignment(assignment: MeetingAssignment): Promise<AssignmentJson> {
  return presentAssignment(assignment, await namesFor([], [assignment]));
}

/** An open task of the user's, for their home page. */
export interface OpenAssignment {
  id: string;
  task: string;
  dueAt: string;
  version: number;
  meetingId: string;
  heldAt: string;
  complaint: { id: string; reference: string; subject: string };
}

/**
 * The user's open tasks, soonest due first: assignments of approved minutes that no approved
 * correction replaces (a correction's own assignments count once it is approved), in cases that
 * are not sealed.
 */
export async function assignmentsFor(userId: string, limit = 50): Promise<OpenAssignment[]> {
  const rows = await sequelize().query<{ id: string; task: string; due_at: Date; version: number; meeting_id: string; held_at: Date; complaint_id: string; reference: string; subject: string }>(
    `SELECT a.id, a.task, a.due_at, a.version, a.meeting_id, m.held_at, c.id AS complaint_id, c.reference, c.subject
       FROM meeting_assignments a
       JOIN meetings m ON m.id = a.meeting_id
       JOIN complaints c ON c.id = a.complaint_id
      WHERE a.assignee_id = $1 AND a.status = 'open' AND m.status = 'approved' AND c.status <> 'archived'
        AND NOT EXISTS (SELECT 1 FROM meetings n WHERE n.supersedes = m.id AND n.status = 'approved')
      ORDER BY a.due_at, a.id
      LIMIT $2`,
    { bind: [userId, limit], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: r.id,
    task: r.task,
    dueAt: new Date(r.due_at).toISOString(),
    version: Number(r.version),
    meetingId: r.meeting_id,
    heldAt: new Date(r.held_at).toISOString(),
    complaint: { id: r.complaint_id, reference: r.reference, subject: r.subject },
  }));
}

/**
 * The organisation's name for printed documents, from the setting `organisation_name` (a string, or
 * `{name}`) when the sysadmin has set one; null otherwise (the minutes then start with their title).
 */
export async function organisationName(): Promise<string | null> {
  const setting = await Setting.findByPk('organisation_name');
  const value: unknown = setting?.value;
  const name = typeof value === 'string' ? value : value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string' ? (value as { name: string }).name : '';
  return name.trim() || null;
}
