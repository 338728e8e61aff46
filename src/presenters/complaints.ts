import { dueTimes, type ClockKind } from '../domain/clocks';
import type { CaseClock, Complaint, Customer } from '../models';
import * as clock from '../lib/clock';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The complaint's clock rows; every path that presents a complaint loads them (one query for a list page). */
export function clocksOf(c: Complaint): CaseClock[] {
  if (!c.clocks) throw new Error(`The clocks of complaint ${c.id} are not loaded`);
  return c.clocks;
}

/** A clock every entry has from intake on. */
function required(due: Record<ClockKind, Date | null>, kind: ClockKind, c: Complaint): string {
  const at = due[kind];
  if (!at) throw new Error(`Complaint ${c.id} has no ${kind} clock`);
  return at.toISOString();
}

/** The entry as the API (and views, and the Excel log book) show it. `complaint.customer` must be loaded. */
export function presentComplaint(c: Complaint, now = clock.now()) {
  const customer = c.customer as Customer;
  const due = dueTimes(clocksOf(c));
  return {
    id: c.id,
    reference: c.reference,
    kind: c.kind,
    status: c.status,
    heldStatus: c.heldStatus,
    round: c.round,
    customer: { id: customer.id, code: customer.code, name: customer.name, type: customer.type, tier: customer.tier, email: customer.email, phone: customer.phone },
    channel: c.channel,
    receivedAt: c.receivedAt.toISOString(),
    incidentDate: c.incidentDate,
    category: c.category,
    subject: c.subject,
    description: c.description,
    severity: c.severity,
    harm: c.harm,
    safetyImpact: c.safetyImpact,
    brandImpact: c.brandImpact,
    productRef: c.productRef,
    lotRef: c.lotRef,
    supplierRef: c.supplierRef,
    timeBarred: c.timeBarred,
    filingWindowEndsAt: c.filingWindowEndsAt.toISOString(),
    timeBarredDecision: c.timeBarredDecision,
    regulatoryReviewRequired: c.regulatoryReviewRequired,
    meetingRequired: c.meetingRequired,
    recurring: c.recurring,
    due: {
      acknowledgeAt: required(due, 'acknowledge', c),
      firstReplyAt: required(due, 'firstReply', c),
      resolutionAt: required(due, 'resolution', c),
      stageAt: iso(due.stage),
      negotiationStartAt: iso(due.negotiationStart),
    },
    nextDueAt: iso(c.nextDueAt),
    overdue: Boolean(c.nextDueAt && c.nextDueAt.getTime() < now.getTime()),
    acknowledgedAt: iso(c.acknowledgedAt),
    acknowledgedVia: c.acknowledgedVia,
    firstRepliedAt: iso(c.firstRepliedAt),
    firstReplyVia: c.firstReplyVia,
    negotiationStartedAt: iso(c.negotiationStartedAt),
    resolvedAt: iso(c.resolvedAt),
    closedAt: iso(c.closedAt),
    resolution: c.resolution,
    assigneeId: c.assigneeId,
    createdBy: c.createdBy,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export type ComplaintJson = ReturnType<typeof presentComplaint>;
