import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { approveMeeting, createMeeting, setAssignmentStatus } from '../../commands/meetings';
import { requireSignIn } from '../../http/auth';
import { visibleCase } from '../../http/cases';
import { field, versionField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import { AppError, notFound, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, Meeting, MeetingAssignment, User } from '../../models';
import { authorize } from '../../policies/authorize';
import { presentOneMeeting } from '../../queries/meetings';
import { meetingsActor } from './api';
import { ApproveMeetingBody, AssignmentStatusBody, CreateMeetingBody } from './schema';

type Form = Record<string, unknown>;

interface AssignmentValues {
  assigneeId: string;
  task: string;
  dueAt: string;
}

/** What the form shows: strings as typed (a failed submission gives them back untouched). */
interface MeetingValues {
  heldAt: string;
  /** Attendees who are users (checkboxes). */
  attendeeIds: string[];
  /** The other attendees, one name a line. */
  attendeeNames: string;
  agenda: string;
  minutes: string;
  decisions: string;
  assignments: AssignmentValues[];
  supersedes: string;
}

const EMPTY_ROWS = 3;
const MAX_ROWS = 100;
const ROW_FIELDS = ['assigneeId', 'task', 'dueAt'] as const;
const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

const blankRow = (): AssignmentValues => ({ assigneeId: '', task: '', dueAt: '' });
const isBlankRow = (a: AssignmentValues) => !a.assigneeId.trim() && !a.task.trim() && !a.dueAt.trim();
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const zoneOf = (res: Response) => String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat(LOCAL_FORMAT);

/** A `datetime-local` value in the organisation's zone as the API's instant (anything else is passed on for zod to refuse). */
function zoneInstant(value: string, zone: string): string {
  const dt = DateTime.fromISO(value.trim(), { zone });
  return dt.isValid ? dt.toISO()! : value;
}

function fromForm(body: Form): MeetingValues {
  // Rows are named assignments.<n>.<field>; as many as the page sent (3 blank ones, more when prefilled).
  let rows = 0;
  for (const key of Object.keys(body)) {
    const m = /^assignments\.(\d{1,3})\.(assigneeId|task|dueAt)$/.exec(key);
    if (m) rows = Math.max(rows, Number(m[1]) + 1);
  }
  const assignments = Array.from({ length: Math.min(rows, MAX_ROWS) }, (_, i) => ({
    assigneeId: field(body, `assignments.${i}.assigneeId`),
    task: field(body, `assignments.${i}.task`),
    dueAt: field(body, `assignments.${i}.dueAt`),
  }));
  return {
    heldAt: field(body, 'heldAt'),
    attendeeIds: list(body.attendeeIds),
    attendeeNames: field(body, 'attendeeNames'),
    agenda: field(body, 'agenda'),
    minutes: field(body, 'minutes'),
    decisions: field(body, 'decisions'),
    assignments,
    supersedes: field(body, 'supersedes'),
  };
}

const activeUsers = () => User.findAll({ where: { active: true }, attributes: ['id', 'name', 'email'], order: [['name', 'ASC'], ['email', 'ASC']] });

/** The form's starting values: blank, or the approved minutes a correction starts from. */
async function initialValues(res: Response, complaint: Complaint, supersedes: string | undefined): Promise<MeetingValues | 'refused'> {
  const zone = zoneOf(res);
  if (!supersedes) {
    return { heldAt: DateTime.now().setZone(zone).toFormat(LOCAL_FORMAT), attendeeIds: [], attendeeNames: '', agenda: '', minutes: '', decisions: '', assignments: [], supersedes: '' };
  }
  const previous = /^[0-9a-f-]{36}$/i.test(supersedes) ? await Meeting.findByPk(supersedes) : null;
  if (!previous || previous.complaintId !== complaint.id) throw notFound('Meeting');
  const m = await presentOneMeeting(previous);
  if (m.status !== 'approved' || !m.current) return 'refused';
  const active = new Set((await User.findAll({ where: { id: m.attendees.flatMap((a) => (a.userId ? [a.userId] : [])), active: true }, attributes: ['id'] })).map((u) => u.id));
  // A user who has left since cannot be ticked again: their name is kept as free text.
  const asUser = m.attendees.filter((a) => a.userId && active.has(a.userId));
  const asName = m.attendees.filter((a) => !(a.userId && active.has(a.userId))).map((a) => a.name);
  return {
    heldAt: local(m.heldAt, zone),
    attendeeIds: asUser.map((a) => a.userId!),
    attendeeNames: asName.join('\n'),
    agenda: m.agenda,
    minutes: m.minutes,
    decisions: m.decisions,
    assignments: m.assignments.map((a) => ({ assigneeId: a.assignee.id, task: a.task, dueAt: local(a.dueAt, zone) })),
    supersedes: m.id,
  };
}

/** The assignment rows the form shows: the given ones and blank ones to fill in (always at least three). */
function rowsOf(values: MeetingValues, errors: FieldError[] | undefined, users: Array<{ id: string; label: string }>) {
  const out = [...values.assignments];
  while (out.length < MAX_ROWS && (out.length < EMPTY_ROWS || !out.some(isBlankRow))) out.push(blankRow());
  return out.map((a, i) => {
    const error = (f: string) => errors?.find((e) => e.path === `assignments.${i}.${f}`)?.message ?? '';
    return {
      index: i,
      n: i + 1,
      values: a,
      users: users.map((u) => ({ ...u, selected: u.id === a.assigneeId })),
      errors: Object.fromEntries(ROW_FIELDS.map((f) => [f, error(f)])),
    };
  });
}

async function renderForm(req: Request, res: Response, complaint: Complaint, values: MeetingValues, extra: { status?: number; errors?: FieldError[]; message?: string } = {}): Promise<void> {
  const users = (await activeUsers()).map((u) => ({ id: u.id, label: u.name, email: u.email }));
  const options = users.map((u) => ({ id: u.id, label: `${u.label} (${u.email})` }));
  let previousHeldAt: string | null = null;
  if (values.supersedes) previousHeldAt = (await Meeting.findByPk(values.supersedes, { attributes: ['heldAt'] }))?.heldAt.toISOString() ?? null;
  res.status(extra.status ?? 200).render('meetings/form', {
    title: req.t('meetings.form.title', { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject },
    values,
    attendees: users.map((u) => ({ ...u, checked: values.attendeeIds.includes(u.id) })),
    rows: rowsOf(values, extra.errors, options),
    correcting: Boolean(values.supersedes),
    previousHeldAt,
    errors: extra.errors,
    message: extra.message,
  });
}

/**
 * The form's values as the API's body, and which form row each submitted assignment came from
 * (blank rows are left out, so `assignments.0` of the body may be row 2 of the form).
 */
function bodyOf(values: MeetingValues, zone: string) {
  const rows: number[] = [];
  const assignments = values.assignments.flatMap((a, i) => {
    if (isBlankRow(a)) return [];
    rows.push(i);
    return [{ assigneeId: a.assigneeId.trim(), task: a.task, dueAt: a.dueAt.trim() ? zoneInstant(a.dueAt, zone) : '' }];
  });
  const ids = values.attendeeIds.map((s) => s.trim()).filter(Boolean);
  const names = values.attendeeNames.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return {
    body: {
      heldAt: values.heldAt.trim() ? zoneInstant(values.heldAt, zone) : '',
      attendees: [...ids, ...names],
      agenda: values.agenda,
      minutes: values.minutes,
      decisions: values.decisions,
      assignments,
      supersedes: values.supersedes || null,
    },
    rows,
    userAttendees: ids.length,
  };
}

/** The API's error paths as the form's fields, with plain messages for what is missing. */
function formFieldErrors(errors: FieldError[], map: { rows: number[]; userAttendees: number }, values: MeetingValues, t: Request['t']): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    let path = e.path;
    let message = e.message;
    const row = /^assignments\.(\d+)\.(assigneeId|task|dueAt)$/.exec(path);
    const attendee = /^attendees(?:\.(\d+))?$/.exec(path);
    if (row) {
      const i = map.rows[Number(row[1])] ?? Number(row[1]);
      path = `assignments.${i}.${row[2]}`;
      const typed = values.assignments[i]?.[row[2] as keyof AssignmentValues] ?? '';
      if (!e.key) message = typed.trim() ? (row[2] === 'dueAt' ? t('meetings.errors.dateTime') : message) : t('meetings.errors.assignmentIncomplete');
    } else if (attendee) {
      path = attendee[1] !== undefined && Number(attendee[1]) >= map.userAttendees ? 'attendeeNames' : 'attendeeIds';
      if (attendee[1] === undefined) {
        path = 'attendeeIds';
        message = t('meetings.errors.attendeesRequired');
      }
    } else if (!e.key && ['heldAt', 'agenda', 'minutes', 'decisions'].includes(path)) {
      const typed = String(values[path as 'heldAt' | 'agenda' | 'minutes' | 'decisions']).trim();
      message = typed ? (path === 'heldAt' ? t('meetings.errors.dateTime') : message) : t('intake.errors.required');
    }
    if (!out.some((o) => o.path === path)) out.push({ ...e, path, message });
  }
  return out;
}

