import { DateTime } from 'luxon';
import { transaction } from '../db';
import { clockMarks, measureOf } from '../domain/clockMarks';
import { legalClocks, stageDueAt } from '../domain/deadlines';
import type { Category, Channel, ContactChannel, Harm, Severity } from '../domain/entries';
import { FINISHED, isSlaStage } from '../domain/workflow';
import { AppError, fieldError, immutableRecord, staleVersion, validationFailed } from '../lib/errors';
import { Complaint, ComplaintHold, ComplaintStage, Customer } from '../models';
import { clockContext, stageTarget } from '../queries/policy';
import { checkAssignee } from './assignee';
import { lockAuthorized, type Actor } from './caseTransitioner';
import { complaintSearchText } from './customers';
import * as clock from '../lib/clock';
import { CaseClocks } from './clocks';

/**
 * Locks the case FOR UPDATE and authorizes `update` on the locked row (404, then 403, before any
 * state shows), then refuses a stale version or a finished entry with 409.
 */
async function lockOpen(id: string, expectedVersion: number | undefined, actor: Actor): Promise<{ complaint: Complaint; customer: Customer }> {
  const complaint = await lockAuthorized(id, actor, 'update', 'update this Complaint');
  if (expectedVersion !== undefined && complaint.version !== expectedVersion) throw staleVersion(complaint.version);
  // A sealed entry is refused as the database would refuse it (409 immutable_record), a closed one as finished.
  if (complaint.status === 'archived') throw immutableRecord('The entry is sealed in the archive; it can no longer be changed.');
  if (FINISHED.includes(complaint.status))
    throw new AppError(409, 'conflict', `The entry is ${complaint.status}; it can no longer be changed.`, undefined, undefined, undefined, 'errors.finished');
  return { complaint, customer: (await Customer.findByPk(complaint.customerId))! };
}

/**
 * Records the first written reply (a reply letter or an invitation to meet): it meets the 48-hour
 * clock, starts the consumer negotiation, and counts as the acknowledgment if none was recorded.
 */
export async function recordFirstReply(id: string, expectedVersion: number | undefined, input: { at?: Date; via: ContactChannel; note?: string }, actor: Actor): Promise<Complaint> {
  return transaction(async () => {
    const { complaint, customer } = await lockOpen(id, expectedVersion, actor);
    if (complaint.firstRepliedAt) throw new AppError(409, 'conflict', 'The first reply is already recorded.', undefined, undefined, undefined, 'errors.firstReplyRecorded');
    const at = input.at ?? clock.now();
    if (at.getTime() > clock.now().getTime() + 5 * 60_000) throw validationFailed([fieldError('at', 'errors.inFuture')]);
    if (at.getTime() < complaint.receivedAt.getTime()) throw validationFailed([fieldError('at', 'errors.beforeReceipt')]);
    // Also what the acknowledgment is recorded as when none was: never "by e-mail" to a customer without one.
    if (input.via === 'email' && !customer.email) throw validationFailed([fieldError('via', 'errors.noCustomerEmail')]);
    await meetFirstReply(complaint, at, input.via, { note: input.note ?? null });
    complaint.customer = customer;
    return complaint;
  });
}

/**
 * The first written reply happened at `at` (by `via`), on a case the caller locked: the 48-hour
 * clock is met (on time or late), the consumer negotiation starts, and it counts as the
 * acknowledgment if none was recorded. Saves the clocks and the complaint (`complaint.first_reply_recorded`,
 * `meta` in the event). The one path for the route above and for an issued letter (src/commands/letters.ts).
 */
export async function meetFirstReply(complaint: Complaint, at: Date, via: ContactChannel, meta: Record<string, unknown>): Promise<void> {
  const clocks = await CaseClocks.load(complaint);
  complaint.set({ firstRepliedAt: at, firstReplyVia: via });
  clocks.meet('firstReply', at);
  if (clocks.get('negotiationStart') && !complaint.negotiationStartedAt) {
    complaint.negotiationStartedAt = at;
    clocks.meet('negotiationStart', at);
  }
  if (!complaint.acknowledgedAt) {
    complaint.set({ acknowledgedAt: at, acknowledgedVia: via });
    clocks.meet('acknowledge', at);
  }
  await clocks.save();
  await complaint.save({ auditAction: 'complaint.first_reply_recorded', auditMeta: meta } as object);
}

