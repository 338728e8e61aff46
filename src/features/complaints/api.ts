import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { recordCustomerAnswer, reviewCase, transitionCase, type Actor } from '../../commands/caseTransitioner';
import { intakeComplaint } from '../../commands/complaintIntaker';
import { recordFirstReply, updateComplaint } from '../../commands/complaints';
import { boundToInstant } from '../../lib/dates';
import { notFound } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import { idempotent } from '../../lib/idempotency';
import { parse } from '../../lib/validate';
import type { Complaint } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { redactFields } from '../../policies/fieldRules';
import { authorize } from '../../policies/authorize';
import { caseDetail, findComplaint, listComplaints } from '../../queries/complaints';
import type { TransitionInput } from '../../domain/workflow';
import { presentComplaint } from '../../presenters/complaints';
import { ComplaintListQuery, CreateComplaintBody, CustomerResponseBody, FirstReplyBody, ReviewBody, TransitionBody, UpdateComplaintBody } from './schema';
import * as clock from '../../lib/clock';

/** The signed-in user as the case commands see them: their id and their ability, asked about the row the command locked. */
export function transitionActor(req: Request): Actor {
  return {
    userId: req.user!.id,
    can: (action, c: Complaint) => req.ability.can(action, subject('Complaint', c.get({ plain: true }) as SubjectRecord)),
  };
}

/** Reads the list filter (API and queue page alike). */
export function complaintFilter(query: unknown, config: Config, lang: 'vi' | 'en' = 'en') {
  const q = parse(ComplaintListQuery, query, lang);
  return {
    ...q,
    status: q.status as TransitionInput['to'][] | undefined,
    receivedFrom: q.receivedFrom ? boundToInstant(q.receivedFrom, config.timezone, 'start') : undefined,
    receivedTo: q.receivedTo ? boundToInstant(q.receivedTo, config.timezone, 'end') : undefined,
  };
}

/** A case the user may read. 403 for a role that reads no cases; 404 for one missing or not visible to this user. */
export async function visibleComplaint(req: Request): Promise<Complaint> {
  authorize(req, 'read', 'Complaint');
  const complaint = await findComplaint(idParam(req));
  if (!complaint || !req.ability.can('read', subject('Complaint', complaint.get({ plain: true }) as SubjectRecord))) throw notFound('Complaint');
  return complaint;
}

/** /api/v1/complaints */
export function complaintsApi(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.post('/complaints', async (req, res) => {
    authorize(req, 'create', 'Complaint');
    const body = parse(CreateComplaintBody, req.body);
    const out = await idempotent(
      req,
      201,
      () => intakeComplaint({ ...body, receivedAt: body.receivedAt ? new Date(body.receivedAt) : undefined }, { userId: req.user!.id }, zone),
      (complaint) => presentComplaint(complaint),
    );
    if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(out.status).location(`/api/v1/complaints/${(out.body as { id: string }).id}`).json(out.body);
  });

  r.get('/complaints', async (req, res) => {
    authorize(req, 'read', 'Complaint');
    const now = clock.now();
    res.json(await listComplaints(req.ability, complaintFilter(req.query, config), (c) => presentComplaint(c, now), now));
  });

  r.get('/complaints/:id', async (req, res) => {
    const complaint = await visibleComplaint(req);
    const detail = await caseDetail(complaint);
    const allowedTransitions = detail.edges.filter((e) => req.ability.can(e.action, subject('Complaint', complaint.get({ plain: true }) as SubjectRecord))).map((e) => e.to);
    res.json({
      ...presentComplaint(complaint),
      timeline: detail.timeline,
      holds: detail.holds,
      earlierEntries: detail.earlierEntries,
      recurrence: complaint.recurrence,
      allowedTransitions: [...new Set(allowedTransitions)],
      evidence: detail.evidence,
      meetings: detail.meetings,
      // The responsible person and the disciplinary measure only for the roles that may read them.
      findings: (detail.findings as object[]).map((f) => redactFields('Finding', f, req.ability)),
      solutions: detail.solutions,
      followUps: detail.followUps,
      actions: detail.actions,
      letters: detail.letters,
      regulatory: detail.regulatory,
      signatures: detail.signatures,
      survey: detail.survey,
      slaBreaches: detail.slaBreaches,
    });
  });

  r.patch('/complaints/:id', async (req, res) => {
    const complaint = await visibleComplaint(req);
    // A role that may update no case is refused before parsing; the case itself is checked by the command, locked.
    authorize(req, 'update', 'Complaint');
    const { version, ...changes } = parse(UpdateComplaintBody, req.body);
    res.json(presentComplaint(await updateComplaint(complaint.id, expectedVersion(req, version), changes, zone, transitionActor(req))));
  });

  r.post('/complaints/:id/transitions', async (req, res) => {
    const complaint = await visibleComplaint(req);
    const { version, ...input } = parse(TransitionBody, req.body);
    const updated = await transitionCase(complaint.id, expectedVersion(req, version), input as TransitionInput, transitionActor(req), zone);
    res.json(presentComplaint(updated));
  });

  r.post('/complaints/:id/review', async (req, res) => {
    const complaint = await visibleComplaint(req);
    authorize(req, 'review', 'Complaint');
    const { approved, comment, version } = parse(ReviewBody, req.body);
    res.json(presentComplaint(await reviewCase(complaint.id, expectedVersion(req, version), { approved, comment }, transitionActor(req), zone)));
  });

  r.post('/complaints/:id/customer-response', async (req, res) => {
    const complaint = await visibleComplaint(req);
    authorize(req, 'respond', 'Complaint');
    const { accepted, reason, version } = parse(CustomerResponseBody, req.body);
    res.json(presentComplaint(await recordCustomerAnswer(complaint.id, expectedVersion(req, version), { accepted, reason }, transitionActor(req), zone)));
  });

  r.post('/complaints/:id/first-reply', async (req, res) => {
    const complaint = await visibleComplaint(req);
    authorize(req, 'update', 'Complaint');
    const { version, at, ...input } = parse(FirstReplyBody, req.body);
    res.json(presentComplaint(await recordFirstReply(complaint.id, expectedVersion(req, version), { ...input, at: at ? new Date(at) : undefined }, transitionActor(req))));
  });

  return r;
}
