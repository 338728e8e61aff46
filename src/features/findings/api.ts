import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import { recordFindings, type FindingsActor } from '../../commands/findings';
import { readsCase } from '../../http/cases';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { redactFields } from '../../policies/fieldRules';
import { presentRecorded } from '../../queries/findings';
import { RecordFindingsBody } from './schema';


/** The signed-in user as the findings command sees them, asked about the case row it locked. */
export function findingsActor(req: Request): FindingsActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    may: (c) => req.ability.can('create', subject('Finding', { complaintId: c.id } as SubjectRecord)),
  };
}

export function findingsApi(): Router {
  const r = Router();

  r.post('/complaints/:id/findings', async (req, res) => {
    // Who may record findings at all (403) before anything about the case shows.
    authorize(req, 'create', 'Finding');
    const id = idParam(req);
    const body = parse(RecordFindingsBody, req.body);
    const finding = await recordFindings(id, body, findingsActor(req));
    res.status(201).json(redactFields('Finding', await presentRecorded(finding), req.ability));
  });

  return r;
}
