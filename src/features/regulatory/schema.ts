import { documentRoute, IdParams } from '../../http/openapi';
import { RegulatoryReviewSchema, SignatureSchema } from '../../http/schemas/regulatory';
import { REGULATORY_DECISIONS, REPORT_CATEGORIES } from '../../domain/regulatory';
import { isoDate } from '../../lib/dates';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';

/** API.md: `{summary, reportCategory?}`; `potentialSeriousHarm: true` submits a case intake did not flag (quality marks the potential for serious harm). */
export const SubmitReviewBody = z
  .object({
    summary: z.string().trim().min(1).max(5000).openapi({ description: 'What the CEO is asked to decide on' }),
    reportCategory: z.enum(REPORT_CATEGORIES).optional().openapi({ description: 'Default: from the harm (serious_injury/death → death_or_serious_injury, else other_reportable)' }),
    potentialSeriousHarm: z.boolean().optional().openapi({ description: 'Required (true) for a case without `regulatoryReviewRequired`' }),
  })
  .strict()
  .openapi('SubmitRegulatoryReview');

/** API.md: `{decision, rationale, password, reportCategory?, contentSha256?}`. */
export const DecisionBody = z
  .object({
    decision: z.enum(REGULATORY_DECISIONS),
    rationale: z.string().trim().min(1).max(5000),
    password: z.string().min(1).max(200).openapi({ description: "The CEO's password, re-entered to sign (never stored)" }),
    reportCategory: z.enum(REPORT_CATEGORIES).optional().openapi({ description: "Default: the review's category" }),
    contentSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .openapi({ description: 'SHA-256 of the canonical JSON of what the dialog showed: {reference, subject, harm, summary, reportCategory, decision, rationale}; a mismatch is 409' }),
  })
  .strict()
  .openapi('RegulatoryDecision');

/** API.md: `{authority, submittedAt, referenceNo}`. */
export const FilingBody = z
  .object({
    authority: z.string().trim().min(1).max(300),
    submittedAt: z.string().datetime({ offset: true }).openapi({ description: 'When the report was submitted to the authority (not in the future)' }),
    referenceNo: z.string().trim().min(1).max(200),
  })
  .strict()
  .openapi('RegulatoryFiling');

export const DecisionSchema = z
  .object({
    signature: SignatureSchema.pick({ id: true, signerId: true, meaning: true, signedAt: true, contentSha256: true, supersedes: true }).extend({ signerName: z.string(), signerRole: z.string() }),
    decision: z.enum(REGULATORY_DECISIONS),
    reportDueAt: z.string().datetime({ offset: true }).optional().openapi({ description: 'The fixed report deadline (a `report` decision only)' }),
    reviewId: z.string().uuid(),
  })
  .openapi('RegulatoryDecisionResult');

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/regulatory/submit',
  summary: 'Submit a serious case to the CEO for the regulatory-report decision (awaiting_ceo, with the provisional reportDueAt); one open review per case',
  tags: ['Regulatory'],
  params: IdParams,
  body: SubmitReviewBody,
  response: { status: 201, schema: RegulatoryReviewSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/regulatory/decision',
  summary:
    "The CEO's decision as an electronic signature: the password re-entered (wrong: 401 signature_invalid; too many: 429), contentSha256 not matching what would be signed: 409. A retry with the same Idempotency-Key returns the first answer; a later decision supersedes the earlier one",
  tags: ['Regulatory'],
  params: IdParams,
  body: DecisionBody,
  response: { status: 201, schema: DecisionSchema },
  problems: [403, 404, 409, 429],
});
documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/regulatory/report',
  summary: 'File the report of a `report` decision with the authority (admin_officer), once',
  tags: ['Regulatory'],
  params: IdParams,
  body: FilingBody,
  response: { status: 201, schema: RegulatoryReviewSchema },
  problems: [403, 404, 409],
});
documentRoute({
  method: 'get',
  path: '/api/v1/complaints/{id}/regulatory/report-form.pdf',
  summary: "The regulatory report form prefilled from the case and its current review, as a PDF in Vietnamese (ceo, admin_officer, legal, auditor); 409 without a review. The web UI links it with its session cookie",
  tags: ['Regulatory'],
  params: IdParams,
  response: { status: 200, contentType: 'application/pdf', schema: z.string().openapi({ format: 'binary' }), description: 'The report form, shown inline, named bao-cao-co-quan-chuc-nang_<reference>.pdf' },
  problems: [403, 404, 409],
});

const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);
/** The register page's filters (GET /regulatory): decision, where the report stands, the case's receipt from–to (local dates), keyset paging. */
export const RegisterQuery = z
  .object({
    decision: z.preprocess(blankIsAbsent, z.enum(['report', 'no_report', 'none']).optional()),
    filing: z.preprocess(blankIsAbsent, z.enum(['filed', 'unfiled', 'overdue']).optional()),
    receivedFrom: z.preprocess(blankIsAbsent, isoDate.optional()),
    receivedTo: z.preprocess(blankIsAbsent, isoDate.optional()),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .refine((q) => !q.receivedFrom || !q.receivedTo || q.receivedFrom <= q.receivedTo, { path: ['receivedTo'], message: 'The end of the range is before its start.', params: { key: 'regulatory.register.errors.range' } });
