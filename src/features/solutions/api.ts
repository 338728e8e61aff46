import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { proposeSolution, recordFollowUp, type CaseRecordActor } from '../../commands/solutions';
import { actionsActor } from '../../http/actors';
import { readsCase } from '../../http/cases';
import { actionInput } from '../../http/schemas/actions';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { presentProposed, presentRecordedFollowUp } from '../../queries/solutions';
import { FollowUpBody, ProposeSolutionBody } from './schema';

/** The signed-in user as the solution and follow-up commands see them, asked about the case row they locked. */
export function recordActor(req: Request, what: 'Solution' | 'FollowUp'): CaseRecordActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    may: (c) => req.ability.can('create', subject(what, { complaintId: c.id } as SubjectRecord)),
  };
}

/** /api/v1/complaints/:id/solution and /follow-up (the review stays POST /complaints/:id/review). */
export function solutionsApi(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.post('/complaints/:id/solution', async (req, res) => {
    authorize(req, 'create', 'Solution');
    const id = idParam(req);
    const { actions, ...body } = parse(ProposeSolutionBody, req.body);
    const input = { ...body, actions: actions?.map((a) => actionInput(a, zone)) };
    const solution = await proposeSolution(id, input, recordActor(req, 'Solution'), actionsActor(req));
    res.status(201).json(await presentProposed(solution));
  });

  r.post('/complaints/:id/follow-up', async (req, res) => {
    authorize(req, 'create', 'FollowUp');
    const id = idParam(req);
    const body = parse(FollowUpBody, req.body);
    const followUp = await recordFollowUp(id, { ...body, contactedAt: new Date(body.contactedAt) }, recordActor(req, 'FollowUp'));
    res.status(201).json(await presentRecordedFollowUp(followUp));
  });

  return r;
}