/** What a refused approval says on the case page. */
function approveFlash(err: AppError): string {
  if (err.code === 'immutable_record') return 'meetings.flash.sealed';
  if (err.messageKey === 'meetings.errors.alreadyApproved') return 'meetings.flash.already_approved';
  if (err.status === 409) return 'meetings.flash.conflict';
  return 'meetings.flash.failed';
}

/** What a refused change of a task's status says where the form was. */
function taskFlash(err: AppError): string {
  if (err.code === 'immutable_record') return 'meetings.flash.sealed';
  if (err.status === 409) return 'meetings.flash.task_conflict';
  return 'meetings.flash.task_failed';
}

/** /complaints/:id/meetings/new — the form that records a meeting (or corrects approved minutes); /meetings/:id/approve from the case page. */
export function meetingsPages(): Router {
  const r = Router();

  r.get('/complaints/:id/meetings/new', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Meeting');
    const complaint = await visibleCase(req, idParam(req));
    if (complaint.status === 'archived') {
      setFlash(res, 'meetings.flash.sealed');
      res.redirect(303, `/complaints/${complaint.id}#meetings`);
      return;
    }
    const supersedes = typeof req.query.supersedes === 'string' && req.query.supersedes ? req.query.supersedes : undefined;
    const values = await initialValues(res, complaint, supersedes);
    if (values === 'refused') {
      setFlash(res, 'meetings.flash.already_superseded');
      res.redirect(303, `/complaints/${complaint.id}#meetings`);
      return;
    }
    await renderForm(req, res, complaint, values);
  });

  r.post('/complaints/:id/meetings/new', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Meeting');
    const complaint = await visibleCase(req, idParam(req));
    const values = fromForm(req.body as Form);
    const mapped = bodyOf(values, zoneOf(res));
    try {
      const body = parse(CreateMeetingBody, mapped.body, req.lang);
      await createMeeting(complaint.id, body, meetingsActor(req));
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      if (err instanceof AppError && err.code === 'immutable_record') {
        setFlash(res, 'meetings.flash.sealed');
        res.redirect(303, `/complaints/${complaint.id}#meetings`);
        return;
      }
      // 400: the fields to fix; 409 (these minutes were corrected meanwhile): the reason, the typed values kept.
      await renderForm(req, res, complaint, values, { status, errors: formFieldErrors(errors, mapped, values, req.t), message });
      return;
    }
    setFlash(res, 'meetings.flash.recorded');
    res.redirect(303, `/complaints/${complaint.id}#meetings`);
  });

  r.post('/meetings/:id/approve', requireSignIn, async (req, res) => {
    authorize(req, 'approve', 'Meeting');
    const meeting = await Meeting.findByPk(idParam(req), { attributes: ['id', 'complaintId'] });
    if (!meeting) throw notFound('Meeting');
    try {
      const { version } = parse(ApproveMeetingBody, { version: versionField(req.body as Form) }, req.lang);
      await approveMeeting(meeting.id, version, meetingsActor(req));
      setFlash(res, 'meetings.flash.approved');
    } catch (err) {
      // 404 for a case this reader cannot see, 403: the error page; the rest said on the case page.
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404 || err.status >= 500) throw err;
      setFlash(res, approveFlash(err));
    }
    res.redirect(303, `/complaints/${meeting.complaintId}#meeting-${meeting.id}`);
  });

  // "Done" (or "open again") on the home page's task list and the case page's meetings panel; back to where it was pressed.
  r.post('/meeting-assignments/:id/status', requireSignIn, async (req, res) => {
    authorize(req, 'update', 'MeetingAssignment');
    const task = await MeetingAssignment.findByPk(idParam(req), { attributes: ['id', 'meetingId', 'complaintId'] });
    if (!task) throw notFound('MeetingAssignment');
    const form = req.body as Form;
    try {
      const body = parse(AssignmentStatusBody, { status: field(form, 'status'), version: versionField(form) }, req.lang);
      const done = await setAssignmentStatus(task.id, body, meetingsActor(req));
      setFlash(res, done.status === 'done' ? 'meetings.flash.task_done' : 'meetings.flash.task_reopened');
    } catch (err) {
      // 404 for a case this reader cannot see, 403: the error page; the rest said where the button was.
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404 || err.status >= 500) throw err;
      setFlash(res, taskFlash(err));
    }
    res.redirect(303, field(form, 'back') === 'home' ? '/#tasks-h' : `/complaints/${task.complaintId}#meeting-${task.meetingId}`);
  });

  return r;
}