/** What an edit writes as the `set_by` of the clocks it moves. */
const SET_BY = 'complaint.updated';

export interface ClassificationChanges {
  channel?: Channel;
  incidentDate?: string;
  category?: Category;
  subject?: string;
  description?: string;
  severity?: Severity;
  harm?: Harm;
  safetyImpact?: boolean;
  brandImpact?: boolean;
  productRef?: string | null;
  lotRef?: string | null;
  supplierRef?: string | null;
  assigneeId?: string | null;
}

/**
 * Corrects an entry's content or classification (never its receipt time or number) and
 * recomputes what depends on it: filing window, flags, and the current stage's SLA.
 */
export async function updateComplaint(id: string, expectedVersion: number | undefined, changes: ClassificationChanges, zone: string, actor: Actor): Promise<Complaint> {
  return transaction(async () => {
    const { complaint, customer } = await lockOpen(id, expectedVersion, actor);
    if (changes.assigneeId) await checkAssignee(changes.assigneeId);
    const refs = ['productRef', 'lotRef', 'supplierRef'] as const;
    complaint.set({
      ...changes,
      ...(changes.subject !== undefined ? { subject: changes.subject.trim() } : {}),
      ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
      ...Object.fromEntries(refs.filter((k) => changes[k] !== undefined).map((k) => [k, changes[k]?.trim() || null])),
    });
    if (complaint.changed('incidentDate') && complaint.incidentDate > DateTime.fromJSDate(complaint.receivedAt, { zone }).toISODate()!)
      throw validationFailed([fieldError('incidentDate', 'errors.incidentAfterReceipt')]);
    const ctx = await clockContext(zone);
    const clocks = await CaseClocks.load(complaint);
    if (complaint.changed('incidentDate') || complaint.changed('category')) {
      const legal = legalClocks({ receivedAt: complaint.receivedAt, incidentDate: complaint.incidentDate, category: complaint.category, customerType: customer.type }, ctx);
      complaint.set({ filingWindowEndsAt: legal.filingWindowEndsAt, timeBarred: legal.timeBarred });
    }
    complaint.set({
      regulatoryReviewRequired: complaint.harm === 'serious_injury' || complaint.harm === 'death',
      meetingRequired: complaint.safetyImpact || complaint.brandImpact,
    });
    if (complaint.changed('severity') && isSlaStage(complaint.status)) {
      const target = await stageTarget(complaint.status, complaint.severity, customer.tier);
      const visit = await ComplaintStage.findOne({ where: { complaintId: id, exitedAt: null }, lock: true });
      if (target && visit) {
        const holds = await ComplaintHold.findAll({ where: { complaintId: id } });
        const pauses = holds.map((h) => ({ from: h.startedAt, to: h.endedAt }));
        const due = stageDueAt(visit.enteredAt, target, pauses, clock.now(), ctx);
        const marks = clockMarks(visit.enteredAt, due, measureOf(target), pauses, ctx);
        await visit.update({ targetMinutes: target.minutes, slaMode: target.mode, dueAt: due });
        if (due) {
          // The visit's clock gets the new due time; one this stage never started (it had no target) starts now, from the visit.
          const running = clocks.get('stage')?.outcome === null;
          if (running) clocks.reschedule('stage', due, SET_BY, marks);
          else clocks.start('stage', visit.enteredAt, due, SET_BY, marks);
          if (complaint.status === 'intake') clocks.reschedule('acknowledge', due, SET_BY, marks);
        }
      }
    }
    if (complaint.changed('subject') || complaint.changed('description')) complaint.searchText = complaintSearchText(complaint, customer.name);
    await clocks.save();
    await complaint.save();
    complaint.customer = customer;
    return complaint;
  });
}
