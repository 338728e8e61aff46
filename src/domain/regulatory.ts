/**
 * The regulatory review of a serious case (PRODUCT.md "Escalation of serious cases", "Deadlines" —
 * the regulatory report): the vocabulary, the reporting rules, the report's due time and exactly
 * what the CEO's electronic signature covers. Pure: no models, no database.
 */
import { endOfCalendarDays } from './calendar';
import { canonicalJson, sha256Hex } from './canonical';

export const REPORT_CATEGORIES = ['public_health_threat', 'death_or_serious_injury', 'other_reportable'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REGULATORY_DECISIONS = ['report', 'no_report'] as const;
export type RegulatoryDecision = (typeof REGULATORY_DECISIONS)[number];

/** `awaiting_ceo` (submitted, no decision) → `decided` (signed; a later decision supersedes) → `filed` (a `report` decision filed with the authority). */
export const REVIEW_STATUSES = ['awaiting_ceo', 'decided', 'filed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The meaning of the CEO's signature (21 CFR 11.50(a)(3)), recorded with every signature. */
export const DECISION_MEANING = 'Quyết định báo cáo cơ quan chức năng';

/**
 * The reporting rules: the organisation's jurisdiction and, per report category, the days from
 * awareness (the receipt of the complaint) to the report. The `reporting_rules` setting; these are
 * the defaults (EU MDR Art. 87).
 */
export interface ReportingRules {
  jurisdiction: string;
  days: Record<ReportCategory, number>;
}

export const DEFAULT_REPORTING_RULES: Readonly<ReportingRules> = Object.freeze({
  jurisdiction: 'default',
  days: Object.freeze({ public_health_threat: 2, death_or_serious_injury: 10, other_reportable: 15 }),
});

/** A stored value read with the defaults for what it lacks (or for a malformed value). */
export function readReportingRules(value: unknown): ReportingRules {
  const v = (value ?? {}) as Partial<ReportingRules>;
  const days = { ...DEFAULT_REPORTING_RULES.days };
  for (const c of REPORT_CATEGORIES) {
    const d = v.days?.[c];
    if (Number.isInteger(d) && (d as number) >= 0) days[c] = d as number;
  }
  return { jurisdiction: typeof v.jurisdiction === 'string' && v.jurisdiction ? v.jurisdiction : DEFAULT_REPORTING_RULES.jurisdiction, days };
}

/** The category a review starts with when quality names none: from the harm recorded at intake. */
export function defaultCategory(harm: string): ReportCategory {
  return harm === 'serious_injury' || harm === 'death' ? 'death_or_serious_injury' : 'other_reportable';
}

/** Day-based, from awareness (receipt): the end of the local day `days` after it, in the organisation's zone. */
export function reportDueAt(receivedAt: Date, category: ReportCategory, rules: ReportingRules, zone: string): Date {
  return endOfCalendarDays(receivedAt, rules.days[category], zone);
}

/** Exactly what the CEO's decision signs: the case as shown in the signing dialog, and the decision. */
export interface SignedContent {
  reference: string;
  subject: string;
  harm: string;
  summary: string;
  reportCategory: ReportCategory;
  decision: RegulatoryDecision;
  rationale: string;
}

export function signedContent(c: SignedContent): SignedContent {
  return { reference: c.reference, subject: c.subject, harm: c.harm, summary: c.summary, reportCategory: c.reportCategory, decision: c.decision, rationale: c.rationale };
}

/** The SHA-256 (hex) of the canonical JSON of what is signed: the dialog computes the same and sends it as `contentSha256`. */
export function contentSha256(c: SignedContent): string {
  return sha256Hex(canonicalJson(signedContent(c)));
}
