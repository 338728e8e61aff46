/**
 * Which cases the signed-in user may see, asked the same way by every feature's routes and
 * command actors: a case they cannot read is answered 404, as one that does not exist.
 */
import { subject } from '@casl/ability';
import type { Request } from 'express';
import { notFound } from '../lib/errors';
import { Complaint } from '../models';
import type { SubjectRecord } from '../policies/ability';

/** May this user read this case? */
export function readsCase(req: Request, complaint: Complaint): boolean {
  return req.ability.can('read', subject('Complaint', complaint.get({ plain: true }) as SubjectRecord));
}

/** The case `id` if this user may see it, else 404 `not_found`. */
export async function visibleCase(req: Request, id: string): Promise<Complaint> {
  const complaint = await Complaint.findByPk(id);
  if (!complaint || !readsCase(req, complaint)) throw notFound('Complaint');
  return complaint;
}
