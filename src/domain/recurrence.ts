/**
 * What makes a complaint recurring (PRODUCT.md "Customers and customer care"): an earlier
 * complaint of the same customer, or about the same product, lot or supplier, within the
 * configured period. The category alone is not recurrence — with two categories it would flag
 * nearly every complaint — so it is no longer a criterion; a stored setting from before
 * (migration 0006) that still names it keeps working, the criterion is simply ignored.
 */
export const RECURRENCE_CRITERIA = ['customer', 'product', 'lot', 'supplier'] as const;
export type RecurrenceCriterion = (typeof RECURRENCE_CRITERIA)[number];

export interface RecurrenceSetting {
  periodDays: number;
  match: RecurrenceCriterion[];
}

export const DEFAULT_RECURRENCE: RecurrenceSetting = { periodDays: 90, match: [...RECURRENCE_CRITERIA] };

/** Which field of an entry each criterion compares (also the key its value is stored under in a match). */
export const RECURRENCE_FIELDS = { customer: 'customerId', product: 'productRef', lot: 'lotRef', supplier: 'supplierRef' } as const satisfies Record<RecurrenceCriterion, string>;

export const isRecurrenceCriterion = (m: unknown): m is RecurrenceCriterion => (RECURRENCE_CRITERIA as readonly unknown[]).includes(m);

/**
 * A stored `recurrence` setting as intake reads it: criteria it does not know (`category`) are
 * dropped, the rest kept in the fixed order; a missing or unreadable value is the default.
 */
export function readRecurrenceSetting(value: unknown): RecurrenceSetting {
  if (!value || typeof value !== 'object') return DEFAULT_RECURRENCE;
  const { periodDays, match } = value as { periodDays?: unknown; match?: unknown };
  const period = typeof periodDays === 'number' && Number.isInteger(periodDays) && periodDays > 0 ? periodDays : DEFAULT_RECURRENCE.periodDays;
  const given = Array.isArray(match) ? match : DEFAULT_RECURRENCE.match;
  return { periodDays: period, match: RECURRENCE_CRITERIA.filter((m) => given.includes(m)) };
}
