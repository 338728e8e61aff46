/**
 * The regulatory review of a serious case (PRODUCT.md "Escalation of serious cases"): quality or
 * intake submits it to the CEO; the CEO decides `report` / `no_report` with an electronic
 * signature (the password re-entered: src/commands/signing.ts checks it before this runs);
 * admin_officer files a `report` decision with the authority. Each command locks the case FOR
 * UPDATE and authorizes on the locked row: 404, 403, then 409. The report deadline is the case's
 * `report` clock: started at submission, rescheduled by a `report` decision, stopped by a
 * `no_report` one (`not_needed`), met when filed.
 */
import { CaseClocks } from './clocks';
import { recordSignedAttempt } from './signing';
import { transaction } from '../db';
import { FINISHED } from '../domain/workflow';
import { contentSha256, defaultCategory, DECISION_MEANING, reportDueAt, signedContent, type RegulatoryDecision, type ReportCategory } from '../domain/regulatory';
import { AppError, fieldError, forbidden, immutableRecord, notFound, validationFailed } from '../lib/errors';
import * as clock from '../lib/clock';
import { Complaint, RegulatoryReview, Signature } from '../models';
import { reportingRules } from '../queries/policy';
import { currentReview, reportUnfiled, reviewOpen } from '../queries/regulatory';

export interface RegulatoryActor {
  userId: string;
  /** The signer's printed name and role, recorded with a signature. */
  name: string;
  role: string;
  /** May the actor see this case at all? (No: 404.) */
  reads(complaint: Complaint): boolean;
  /** May the actor do this command's action on this case? (No: 403.) */
  may(complaint: Complaint): boolean;
}

const conflictKey = (message: string, key: string, path = 'regulatory') =>
  new AppError(409, 'conflict', message, [fieldError(path, key)], undefined, undefined, key);

async function lockCase(complaintId: string, actor: RegulatoryActor, action: 'submit' | 'sign' | 'file'): Promise<Complaint> {
  const complaint = await Complaint.findByPk(complaintId, { lock: true });
  if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
  if (!actor.may(complaint)) throw forbidden(`You are not allowed to ${action} this regulatory review.`, { action, subject: 'RegulatoryReview', entityId: complaint.id });
  if (complaint.status === 'archived') throw immutableRecord('The case is sealed: its regulatory review cannot change.');
  return complaint;
}

async function saveClocks(complaint: Complaint, change: (clocks: CaseClocks) => void): Promise<void> {
  const clocks = await CaseClocks.load(complaint);
  change(clocks);
  await clocks.save();
  if (complaint.changed()) await complaint.save();
}

export interface SubmitInput {
  summary: string;
  reportCategory?: ReportCategory;
  /** Quality marks a potential for serious harm on a case intake did not flag for review. */
  potentialSeriousHarm?: boolean;
}

/** Submits the case to the CEO: `awaiting_ceo`, with the provisional report deadline (the `report` clock starts). */
export async function submitRegulatoryReview(complaintId: string, input: SubmitInput, actor: RegulatoryActor, zone: string): Promise<RegulatoryReview> {
  return transaction(async () => {
    const complaint = await lockCase(complaintId, actor, 'submit');
    if (FINISHED.includes(complaint.status)) throw conflictKey(`The case is ${complaint.status}: it can no longer be submitted for regulatory review.`, 'regulatory.errors.finished');
    if (!complaint.regulatoryReviewRequired && input.potentialSeriousHarm !== true)
      throw conflictKey('This case is not flagged for regulatory review: mark the potential for serious harm (potentialSeriousHarm: true) to submit it.', 'regulatory.errors.notSerious', 'potentialSeriousHarm');
    const current = await currentReview(complaint.id);
    if (reviewOpen(current)) throw conflictKey('A regulatory review of this case already awaits the CEO.', 'regulatory.errors.alreadyOpen');
    if (reportUnfiled(current)) throw conflictKey('The report decided for this case is not filed yet.', 'regulatory.errors.reportUnfiled');
    const summary = input.summary.trim();
    if (!summary) throw validationFailed([fieldError('summary', 'regulatory.errors.summary')]);

    const now = clock.now();
    const category = input.reportCategory ?? defaultCategory(complaint.harm);
    const dueAt = reportDueAt(complaint.receivedAt, category, await reportingRules(), zone);
    const review = await RegulatoryReview.create(
      {
        complaintId: complaint.id,
        summary,
        reportCategory: category,
        potentialSeriousHarm: !complaint.regulatoryReviewRequired && input.potentialSeriousHarm === true,
        reportDueAt: dueAt,
        submittedBy: actor.userId,
        submittedAt: now,
      },
      { auditAction: 'regulatory_review.submitted' } as object,
    );
    await saveClocks(complaint, (clocks) => clocks.start('report', now, dueAt, 'regulatory_review.submitted'));
    return review;
  });
}

