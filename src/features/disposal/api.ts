import { Router, type Request } from 'express';
import { approveDisposal, declineDisposal, proposeDisposal, type DisposalActor } from '../../commands/disposal';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { findDisposal, listDisposals, presentDisposal } from '../../queries/disposals';
import { DecideDisposalBody, DisposalListQuery, ProposeDisposalBody } from './schema';

/** The signed-in user as the disposal commands see them. */
export function disposalActor(req: Request): DisposalActor {
  return { userId: req.user!.id, mayPropose: req.ability.can('create', 'Disposal'), mayDecide: req.ability.can('approve', 'Disposal') };
}

/** /api/v1/archives/:id/disposal, /api/v1/disposals, /api/v1/disposals/:id/approve|decline (API.md). */
export function disposalApi(): Router {
  const r = Router();

  r.get('/disposals', async (req, res) => {
    authorize(req, 'read', 'Disposal');
    const page = await listDisposals(parse(DisposalListQuery, req.query));
    res.json({ items: page.items.map(presentDisposal), nextCursor: page.nextCursor });
  });

  r.post('/archives/:id/disposal', async (req, res) => {
    authorize(req, 'create', 'Disposal');
    const id = idParam(req);
    const body = parse(ProposeDisposalBody, req.body);
    const created = await proposeDisposal(id, body, disposalActor(req));
    res.status(201).json(presentDisposal((await findDisposal(created.id))!));
  });

  r.post('/disposals/:id/approve', async (req, res) => {
    authorize(req, 'approve', 'Disposal');
    const id = idParam(req);
    const body = parse(DecideDisposalBody, req.body ?? {});
    const done = await approveDisposal(id, body, disposalActor(req));
    res.json({ id: done.disposal.id, status: 'approved', archive: { id: done.archive.id, disposedAt: done.archive.disposedAt!.toISOString(), tombstone: done.tombstone } });
  });

  r.post('/disposals/:id/decline', async (req, res) => {
    authorize(req, 'approve', 'Disposal');
    const id = idParam(req);
    const body = parse(DecideDisposalBody, req.body ?? {});
    const declined = await declineDisposal(id, body, disposalActor(req));
    res.json(presentDisposal((await findDisposal(declined.id))!));
  });

  return r;
}
