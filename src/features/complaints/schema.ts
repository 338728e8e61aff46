import { CATEGORIES, CHANNELS, CONTACT_CHANNELS, HARMS, KINDS, SEVERITIES, TIME_BARRED_DECISIONS } from '../../domain/entries';
import { STAGES } from '../../domain/workflow';
import { instantOrDate, isoDate } from '../../lib/dates';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { documentRoute, IdParams } from '../../http/openapi';
import { CreateCustomerBody, CustomerSchema } from '../../http/schemas/customers';
import { ActionSchema } from '../../http/schemas/actions';
import { EvidenceSchema } from '../../http/schemas/evidence';
import { FindingSchema } from '../../http/schemas/findings';
import { MeetingSchema } from '../../http/schemas/meetings';
import { LetterSchema } from '../../http/schemas/letters';
import { RegulatoryReviewSchema, SignatureSchema } from '../../http/schemas/regulatory';
import { FollowUpSchema, SolutionSchema } from '../../http/schemas/solutions';
import { CaseSurveySchema } from '../../http/schemas/surveys';
import { SlaBreachSchema } from '../../http/schemas/slaBreaches';

const ref = z.string().trim().max(100).nullable().optional();
const instant = z.string().datetime({ offset: true });

export const CreateComplaintBody = z
  .object({
    kind: z.enum(KINDS).default('complaint'),
    customerId: z.string().uuid().optional(),
    customer: CreateCustomerBody.optional().openapi({ description: 'A new customer, created with the entry (instead of customerId)' }),
    channel: z.enum(CHANNELS),
    receivedAt: instant.optional().openapi({ description: 'Default: now' }),
    incidentDate: isoDate,
    category: z.enum(CATEGORIES),
    subject: z.string().trim().min(1).max(300),
    description: z.string().trim().min(1).max(20_000),
    severity: z.enum(SEVERITIES),
    harm: z.enum(HARMS).default('none'),
    safetyImpact: z.boolean().default(false),
    brandImpact: z.boolean().default(false),
    productRef: ref,
    lotRef: ref,
    supplierRef: ref,
    assigneeId: z.string().uuid().nullable().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (Boolean(v.customerId) === Boolean(v.customer))
      ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'Give exactly one of customerId or customer.', params: { key: 'errors.customerRequired' } });
  })
  .openapi('CreateComplaint');

export const UpdateComplaintBody = z
  .object({
    channel: z.enum(CHANNELS).optional(),
    incidentDate: isoDate.optional(),
    category: z.enum(CATEGORIES).optional(),
    subject: z.string().trim().min(1).max(300).optional(),
    description: z.string().trim().min(1).max(20_000).optional(),
    severity: z.enum(SEVERITIES).optional(),
    harm: z.enum(HARMS).optional(),
    safetyImpact: z.boolean().optional(),
    brandImpact: z.boolean().optional(),
    productRef: ref,
    lotRef: ref,
    supplierRef: ref,
    assigneeId: z.string().uuid().nullable().optional(),
    version: z.number().int().nonnegative().optional(),
  })
  .strict()
  .openapi('UpdateComplaint');

export const TransitionBody = z
  .object({
    to: z.enum(STAGES.filter((s) => s !== 'archived' && s !== 'intake') as [string, ...string[]]),
    note: z.string().trim().max(5000).optional(),
    reason: z.string().trim().max(5000).optional(),
    acknowledgedVia: z.enum(CONTACT_CHANNELS).optional().openapi({ description: 'Leaving intake, when the customer has no email' }),
    timeBarredDecision: z.enum(TIME_BARRED_DECISIONS).optional(),
    version: z.number().int().nonnegative().optional(),
  })
  .strict()
  .openapi('Transition');

