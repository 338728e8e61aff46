import { recordFindings, type FindingsInput } from '../../src/commands/findings';
import { transitionCase } from '../../src/commands/caseTransitioner';
import { proposeSolution, recordFollowUp } from '../../src/commands/solutions';
import type { Stage, TransitionInput } from '../../src/domain/workflow';
import type { Complaint, Finding, FollowUp, Solution } from '../../src/models';
import * as clock from '../../src/lib/clock';
import { ensureTestActionWhenSubstantiated, finishTestActions } from './actions';
import { asActor } from './context';
import { issueTestLetter } from './letters';
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

/** Proposes a solution on a case in `solution` as a quality officer of its own (never the one who reviews it). */
export async function proposeTestSolution(complaintId: string, summary = 'Đổi máy mới cho khách hàng và hướng dẫn lắp đặt lại.'): Promise<Solution> {
  const proposer = await buildUser({ roles: ['quality'] });
  return asActor(() => proposeSolution(complaintId, { summary }, { userId: proposer.id, reads: () => true, may: () => true }), { userId: proposer.id, roles: ['quality'], label: proposer.name });
}

/** Records a follow-up outcome on a case in `follow_up`: the customer called, satisfied. */
export async function recordTestFollowUp(complaintId: string): Promise<FollowUp> {
  const officer = await buildUser({ roles: ['quality'] });
  const input = { contactedAt: clock.now(), via: 'phone' as const, satisfied: true, note: 'Khách hàng xác nhận máy hoạt động tốt.' };
  return asActor(() => recordFollowUp(complaintId, input, { userId: officer.id, reads: () => true, may: () => true }), { userId: officer.id, roles: ['quality'], label: officer.name });
}

/**
 * Moves a case along `stages` with the transition command as an actor allowed everything,
 * recording test findings on the way out of investigation, a proposal by another quality officer
 * on the way out of solution, the resolution (round 1) or second-round (round 2) letter on the way out of
 * response, the time-barred letter before closing a time-barred complaint, and a follow-up outcome on the
 * way out of follow-up (the steps need them); a substantiated case gets a corrective action before review, and
 * its actions are done before it closes.
 */
export async function moveTestCase(complaint: Complaint, stages: readonly Stage[], extra: Partial<TransitionInput> = {}): Promise<Complaint> {
  const officer = await buildUser({ roles: ['quality'] });
  let current = complaint;
  for (const to of stages) {
    if (current.status === 'investigation' && to === 'solution') await recordTestFindings(current.id);
    if (current.status === 'solution' && to === 'review') await proposeTestSolution(current.id);
    if (current.status === 'solution' && to === 'review') await ensureTestActionWhenSubstantiated(current.id);
    if (current.status === 'follow_up' && to === 'closed') await finishTestActions(current.id);
    if (current.status === 'follow_up' && to === 'closed') await recordTestFollowUp(current.id);
    if (current.status === 'response' && to === 'follow_up') await issueTestLetter(current.id, current.round >= 2 ? 'second_round' : 'resolution');
    if (current.status === 'intake' && to === 'closed' && current.kind === 'complaint' && current.timeBarred) await issueTestLetter(current.id, 'time_barred');
    current = await asActor(() => transitionCase(current.id, undefined, { to, acknowledgedVia: 'phone', ...extra }, { userId: officer.id, can: () => true }, ZONE), {
      userId: officer.id,
      roles: ['quality'],
      label: officer.name,
    });
  }
  return current;
}
