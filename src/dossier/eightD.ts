/**
 * What the 8D report of a case says (src/pdf/eightD.ts prints it), read from the case detail —
 * the same data the case page shows — with the reader's field rules applied to the findings.
 * D3, D5, D6 and D7's actions and D8's follow-up outcome are the `actions` and `followUps` parts of
 * the detail (the corrective-actions and follow-up capabilities); none recorded prints "Chưa ghi nhận".
 */
import { User, type Complaint, type Customer } from '../models';
import type { ActionJson } from '../presenters/actions';
import type { FindingJson } from '../presenters/findings';
import type { MeetingJson } from '../presenters/meetings';
import type { FollowUpJson } from '../presenters/solutions';
import type { AppAbility } from '../policies/ability';
import { redactFields, type Redacted } from '../policies/fieldRules';
import { caseDetail } from '../queries/complaints';

export type ActionType = 'containment' | 'corrective' | 'preventive' | 'supplier_long_term';

/** An action as the 8D prints it. */
export interface EightDAction {
  type: ActionType;
  description: string;
  status: string | null;
  dueAt: string | null;
  owner: string | null;
  effective: boolean | null;
  verifiedAt: string | null;
}

export interface EightDData {
  complaint: Complaint;
  customer: Customer;
  assignee: string | null;
  qualityOfficers: string[];
  attendees: string[];
  /** The current findings, redacted for the reader; null when none are recorded. */
  finding: Redacted<FindingJson, 'Finding'> | null;
  actions: EightDAction[];
  closedBy: string | null;
  followUp: { satisfied: boolean | null; note: string | null } | null;
}

const asAction = (a: ActionJson): EightDAction => ({
  type: a.type as ActionType,
  description: a.description,
  status: a.status,
  dueAt: a.dueAt,
  owner: [a.owner?.name, a.ownerDepartment.name].filter(Boolean).join(' — ') || null,
  effective: a.effective,
  verifiedAt: a.verifiedAt,
});

export async function eightDData(complaint: Complaint, customer: Customer, reader: AppAbility): Promise<EightDData> {
  const detail = (await caseDetail(complaint)) as unknown as {
    timeline: Array<{ stage: string; enteredBy: { name: string } | null }>;
    findings: FindingJson[];
    meetings: MeetingJson[];
    actions: ActionJson[];
    /** Newest first. */
    followUps: FollowUpJson[];
  };
  const current = detail.findings.find((f) => f.current) ?? null;
  const meetings = detail.meetings.filter((m) => m.current);
  const officers = [...detail.findings.map((f) => f.recordedBy?.name), ...meetings.map((m) => m.createdBy?.name)].filter((x): x is string => Boolean(x));
  const assignee = complaint.assigneeId ? (await User.findByPk(complaint.assigneeId, { attributes: ['id', 'name'] }))?.name ?? null : null;
  const closing = [...detail.timeline].reverse().find((s) => s.stage === 'closed');
  return {
    complaint,
    customer,
    assignee,
    qualityOfficers: [...new Set(officers)],
    attendees: [...new Set(meetings.flatMap((m) => m.attendees.map((a) => a.name)))],
    finding: current && redactFields('Finding', current, reader),
    actions: detail.actions.map(asAction),
    closedBy: closing?.enteredBy?.name ?? null,
    followUp: detail.followUps[0] ? { satisfied: detail.followUps[0].satisfied, note: detail.followUps[0].note } : null,
  };
}
