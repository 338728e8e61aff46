import { Op, type WhereOptions } from 'sequelize';
import { sequelize } from '../db';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { z } from '../lib/zod';
import { CaseClock, Complaint, RegulatoryReview, Signature, User } from '../models';

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

/** The register's filters (all optional): the decision, where the report stands, the case's receipt between two instants. */
export interface RegisterFilter {
  decision?: 'report' | 'no_report' | 'none';
  /** filed; unfiled: a `report` decision not filed yet; overdue: not filed, not `no_report`, past its deadline. */
  filing?: 'filed' | 'unfiled' | 'overdue';
  receivedFrom?: Date;
  receivedTo?: Date;
  limit: number;
  cursor?: string;
}

const RegisterCursor = z.object({ s: z.string().datetime(), i: z.string().uuid() });

/**
 * One page of the regulatory register, newest submission first, keyset-paged on (submitted_at, id):
 * only reviews of cases `visible` says the reader may see (read in batches until the page is full,
 * so a hidden case never shortens a page nor shows), each with its case.
 */
export async function registerPage(filter: RegisterFilter, visible: (c: Complaint) => boolean, now: Date): Promise<{ rows: Array<{ v: RegulatoryReview; c: Complaint }>; nextCursor: string | null }> {
  const s = sequelize();
  const and: WhereOptions[] = [];
  if (filter.decision) and.push({ decision: filter.decision === 'none' ? null : filter.decision });
  if (filter.filing === 'filed') and.push({ filedAt: { [Op.ne]: null } });
  if (filter.filing === 'unfiled') and.push({ decision: 'report', filedAt: null });
  if (filter.filing === 'overdue') and.push({ filedAt: null, reportDueAt: { [Op.lt]: now }, [Op.or]: [{ decision: null }, { decision: 'report' }] });
  const received = [
    filter.receivedFrom ? `c.received_at >= ${s.escape(filter.receivedFrom.toISOString())}::timestamptz` : null,
    filter.receivedTo ? `c.received_at <= ${s.escape(filter.receivedTo.toISOString())}::timestamptz` : null,
  ].filter(Boolean);
  if (received.length) and.push({ complaintId: { [Op.in]: s.literal(`(SELECT c.id FROM complaints c WHERE ${received.join(' AND ')})`) } });
  let after = decodeCursor(filter.cursor, RegisterCursor);
  const batch = filter.limit + 1;
  const rows: Array<{ v: RegulatoryReview; c: Complaint }> = [];
  for (;;) {
    const page = [...and];
    if (after) page.push(s.literal(`("RegulatoryReview".submitted_at, "RegulatoryReview".id) < (${s.escape(after.s)}::timestamptz, ${s.escape(after.i)}::uuid)`));
    const reviews = await RegulatoryReview.findAll({ where: { [Op.and]: page }, order: [['submittedAt', 'DESC'], ['id', 'DESC']], limit: batch });
    const cases = new Map((await Complaint.findAll({ where: { id: [...new Set(reviews.map((v) => v.complaintId))] } })).map((c) => [c.id, c]));
    for (const v of reviews) {
      const c = cases.get(v.complaintId);
      if (c && visible(c)) rows.push({ v, c });
    }
    if (rows.length > filter.limit || reviews.length < batch) break;
    const last = reviews[reviews.length - 1];
    after = { s: last.submittedAt.toISOString(), i: last.id };
  }
  const more = rows.length > filter.limit;
  const shown = rows.slice(0, filter.limit);
  const last = shown[shown.length - 1]?.v;
  return { rows: shown, nextCursor: more && last ? encodeCursor({ s: last.submittedAt.toISOString(), i: last.id }) : null };
}
