import { subject } from '@casl/ability';
import type { Request } from 'express';
import type { ActionsActor } from '../commands/actions';
import type { SubjectRecord } from '../policies/ability';
import { readsCase } from './cases';

/**
 * The signed-in user as the corrective-actions commands see them, asked about the rows they
 * locked: the actions feature and the solution's `actions` (POST /complaints/:id/solution) both
 * create actions through it.
 */
export function actionsActor(req: Request): ActionsActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    can: (right, action) => req.ability.can(right, action ? subject('Action', { ownerDepartmentId: action.ownerDepartmentId } as SubjectRecord) : 'Action'),
  };
}
