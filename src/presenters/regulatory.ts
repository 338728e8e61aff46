/**
 * What the case page's regulatory panel (views/partials/regulatory-panel.hbs), the signing page and
 * the CEO's queue show of a regulatory review (src/queries/regulatory.ts presents the rows): the
 * current review with its deadline and the time left, the signature of its decision, the earlier
 * (superseded) signatures, and which form this reader gets.
 */
import { REPORT_CATEGORIES, type ReportCategory } from '../domain/regulatory';
import { dueText } from './time';
import type { Translate } from '../lib/i18n';
import type { ReviewJson, SignatureJson } from '../queries/regulatory';

/** The report category select: each category with its label key, the chosen one selected. */
export const categoryOptions = (chosen: string | null | undefined) =>
  REPORT_CATEGORIES.map((c) => ({ value: c, key: `regulatory.category.${c}`, selected: c === chosen }));

export interface RegulatoryPanelOptions {
  complaintId: string;
  now: Date;
  t: Translate;
  /** The case carries intake's flag (`regulatoryReviewRequired`): no "potential serious harm" box then. */
  flagged: boolean;
  /** The case is finished (closed, archived…): nothing can be submitted or decided any more. */
  finished: boolean;
  archived: boolean;
  canSubmit: boolean;
  canSign: boolean;
  canFile: boolean;
  /** May read the report form PDF (ceo, admin_officer, legal, auditor). */
  canReadReportForm: boolean;
  /** The default category for a submission (from the harm). */
  defaultCategory: ReportCategory;
  /** The datetime-local value the filing form starts with (now, in the organisation's zone). */
  nowLocal: string;
}

/** The regulatory panel of the case page. */
export function regulatoryPanel(review: ReviewJson | null, signatures: readonly SignatureJson[], o: RegulatoryPanelOptions) {
  const current = review?.signatureId ? signatures.find((s) => s.id === review.signatureId) ?? null : null;
  const open = review?.status === 'awaiting_ceo';
  const unfiled = review?.decision === 'report' && !review.filing;
  const due = review && !(review.clock?.outcome === 'not_needed') && !review.filing ? dueText(review.reportDueAt, o.now, o.t) : null;
  return {
    complaintId: o.complaintId,
    review: review
      ? {
          ...review,
          categoryKey: `regulatory.category.${review.reportCategory}`,
          statusKey: `regulatory.status.${review.status}`,
          decisionKey: review.decision ? `regulatory.decision.${review.decision}` : null,
          due,
          notNeeded: review.clock?.outcome === 'not_needed',
        }
      : null,
    signature: current,
    earlier: signatures.filter((s) => s.id !== current?.id).map((s) => ({ ...s, decisionKey: `regulatory.decision.${s.decision}` })),
    // quality / intake: a case that may be submitted — none awaits the CEO and no report is left unfiled.
    submit:
      o.canSubmit && !o.finished && !open && !unfiled
        ? { askHarm: !o.flagged, categories: categoryOptions(o.defaultCategory), suggested: o.flagged || Boolean(review) }
        : null,
    // The CEO: sign an awaiting review, or supersede a decision not yet filed.
    signHref: o.canSign && !o.archived && review && review.status !== 'filed' ? `/complaints/${o.complaintId}/regulatory/sign` : null,
    supersede: review?.status === 'decided',
    pdfHref: o.canReadReportForm && review ? `/api/v1/complaints/${o.complaintId}/regulatory/report-form.pdf` : null,
    file: o.canFile && !o.archived && unfiled ? { values: { submittedAt: o.nowLocal } } : null,
  };
}
export type RegulatoryPanel = ReturnType<typeof regulatoryPanel>;
