/** The vocabulary of an entry in the feedback log book (PRODUCT.md, API.md "Entry"). */
export const KINDS = ['complaint', 'feedback'] as const;
export type Kind = (typeof KINDS)[number];

export const CHANNELS = ['hotline', 'email', 'letter', 'in_person', 'web', 'livechat', 'social', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = ['service_quality', 'business'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const HARMS = ['none', 'minor', 'serious_injury', 'death'] as const;
export type Harm = (typeof HARMS)[number];

export const CUSTOMER_TYPES = ['person', 'company'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const TIERS = ['vip', 'loyal', 'new', 'potential', 'agent_1', 'agent_2', 'agent_3', 'agent_4', 'negative'] as const;
export type Tier = (typeof TIERS)[number];

/** How an acknowledgment or a reply reached the customer. */
export const CONTACT_CHANNELS = ['email', 'post', 'in_person', 'phone'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const TIME_BARRED_DECISIONS = ['accept', 'answer_time_barred'] as const;
export type TimeBarredDecision = (typeof TIME_BARRED_DECISIONS)[number];

/** Reference prefix per kind: KN = khiếu nại (complaint), PH = phản hồi (feedback). */
export const REFERENCE_PREFIX: Record<Kind, string> = { complaint: 'KN', feedback: 'PH' };

export function formatReference(kind: Kind, year: number, n: number): string {
  return `${REFERENCE_PREFIX[kind]}-${year}-${String(n).padStart(6, '0')}`;
}

/**
 * Lower-case, without Vietnamese diacritics ("Máy lọc nước Đà Nẵng" → "may loc nuoc da nang"):
 * the form both the stored search column and every query use, so "may loc nuoc" finds it.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
