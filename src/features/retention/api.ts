import { Router, type Request } from 'express';
import { setLegalHold, updateRetentionClass, type LegalHoldActor } from '../../commands/retention';
import { readsCase } from '../../http/cases';
import { expectedVersion, idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import * as clock from '../../lib/clock';
import { Complaint } from '../../models';
import { authorize } from '../../policies/authorize';
import { listRetentionClasses, presentArchiveMeta, retentionReview } from '../../queries/retention';
import { LegalHoldBody, PutRetentionClassBody, RetentionClassParams, RetentionReviewQuery } from './schema';

const DAY_MS = 86_400_000;

export const presentRetentionClass = (c: { key: string; years: number; description: string; version: number }) => ({ key: c.key, years: c.years, description: c.description, version: c.version });

/** The signed-in user as the legal-hold command sees them. */
export function legalHoldActor(req: Request): LegalHoldActor {
  return {
    userId: req.user!.id,
    reads: async (complaintId) => {
      const complaint = await Complaint.findByPk(complaintId);
      return Boolean(complaint && readsCase(req, complaint));
    },
    may: req.ability.can('hold', 'Archive'),
  };
}

/** Does this reader see case content (the hold's reason and author) or only archive metadata (sysadmin)? */
export const readsArchiveContent = (req: Request) => req.ability.can('read', 'Archive');

/** The review list's page for `query` (already parsed): due by now + withinDays. */
export async function reviewPage(req: Request, query: { withinDays: number; limit: number; cursor?: string }) {
  const dueBy = new Date(clock.now().getTime() + query.withinDays * DAY_MS);
  const page = await retentionReview({ dueBy, limit: query.limit, cursor: query.cursor });
  const content = readsArchiveContent(req);
  return { items: page.items.map((a) => presentArchiveMeta(a, content)), nextCursor: page.nextCursor };
}

/** /api/v1/retention-classes, /api/v1/archives/:id/legal-hold, /api/v1/archives/retention-review. */
export function retentionApi(): Router {
  const r = Router();

  r.get('/retention-classes', async (req, res) => {
    authorize(req, 'read', 'RetentionClass');
    res.json({ items: (await listRetentionClasses()).map(presentRetentionClass) });
  });

  r.put('/retention-classes/:key', async (req, res) => {
    authorize(req, 'update', 'RetentionClass');
    const { key } = parse(RetentionClassParams, req.params);
    const body = parse(PutRetentionClassBody, req.body);
    const saved = await updateRetentionClass(key, { ...body, version: expectedVersion(req, body.version) });
    res.json(presentRetentionClass(saved));
  });

  r.get('/archives/retention-review', async (req, res) => {
    authorize(req, 'review', 'Archive');
    res.json(await reviewPage(req, parse(RetentionReviewQuery, req.query)));
  });

  r.post('/archives/:id/legal-hold', async (req, res) => {
    authorize(req, 'hold', 'Archive');
    const id = idParam(req);
    const body = parse(LegalHoldBody, req.body);
    const archive = await setLegalHold(id, body, legalHoldActor(req));
    res.json(presentArchiveMeta(archive, true));
  });

  return r;
}