export interface DecisionInput {
  decision: RegulatoryDecision;
  rationale: string;
  reportCategory?: ReportCategory;
  contentSha256?: string;
  /**
   * The signature the signer saw as the current one ('' for none), when the caller knows it (the
   * signing page): a decision signed meanwhile — by a second submission of the same form — is
   * refused with 409 instead of superseding it unseen.
   */
  expectedSignatureId?: string;
}

export interface DecisionResult {
  review: RegulatoryReview;
  signature: Signature;
}

/**
 * Records the CEO's signed decision on the case's current review (the password was verified by
 * the caller). 409 when there is no review to decide (none, or filed) or when `contentSha256`
 * is not the hash of what would be signed now. A later decision supersedes the earlier signature.
 */
export async function decideRegulatoryReview(complaintId: string, input: DecisionInput, actor: RegulatoryActor, zone: string): Promise<DecisionResult> {
  return transaction(async () => {
    const complaint = await lockCase(complaintId, actor, 'sign');
    const review = await currentReview(complaint.id);
    if (!review) throw conflictKey('This case has no regulatory review to decide: submit it first.', 'regulatory.errors.noReview');
    if (review.status === 'filed') throw conflictKey('The report of this review is filed: its decision cannot change.', 'regulatory.errors.filed');
    const rationale = input.rationale.trim();
    if (!rationale) throw validationFailed([fieldError('rationale', 'regulatory.errors.rationale')]);
    const category = input.reportCategory ?? review.reportCategory;
    const content = signedContent({ reference: complaint.reference, subject: complaint.subject, harm: complaint.harm, summary: review.summary, reportCategory: category, decision: input.decision, rationale });
    if (input.expectedSignatureId !== undefined && input.expectedSignatureId !== (review.signatureId ?? ''))
      throw conflictKey('This review was signed meanwhile: read the decision on the case before signing another.', 'regulatory.errors.signedMeanwhile', 'signature');
    const hash = contentSha256(content);
    if (input.contentSha256 !== undefined && input.contentSha256 !== hash)
      throw conflictKey('What you signed is not what would be signed now: the case or the review changed. Reload and sign again.', 'regulatory.errors.staleContent', 'contentSha256');

    const now = clock.now();
    const signature = await Signature.create(
      {
        complaintId: complaint.id,
        reviewId: review.id,
        signerId: actor.userId,
        signerName: actor.name,
        signerRole: actor.role,
        meaning: DECISION_MEANING,
        decision: input.decision,
        content,
        contentSha256: hash,
        signedAt: now,
        supersedes: review.signatureId ?? null,
      },
      { auditAction: 'signature.signed', auditMeta: review.signatureId ? { supersedes: review.signatureId } : undefined } as object,
    );
    const dueAt = input.decision === 'report' ? reportDueAt(complaint.receivedAt, category, await reportingRules(), zone) : review.reportDueAt;
    review.set({ status: 'decided', decision: input.decision, rationale, reportCategory: category, signatureId: signature.id, decidedBy: actor.userId, decidedAt: now, reportDueAt: dueAt });
    await review.save({ auditAction: 'regulatory_review.decided' } as object);
    await saveClocks(complaint, (clocks) => {
      const row = clocks.get('report');
      if (input.decision === 'no_report') clocks.stop('report', 'regulatory_review.decided');
      else if (row && row.outcome === null) clocks.reschedule('report', dueAt, 'regulatory_review.decided');
      else clocks.start('report', now, dueAt, 'regulatory_review.decided');
    });
    await recordSignedAttempt(actor.userId);
    return { review, signature };
  });
}

export interface FilingInput {
  authority: string;
  submittedAt: Date;
  referenceNo: string;
}

/** admin_officer files the report of a `report` decision, once: the `report` clock is met at the submission time. */
export async function fileRegulatoryReport(complaintId: string, input: FilingInput, actor: RegulatoryActor): Promise<RegulatoryReview> {
  return transaction(async () => {
    const complaint = await lockCase(complaintId, actor, 'file');
    const review = await currentReview(complaint.id);
    if (review?.status === 'filed') throw conflictKey('The report of this review is already filed.', 'regulatory.errors.filed');
    if (!review || review.decision !== 'report') throw conflictKey('Only a `report` decision is filed with the authority; this case has none.', 'regulatory.errors.noReportDecision');
    const now = clock.now();
    if (input.submittedAt.getTime() > now.getTime()) throw validationFailed([fieldError('submittedAt', 'regulatory.errors.submittedInFuture')]);
    review.set({ status: 'filed', authority: input.authority.trim(), reportSubmittedAt: input.submittedAt, referenceNo: input.referenceNo.trim(), filedBy: actor.userId, filedAt: now });
    await review.save({ auditAction: 'regulatory_review.filed' } as object);
    await saveClocks(complaint, (clocks) => clocks.meet('report', input.submittedAt));
    return review;
  });
}
