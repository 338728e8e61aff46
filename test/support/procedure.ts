import { recordFindings, type FindingsInput } from '../../src/commands/findings';
import { transitionCase } from '../../src/commands/caseTransitioner';
import type { Stage, TransitionInput } from '../../src/domain/workflow';
import type { Complaint, Finding } from '../../src/models';
import { asActor } from './context';
import { buildDepartment, buildUser } from './factories';

const ZONE = 'Asia/Ho_Chi_Minh';

/**
 * Records findings on a case as a quality officer would (the command itself, allowed everything):
 * not substantiated, with a root cause and the reason there is no evidence, unless overridden —
 * what the step from investigation to solution needs.
 */
export async function recordTestFindings(complaintId: string, overrides: Partial<FindingsInput> = {}): Promise<Finding> {
  const officer = await buildUser({ roles: ['quality'] });
  const input: FindingsInput = { substantiated: false, rootCause: 'Lỗi lắp đặt tại nhà khách hàng, không phải lỗi sản phẩm.', noEvidenceReason: 'Khách hàng đã tự sửa, không còn hiện trạng.', ...overrides };
  if (input.substantiated && input.responsibleDepartment === undefined) input.responsibleDepartment = (await buildDepartment()).id;
  return asActor(() => recordFindings(complaintId, input, { userId: officer.id, reads: () => true, may: () => true }), { userId: officer.id, roles: ['quality'], label: officer.name });
}

/**
 * Moves a case along `stages` with the transition command as an actor allowed everything,
 * recording test findings on the way out of investigation (the step needs them).
 */
export async function moveTestCase(complaint: Complaint, stages: readonly Stage[], extra: Partial<TransitionInput> = {}): Promise<Complaint> {
  const officer = await buildUser({ roles: ['quality'] });
  let current = complaint;
  for (const to of stages) {
    if (current.status === 'investigation' && to === 'solution') await recordTestFindings(current.id);
    current = await asActor(() => transitionCase(current.id, undefined, { to, acknowledgedVia: 'phone', ...extra }, { userId: officer.id, can: () => true }, ZONE), {
      userId: officer.id,
      roles: ['quality'],
      label: officer.name,
    });
  }
  return current;
}
