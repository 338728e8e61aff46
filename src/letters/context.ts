/**
 * What a letter template sees (below HTTP): the letterhead, the reference and the date line, the
 * customer, the case, the findings' public fields, the meeting a giấy mời invites to, and two
 * slots filled by other capabilities — the approved solution and the corrective actions. Every key
 * is always present (templates compile with Handlebars' `strict`), empty when there is nothing.
 */
import { DateTime } from 'luxon';
import { formatDate, formatDateTime } from '../lib/dates';
import type { Complaint, Customer } from '../models';
import type { LetterLocale, LetterMeeting } from '../models/Letter';
import { FIELD_READ_RULES } from '../policies/fieldRules';
import { FINISHED_ACTION } from '../domain/actions';
import { caseActions } from '../queries/actions';
import { approvedProposal } from '../queries/solutions';

export interface Letterhead {
  organisationName: string;
  address: string;
  phone: string;
  email: string;
  /** The city written in the date line: "Hà Nội, ngày …". */
  city: string;
}

/** An item the customer is told about: done, or still to do (with its due date when one is set). */
export interface ActionItem {
  text: string;
  /** The due date, written in the letter's language; empty when none. */
  due: string;
  /** The supplier, for a supplier's long-term fix; empty otherwise. */
  supplier: string;
}

export interface LetterContext {
  locale: LetterLocale;
  organisation: { name: string; address: string; phone: string; email: string; city: string };
  reference: string;
  /** "Hà Nội, ngày 02 tháng 11 năm 2026" / "Hanoi, 2 November 2026". */
  dateLine: string;
  /** The date alone: "ngày 02 tháng 11 năm 2026" / "2 November 2026". */
  date: string;
  customer: { name: string; address: string; email: string; phone: string };
  complaint: { subject: string; description: string; receivedAt: string; receivedDate: string; incidentDate: string; filingWindowEndsAt: string; round: number };
  /** The current findings' public fields (src/policies/fieldRules.ts: never the restricted ones), or null. */
  findings: { substantiated: boolean; rootCause: string; recurring: boolean } | null;
  /** The invitation's meeting, written in the letter's language; null when none was given. */
  meeting: { at: string; place: string } | null;
  /** Slot: the approved solution of this round (solution & review); null until it exists. */
  solution: { summary: string } | null;
  /** Slot: what was fixed and what is pending, supplier fixes with their due dates (corrective actions). */
  actions: { fixed: ActionItem[]; pending: ActionItem[]; supplierPending: ActionItem[]; any: boolean };
  author: { name: string };
}

// ---------------------------------------------------------------------------------------------
// What other capabilities give a letter: the approved solution (solution & review) and the
// corrective actions (what is fixed, what is pending, the supplier's long-term fixes).

/** The solution the CS director approved in the case's current round (the latest), or null. */
export async function solutionSlot(complaintId: string, round: number): Promise<{ summary: string } | null> {
  const approved = await approvedProposal(complaintId, round);
  return approved && { summary: approved.summary };
}

/**
 * The case's actions as the customer is told about them: done or verified ones are fixed; a
 * supplier's long-term fix not finished yet is pending with the supplier and its long-term due
 * date; every other unfinished action is pending with its due date.
 */
