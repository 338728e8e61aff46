import { transaction } from '../../src/db';
import { createCaseActions, updateActionStatus, type ActionInput } from '../../src/commands/actions';
import { ActionCase, Complaint, CorrectiveAction } from '../../src/models';
import { currentFinding } from '../../src/queries/findings';
import { asActor } from './context';
import { buildDepartment, buildUser } from './factories';

const allowed = (userId: string) => ({ userId, reads: () => true, can: () => true });

/** Opens an action on a case as a quality officer would (the command itself, allowed everything): a corrective action due in 7 days unless overridden. */
export async function createTestAction(complaintId: string, overrides: Partial<ActionInput> = {}): Promise<CorrectiveAction> {
  const officer = await buildUser({ roles: ['quality'] });
  const input: ActionInput = { type: 'corrective', description: 'Bổ sung bước kiểm tra rò rỉ trước khi xuất kho.', ownerDepartment: overrides.ownerDepartment ?? (await buildDepartment()).id, dueAt: new Date(Date.now() + 7 * 86_400_000), ...overrides };
  return asActor(
    () =>
      transaction(async () => {
        const complaint = await Complaint.findByPk(complaintId, { lock: true, rejectOnEmpty: true });
        const [action] = await createCaseActions(complaint, [input], allowed(officer.id), { prefix: '' });
        return action;
      }),
    { userId: officer.id, roles: ['quality'], label: officer.name },
  );
}

/** What the step to review needs of a substantiated case: a corrective action, unless it has a containment or corrective one. */
export async function ensureTestActionWhenSubstantiated(complaintId: string): Promise<void> {
  const finding = await currentFinding(complaintId);
  if (!finding?.substantiated) return;
  const links = await ActionCase.findAll({ where: { complaintId }, attributes: ['actionId'] });
  const actions = links.length ? await CorrectiveAction.findAll({ where: { id: links.map((l) => l.actionId), type: ['containment', 'corrective'] } }) : [];
  if (!actions.length) await createTestAction(complaintId);
}

/** What the step to closed needs: every action of the case but a supplier's long-term fix done (moved on, one step at a time). */
export async function finishTestActions(complaintId: string): Promise<void> {
  const officer = await buildUser({ roles: ['quality'] });
  const links = await ActionCase.findAll({ where: { complaintId }, attributes: ['actionId'] });
  for (const { actionId } of links) {
    let action = await CorrectiveAction.findByPk(actionId, { rejectOnEmpty: true });
    if (action.type === 'supplier_long_term') continue;
    for (const status of ['in_progress', 'done'] as const) {
      if (action.status === 'done' || action.status === 'verified') break;
      if (status === 'done' && action.status !== 'in_progress') continue;
      if (status === 'in_progress' && action.status !== 'planned') continue;
      action = await asActor(() => updateActionStatus(actionId, { status }, action.version, allowed(officer.id)), { userId: officer.id, roles: ['quality'], label: officer.name });
    }
  }
}