export const FirstReplyBody = z
  .object({ at: instant.optional(), via: z.enum(CONTACT_CHANNELS), note: z.string().trim().max(5000).optional(), version: z.number().int().nonnegative().optional() })
  .strict()
  .openapi('FirstReply');

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const ComplaintListQuery = z
  .object({
    status: csv(STAGES).optional().openapi({ description: 'One stage or a comma-separated list' }),
    kind: z.enum(KINDS).optional(),
    severity: csv(SEVERITIES).optional(),
    category: z.enum(CATEGORIES).optional(),
    channel: z.enum(CHANNELS).optional(),
    q: z.string().trim().max(200).optional().openapi({ description: 'Reference, subject, description, customer name; diacritics and case ignored' }),
    overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    customerId: z.string().uuid().optional(),
    receivedFrom: instantOrDate.optional(),
    receivedTo: instantOrDate.optional(),
    sort: z.enum(['received', 'due']).default('received').openapi({ description: 'received: newest first; due: earliest pending deadline first' }),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

const Due = z.object({ acknowledgeAt: instant, firstReplyAt: instant, resolutionAt: instant, stageAt: instant.nullable(), negotiationStartAt: instant.nullable() });

export const ComplaintSchema = z
  .object({
    id: z.string().uuid(),
    reference: z.string().openapi({ example: 'KN-2026-000123' }),
    kind: z.enum(KINDS),
    status: z.enum(STAGES),
    heldStatus: z.enum(STAGES).nullable(),
    round: z.number().int(),
    customer: CustomerSchema.pick({ id: true, code: true, name: true, type: true, tier: true, email: true, phone: true }),
    channel: z.enum(CHANNELS),
    receivedAt: instant,
    incidentDate: isoDate,
    category: z.enum(CATEGORIES),
    subject: z.string(),
    description: z.string(),
    severity: z.enum(SEVERITIES),
    harm: z.enum(HARMS),
    safetyImpact: z.boolean(),
    brandImpact: z.boolean(),
    productRef: z.string().nullable(),
    lotRef: z.string().nullable(),
    supplierRef: z.string().nullable(),
    timeBarred: z.boolean(),
    filingWindowEndsAt: instant,
    timeBarredDecision: z.enum(TIME_BARRED_DECISIONS).nullable(),
    regulatoryReviewRequired: z.boolean(),
    meetingRequired: z.boolean(),
    recurring: z.boolean(),
    due: Due,
    nextDueAt: instant.nullable(),
    overdue: z.boolean(),
    acknowledgedAt: instant.nullable(),
    firstRepliedAt: instant.nullable(),
    resolvedAt: instant.nullable(),
    closedAt: instant.nullable(),
    resolution: z.string().nullable(),
    assigneeId: z.string().uuid().nullable(),
    version: z.number().int(),
    createdAt: instant,
  })
  .openapi('Complaint');

const TimelineEntry = z.object({
  stage: z.enum(STAGES),
  round: z.number().int(),
  enteredAt: instant,
  enteredBy: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
  exitedAt: instant.nullable(),
  exitedBy: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
  dueAt: instant.nullable(),
  lateMinutes: z.number().int().nullable(),
  note: z.string().nullable(),
  reason: z.string().nullable(),
});

const RecurrenceSchema = z
  .object({
    periodDays: z.number().int(),
    matchedBy: z.array(z.string()).openapi({ description: 'Every criterion some earlier entry matched: customer, product, lot, supplier (`category` only in entries logged before it stopped counting)' }),
    earlier: z.array(
      z.object({
        id: z.string().uuid(),
        reference: z.string(),
        receivedAt: instant,
        matchedBy: z.array(z.string()),
        customerId: z.string().uuid().optional(),
        productRef: z.string().optional().openapi({ description: 'The value matched on, present when `matchedBy` has `product`' }),
        lotRef: z.string().optional().openapi({ description: 'Present when `matchedBy` has `lot`' }),
        supplierRef: z.string().optional().openapi({ description: 'Present when `matchedBy` has `supplier`' }),
      }),
    ),
  })
  .openapi('Recurrence', { description: 'Why the entry is recurring: the earlier complaints (newest first, at most 20) and what each matched on' });

export const CaseSchema = ComplaintSchema.extend({
  timeline: z.array(TimelineEntry),
  holds: z.array(z.object({ stage: z.enum(STAGES), reason: z.string(), startedAt: instant, endedAt: instant.nullable(), minutes: z.number().int() })),
  earlierEntries: z.array(z.object({ id: z.string().uuid(), reference: z.string(), receivedAt: instant, subject: z.string(), status: z.enum(STAGES), matchedBy: z.array(z.string()) })),
  recurrence: RecurrenceSchema.nullable(),
  allowedTransitions: z.array(z.enum(STAGES)),
  evidence: z.array(EvidenceSchema).openapi({ description: 'Every piece, withdrawn ones included, in upload order' }),
  meetings: z.array(MeetingSchema).openapi({ description: 'Every meeting, newest first, with its assignments; a correction names what it `supersedes`' }),
  findings: z.array(FindingSchema).openapi({ description: 'Every version, newest first; the current one has `current: true`' }),
  solutions: z.array(SolutionSchema).openapi({ description: 'Every proposed solution, newest first, each with its review' }),
  followUps: z.array(FollowUpSchema).openapi({ description: 'Every follow-up outcome, newest first' }),
  actions: z.array(ActionSchema).openapi({ description: 'Every action the case answers (its own and those linked to it), oldest first, each with `overdue` and every complaint it answers' }),
  letters: z.array(LetterSchema).openapi({ description: 'Every letter issued to the customer, newest first, with its delivery' }),
  regulatory: RegulatoryReviewSchema.nullable().openapi({ description: "The case's current regulatory review with its decision and filing, or null" }),
  signatures: z.array(SignatureSchema).openapi({ description: 'Every signature, newest first; a later decision names what it `supersedes`' }),
  survey: CaseSurveySchema.nullable().openapi({ description: 'The satisfaction survey: the invitation and the answer, or null when never invited' }),
  slaBreaches: z.array(SlaBreachSchema).openapi({ description: 'Each level (80/100/150 %) a clock of the case reached, recorded once by the SLA sweep, latest first' }),
}).openapi('Case');

documentRoute({ method: 'post', path: '/api/v1/complaints', summary: 'Log an entry (complaint or feedback). Accepts Idempotency-Key.', tags: ['Complaints'], body: CreateComplaintBody, response: { status: 201, schema: ComplaintSchema }, problems: [403, 409] });
documentRoute({ method: 'get', path: '/api/v1/complaints', summary: 'The log book and the queue: filters, text search, overdue', tags: ['Complaints'], query: ComplaintListQuery, response: { status: 200, schema: z.object({ items: z.array(ComplaintSchema), nextCursor: z.string().nullable() }) }, problems: [403] });
documentRoute({ method: 'get', path: '/api/v1/complaints/{id}', summary: 'One case with its timeline, holds, earlier entries, evidence, meetings and findings', tags: ['Complaints'], params: IdParams, response: { status: 200, schema: CaseSchema }, problems: [403, 404] });
documentRoute({ method: 'patch', path: '/api/v1/complaints/{id}', summary: 'Correct content or classification (If-Match or version); clocks and flags are recomputed', tags: ['Complaints'], params: IdParams, body: UpdateComplaintBody, response: { status: 200, schema: ComplaintSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/transitions', summary: 'Move the case to another stage; 409 invalid_transition lists what is missing', tags: ['Complaints'], params: IdParams, body: TransitionBody, response: { status: 200, schema: ComplaintSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/first-reply', summary: 'Record the first written reply (meets the 48-hour clock)', tags: ['Complaints'], params: IdParams, body: FirstReplyBody, response: { status: 200, schema: ComplaintSchema }, problems: [403, 404, 409] });

const version = z.number().int().nonnegative().optional();

export const ReviewBody = z
  .object({ approved: z.boolean(), comment: z.string().trim().max(5000).optional(), version })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.approved && !v.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Say why the solution is returned.', params: { key: 'errors.returnComment' } });
  })
  .openapi('Review');

export const CustomerResponseBody = z
  .object({ accepted: z.boolean(), reason: z.string().trim().max(5000).optional(), version })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.accepted && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: "Record the customer's reason for rejecting.", params: { key: 'errors.rejectReason' } });
  })
  .openapi('CustomerResponse');

documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/review', summary: 'CS director: approve the solution (→ response) or return it with a comment (→ solution)', tags: ['Complaints'], params: IdParams, body: ReviewBody, response: { status: 200, schema: ComplaintSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/customer-response', summary: "The customer's answer: accepted (→ follow_up), rejected in round 1 (→ solution, round 2) or round 2 (→ disputed)", tags: ['Complaints'], params: IdParams, body: CustomerResponseBody, response: { status: 200, schema: ComplaintSchema }, problems: [403, 404, 409] });
