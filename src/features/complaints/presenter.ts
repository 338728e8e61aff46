import type { Complaint, Customer } from '../../models';
import * as clock from '../../lib/clock';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The entry as the API (and views, and the Excel log book) show it. `complaint.customer` must be loaded. */
export function presentComplaint(c: Complaint, now = clock.now()) {
  const customer = c.customer as Customer;
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
      acknowledgeAt: c.dueAcknowledgeAt.toISOString(),
      firstReplyAt: c.dueFirstReplyAt.toISOString(),
      resolutionAt: c.dueResolutionAt.toISOString(),
      stageAt: iso(c.dueStageAt),
      negotiationStartAt: iso(c.dueNegotiationStartAt),
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