export async function actionsSlot(complaintId: string, locale: LetterLocale, zone: string): Promise<{ fixed: ActionItem[]; pending: ActionItem[]; supplierPending: ActionItem[] }> {
  const out = { fixed: [] as ActionItem[], pending: [] as ActionItem[], supplierPending: [] as ActionItem[] };
  for (const a of await caseActions(complaintId)) {
    const finished = (FINISHED_ACTION as readonly string[]).includes(a.status);
    const due = (at: string | null | undefined) => (at ? letterDate(new Date(at), zone, locale) : '');
    if (finished) out.fixed.push({ text: a.description, due: '', supplier: a.supplier?.name ?? '' });
    else if (a.type === 'supplier_long_term') out.supplierPending.push({ text: a.description, due: due(a.supplier?.longTermDueAt ?? a.dueAt), supplier: a.supplier?.name ?? '' });
    else out.pending.push({ text: a.description, due: due(a.dueAt), supplier: '' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');

/** "ngày 02 tháng 11 năm 2026" (vi) or "2 November 2026" (en), in `zone`. */
export function letterDate(at: Date, zone: string, locale: LetterLocale): string {
  const d = DateTime.fromJSDate(at, { zone });
  return locale === 'vi' ? `ngày ${pad(d.day)} tháng ${pad(d.month)} năm ${d.year}` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
}

/** The date line: "Hà Nội, ngày 02 tháng 11 năm 2026" / "Hanoi, 2 November 2026" (no city: the date alone). */
export function dateLine(at: Date, zone: string, locale: LetterLocale, city: string): string {
  const date = letterDate(at, zone, locale);
  if (!city.trim()) return locale === 'vi' ? date.charAt(0).toUpperCase() + date.slice(1) : date;
  return `${city.trim()}, ${date}`;
}

/** English letters write the capital without its diacritics, as an English address does. */
function cityIn(letterhead: Letterhead, locale: LetterLocale): string {
  if (locale === 'vi') return letterhead.city;
  const known: Record<string, string> = { 'hà nội': 'Hanoi', 'tp. hồ chí minh': 'Ho Chi Minh City', 'hồ chí minh': 'Ho Chi Minh City', 'đà nẵng': 'Da Nang', 'hải phòng': 'Hai Phong', 'cần thơ': 'Can Tho' };
  return known[letterhead.city.trim().toLowerCase()] ?? letterhead.city;
}

/** The Finding fields a letter may name: its public ones (every restricted field left out). */
const RESTRICTED_FINDING_FIELDS = new Set<string>(FIELD_READ_RULES.Finding.flatMap((r) => [...r.fields]));
const PUBLIC_FINDING_FIELDS = (['substantiated', 'rootCause', 'recurring'] as const).filter((f) => !RESTRICTED_FINDING_FIELDS.has(f));

export interface ContextInput {
  complaint: Complaint;
  customer: Customer;
  letterhead: Letterhead;
  findings: { substantiated: boolean; rootCause: string; recurring: boolean } | null;
  meeting: LetterMeeting | null;
  solution: { summary: string } | null;
  actions: { fixed: ActionItem[]; pending: ActionItem[]; supplierPending: ActionItem[] };
  authorName: string;
  at: Date;
  zone: string;
  locale: LetterLocale;
}

export function letterContext(input: ContextInput): LetterContext {
  const { complaint, customer, letterhead, zone, locale } = input;
  const findings = input.findings
    ? (Object.fromEntries(PUBLIC_FINDING_FIELDS.map((f) => [f, input.findings![f]])) as LetterContext['findings'])
    : null;
  return {
    locale,
    organisation: { name: letterhead.organisationName, address: letterhead.address, phone: letterhead.phone, email: letterhead.email, city: cityIn(letterhead, locale) },
    reference: complaint.reference,
    dateLine: dateLine(input.at, zone, locale, cityIn(letterhead, locale)),
    date: letterDate(input.at, zone, locale),
    customer: { name: customer.name, address: customer.address ?? '', email: customer.email ?? '', phone: customer.phone ?? '' },
    complaint: {
      subject: complaint.subject,
      description: complaint.description,
      receivedAt: formatDateTime(complaint.receivedAt, zone, locale),
      receivedDate: letterDate(complaint.receivedAt, zone, locale),
      incidentDate: formatDate(complaint.incidentDate, zone, locale),
      filingWindowEndsAt: formatDate(complaint.filingWindowEndsAt, zone, locale),
      round: complaint.round,
    },
    findings,
    meeting: input.meeting ? { at: formatDateTime(input.meeting.at, zone, locale), place: input.meeting.place } : null,
    solution: input.solution,
    actions: { ...input.actions, any: input.actions.fixed.length + input.actions.pending.length + input.actions.supplierPending.length > 0 },
    author: { name: input.authorName },
  };
}

/**
 * A context with every key filled: what a template is tried against when the sysadmin saves it
 * (with `strict`, a misspelt variable fails there, at its line), and once more with every
 * optional part empty.
 */
export function sampleContexts(locale: LetterLocale): LetterContext[] {
  const item = { text: 'Thay khớp nối', due: '30/11/2026', supplier: 'Công ty ABC' };
  const full: LetterContext = {
    locale,
    organisation: { name: 'Công ty Mẫu', address: 'Số 1 Phố Mẫu, Hà Nội', phone: '024 0000 0000', email: 'cskh@example.vn', city: 'Hà Nội' },
    reference: 'KN-2026-000001',
    dateLine: 'Hà Nội, ngày 02 tháng 11 năm 2026',
    date: 'ngày 02 tháng 11 năm 2026',
    customer: { name: 'Nguyễn Văn A', address: 'Số 2 Phố Mẫu', email: 'a@example.vn', phone: '0900000000' },
    complaint: { subject: 'Máy lọc nước rò rỉ', description: 'Nước rò ra sàn.', receivedAt: '02/11/2026 10:00', receivedDate: 'ngày 02 tháng 11 năm 2026', incidentDate: '30/10/2026', filingWindowEndsAt: '28/01/2027', round: 1 },
    findings: { substantiated: true, rootCause: 'Lỗi lắp đặt', recurring: false },
    meeting: { at: '05/11/2026 09:00', place: 'Văn phòng công ty' },
    solution: { summary: 'Đổi máy mới' },
    actions: { fixed: [item], pending: [item], supplierPending: [item], any: true },
    author: { name: 'Trần Thị B' },
  };
  const empty: LetterContext = { ...full, findings: null, meeting: null, solution: null, actions: { fixed: [], pending: [], supplierPending: [], any: false } };
  return [full, empty];
}
