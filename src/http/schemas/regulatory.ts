import { REGULATORY_DECISIONS, REPORT_CATEGORIES, REVIEW_STATUSES } from '../../domain/regulatory';
import { z } from '../../lib/zod';

const instant = z.string().datetime({ offset: true });
const person = z.object({ id: z.string().uuid(), name: z.string().nullable() }).nullable();

export const SignatureSchema = z
  .object({
    id: z.string().uuid(),
    reviewId: z.string().uuid(),
    signerId: z.string().uuid(),
    signerName: z.string().openapi({ description: 'Printed name of the signer' }),
    signerRole: z.string(),
    meaning: z.string().openapi({ description: 'What the signature means: "Quyết định báo cáo cơ quan chức năng"' }),
    decision: z.enum(REGULATORY_DECISIONS),
    content: z.object({}).passthrough().openapi({ description: 'Exactly what was signed: reference, subject, harm, summary, reportCategory, decision, rationale' }),
    contentSha256: z.string().openapi({ description: 'SHA-256 (hex) of the canonical JSON of `content`' }),
    signedAt: instant,
    supersedes: z.string().uuid().nullable(),
  })
  .openapi('Signature');

export const RegulatoryReviewSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    status: z.enum(REVIEW_STATUSES),
    summary: z.string(),
    reportCategory: z.enum(REPORT_CATEGORIES),
    potentialSeriousHarm: z.boolean().openapi({ description: 'Quality marked a potential for serious harm on a case intake did not flag' }),
    reportDueAt: instant.openapi({ description: 'The regulatory report deadline: provisional until a `report` decision fixes it' }),
    reportDueProvisional: z.boolean(),
    submittedBy: person,
    submittedAt: instant,
    decision: z.enum(REGULATORY_DECISIONS).nullable(),
    rationale: z.string().nullable(),
    signatureId: z.string().uuid().nullable(),
    decidedBy: person,
    decidedAt: instant.nullable(),
    filing: z.object({ authority: z.string().nullable(), submittedAt: instant.nullable(), referenceNo: z.string().nullable(), filedBy: person, filedAt: instant.nullable() }).nullable(),
    clock: z
      .object({ startedAt: instant, dueAt: instant.nullable(), metAt: instant.nullable(), outcome: z.enum(['met', 'missed', 'not_needed']).nullable() })
      .nullable()
      .openapi({ description: "The case's `report` clock" }),
    version: z.number().int(),
  })
  .openapi('RegulatoryReview');
