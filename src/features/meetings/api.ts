import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { approveMeeting, createMeeting, setAssignmentStatus, type MeetingsActor } from '../../commands/meetings';
import { notFound } from '../../lib/errors';
import { readsCase } from '../../http/cases';
import { idParam } from '../../lib/http';
import { translator } from '../../lib/i18n';
import { parse } from '../../lib/validate';
import { Complaint, Meeting, type MeetingAssignment } from '../../models';
import { minutesPdf } from '../../pdf/minutes';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { organisationName, presentOneAssignment, presentOneMeeting } from '../../queries/meetings';
import { ApproveMeetingBody, AssignmentStatusBody, CreateMeetingBody } from './schema';

const plain = (r: Complaint | Meeting | MeetingAssignment) => r.get({ plain: true }) as SubjectRecord;

/** The signed-in user as the meetings command sees them, asked about the rows it locked. */
export function meetingsActor(req: Request): MeetingsActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    mayCreate: (c) => req.ability.can('create', subject('Meeting', { complaintId: c.id } as SubjectRecord)),
    mayApprove: (m) => req.ability.can('approve', subject('Meeting', plain(m))),
    mayUpdateAssignment: (a) => req.ability.can('update', subject('MeetingAssignment', plain(a))),
  };
}

/** A file name part without anything a header or a file system would choke on. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');

export function meetingsApi(config: Config): Router {
  const r = Router();

  r.post('/complaints/:id/meetings', async (req, res) => {
    // Who may record meetings at all (403) before anything about the case shows.
    authorize(req, 'create', 'Meeting');
    const id = idParam(req);
    const body = parse(CreateMeetingBody, req.body);
    const { meeting, assignments } = await createMeeting(id, body, meetingsActor(req));
    res.status(201).location(`/api/v1/complaints/${id}`).json(await presentOneMeeting(meeting, assignments));
  });

  r.post('/meetings/:id/approve', async (req, res) => {
    authorize(req, 'approve', 'Meeting');
    const id = idParam(req);
    const { version } = parse(ApproveMeetingBody, req.body);
    res.json(await presentOneMeeting(await approveMeeting(id, version, meetingsActor(req))));
  });

  r.post('/meeting-assignments/:id/status', async (req, res) => {
    // Anyone who may be given a task passes here; whether this task is theirs is asked on the locked row.
    authorize(req, 'update', 'MeetingAssignment');
    const id = idParam(req);
    const body = parse(AssignmentStatusBody, req.body);
    res.json(await presentOneAssignment(await setAssignmentStatus(id, body, meetingsActor(req))));
  });

  // The minutes as a Vietnamese PDF. The session cookie is accepted here as on every API route, so
  // the case page links this route itself.
  r.get('/meetings/:id/minutes.pdf', async (req, res) => {
    authorize(req, 'read', 'Meeting');
    const id = idParam(req);
    const meeting = await Meeting.findByPk(id);
    const complaint = meeting && (await Complaint.findByPk(meeting.complaintId));
    if (!meeting || !complaint || !readsCase(req, complaint)) throw notFound('Meeting');
    const [json, companyName] = await Promise.all([presentOneMeeting(meeting), organisationName()]);
    const doc = minutesPdf({ meeting: json, complaint: { reference: complaint.reference, subject: complaint.subject }, companyName, zone: config.timezone, t: translator('vi') });
    const day = DateTime.fromJSDate(meeting.heldAt, { zone: config.timezone }).toFormat('yyyy-MM-dd');
    res.type('application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="bien-ban-hop_${safe(complaint.reference)}_${day}.pdf"`);
    doc.pipe(res);
  });

  return r;
}
