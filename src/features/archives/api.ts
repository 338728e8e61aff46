import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import { presentSealed, sealCase, type ArchiveActor } from '../../commands/archives';
import { verifyAndRecord } from '../../commands/archiveVerifications';
import { readsCase } from '../../http/cases';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { ArchiveCaseBody } from './schema';

/** The signed-in user as the sealing command sees them, asked about the case row it locked. */
export function archiveActor(req: Request): ArchiveActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    may: (c) => req.ability.can('archive', subject('Complaint', c.get({ plain: true }) as SubjectRecord)) && req.ability.can('create', subject('Archive', { complaintId: c.id } as SubjectRecord)),
  };
}

export function archivesApi(): Router {
  const r = Router();

  r.post('/complaints/:id/archive', async (req, res) => {
    // Who may seal at all (403) before anything about the case shows.
    authorize(req, 'create', 'Archive');
    const id = idParam(req);
    const body = parse(ArchiveCaseBody, req.body ?? {});
    const archive = await sealCase(id, archiveActor(req), body.version);
    res.status(201).json(presentSealed(archive));
  });

  r.get('/archives/verify', async (req, res) => {
    authorize(req, 'verify', 'Archive');
    const { runId: _run, ...report } = await verifyAndRecord('api', req.user!.id);
    res.json(report);
  });

  return r;
}
