import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import { approveMeeting, createMeeting, type MeetingsActor } from '../../commands/meetings';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import type { Complaint, Meeting } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { presentOneMeeting } from '../../queries/meetings';
import { ApproveMeetingBody, CreateMeetingBody } from './schema';

const plain = (r: Complaint | Meeting) => r.get({ plain: true }) as SubjectRecord;

/** The signed-in user as the meetings command sees them, asked about the rows it locked. */
function meetingsActor(req: Request): MeetingsActor {
  return {
    userId: req.user!.id,
    reads: (c) => req.ability.can('read', subject('Complaint', plain(c))),
    mayCreate: (c) => req.ability.can('create', subject('Meeting', { complaintId: c.id } as SubjectRecord)),
    mayApprove: (m) => req.ability.can('approve', subject('Meeting', plain(m))),
  };
}

export function meetingsApi(): Router {
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

  return r;
}
