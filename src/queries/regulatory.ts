import { CaseClock, RegulatoryReview, Signature, User } from '../models';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The case's latest review (the one a decision or a filing applies to), if any. */
export async function currentReview(complaintId: string): Promise<RegulatoryReview | null> {
  return RegulatoryReview.findOne({ where: { complaintId }, order: [['submittedAt', 'DESC'], ['id', 'DESC']] });
}

/** Whether a review still needs the CEO (`awaiting_ceo`) or a `report` decision still needs its filing. */
export const reviewOpen = (r: RegulatoryReview | null): boolean => r?.status === 'awaiting_ceo';
export const reportUnfiled = (r: RegulatoryReview | null): boolean => r?.decision === 'report' && !r.filedAt;

export function presentSignature(s: Signature) {
  return {
    id: s.id,
    reviewId: s.reviewId,
    signerId: s.signerId,
    signerName: s.signerName,
    signerRole: s.signerRole,
    meaning: s.meaning,
    decision: s.decision,
    content: s.content,
    contentSha256: s.contentSha256,
    signedAt: s.signedAt.toISOString(),
    supersedes: s.supersedes,
  };
}
export type SignatureJson = ReturnType<typeof presentSignature>;

export function presentReview(r: RegulatoryReview, names: Map<string, string> = new Map(), clock?: CaseClock | null) {
  const person = (id: string | null | undefined) => (id ? { id, name: names.get(id) ?? null } : null);
  return {
    id: r.id,
    complaintId: r.complaintId,
    status: r.status,
    summary: r.summary,
    reportCategory: r.reportCategory,
    potentialSeriousHarm: r.potentialSeriousHarm,
    reportDueAt: r.reportDueAt.toISOString(),
    /** Provisional until a `report` decision fixes it. */
    reportDueProvisional: r.decision !== 'report',
    submittedBy: person(r.submittedBy),
    submittedAt: r.submittedAt.toISOString(),
    decision: r.decision ?? null,
    rationale: r.rationale ?? null,
    signatureId: r.signatureId ?? null,
    decidedBy: person(r.decidedBy),
    decidedAt: iso(r.decidedAt),
    filing: r.filedAt
      ? { authority: r.authority, submittedAt: iso(r.reportSubmittedAt), referenceNo: r.referenceNo, filedBy: person(r.filedBy), filedAt: iso(r.filedAt) }
      : null,
    clock: clock ? { startedAt: clock.startedAt.toISOString(), dueAt: iso(clock.dueAt), metAt: iso(clock.metAt), outcome: clock.outcome } : null,
    version: r.version,
  };
}
export type ReviewJson = ReturnType<typeof presentReview>;

async function names(ids: Array<string | null | undefined>): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (!unique.length) return new Map();
  const users = await User.findAll({ where: { id: unique }, attributes: ['id', 'name'] });
  return new Map(users.map((u) => [u.id, u.name]));
}

/** The review as the API answers a command on it. */
export async function presentReviewFull(r: RegulatoryReview): Promise<ReviewJson> {
  const clock = await CaseClock.findOne({ where: { complaintId: r.complaintId, kind: 'report' } });
  return presentReview(r, await names([r.submittedBy, r.decidedBy, r.filedBy]), clock);
}

/** The case detail's `regulatory`: the current review with its decision and filing, or null. */
export async function caseRegulatory(complaintId: string): Promise<ReviewJson | null> {
  const r = await currentReview(complaintId);
  return r ? presentReviewFull(r) : null;
}

/** The case detail's `signatures`: every signature, newest first. */
export async function caseSignatures(complaintId: string): Promise<SignatureJson[]> {
  const rows = await Signature.findAll({ where: { complaintId }, order: [['signedAt', 'DESC'], ['id', 'DESC']] });
  return rows.map(presentSignature);
}
