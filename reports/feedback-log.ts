/**
 * Template of the feedback log book "Sổ theo dõi phản hồi khách hàng" (Excel): its title, its
 * columns in order with their widths and cell kinds. The headers are fixed Vietnamese
 * (PRODUCT.md); `?lang=en` gives an English copy for foreign auditors. Every label — the column
 * headers, the on-time words and the words for the codes the entries carry — is the UI's, from
 * the locale files (`reports.feedbackLog.column.*`, `reports.feedbackLog.timeliness.*`, `enum.*`,
 * `stage.*`), never a copy.
 *
 * The writer (src/features/reports/feedbackLog.ts) owns the layout mechanics — title rows,
 * frozen header, filter, streaming; this file owns what the document says.
 */
import type { Category, Channel, Kind, Severity } from '../src/domain/entries';
import type { Stage } from '../src/domain/workflow';
import { translator } from '../src/lib/i18n';
import type { FeedbackLogEntry } from '../src/queries/feedbackLog';

export type ReportLang = 'vi' | 'en';

/** Whether the customer was given the resolution within the 20-day limit (`dueResolutionAt`, met by `resolvedAt`). */
export type Timeliness = 'on_time' | 'late' | 'in_progress' | 'overdue';

type Words<K extends string> = Record<ReportLang, Record<K, string>>;

/**
 * The words for the codes an entry carries (kind, channel, category, severity, stage) are the
 * UI's own, from locales/{vi,en}.json: one vocabulary for the screen and the book.
 */
function words(lang: ReportLang) {
  const t = translator(lang);
  return {
    kind: (k: Kind) => t(`enum.kind.${k}`),
    channel: (c: Channel) => t(`enum.channel.${c}`),
    category: (c: Category) => t(`enum.category.${c}`),
    severity: (s: Severity) => t(`enum.severity.${s}`),
    stage: (s: Stage) => t(`stage.${s}`),
    column: (key: string) => t(`reports.feedbackLog.column.${key}`),
    timeliness: (x: Timeliness) => t(`reports.feedbackLog.timeliness.${x}`),
  };
}
const WORDS: Record<ReportLang, ReturnType<typeof words>> = { vi: words('vi'), en: words('en') };

const TIMELINESS: readonly Timeliness[] = ['on_time', 'late', 'in_progress', 'overdue'];
const timelinessIn = (lang: ReportLang) => Object.fromEntries(TIMELINESS.map((x) => [x, WORDS[lang].timeliness(x)])) as Record<Timeliness, string>;
export const TIMELINESS_LABELS: Words<Timeliness> = { vi: timelinessIn('vi'), en: timelinessIn('en') };

/** A column's header in both languages of the book. */
const heading = (key: string): Record<ReportLang, string> => ({ vi: WORDS.vi.column(key), en: WORDS.en.column(key) });

/** Texts around the table. */
export const TEXT = {
  vi: {
    title: 'SỔ THEO DÕI PHẢN HỒI KHÁCH HÀNG',
    sheet: 'Sổ theo dõi phản hồi khách hàng',
    period: (from: string, to: string) => `Kỳ: ${from} – ${to}`,
    fromStart: 'từ đầu',
    untilNow: 'đến nay',
    exported: (at: string, zone: string, by: string) => `Xuất lúc ${at} (${zone}) bởi ${by}`,
    stage: (stage: string) => `Giai đoạn: ${stage}`,
    onHold: (stage: string) => `Tạm dừng (${stage})`,
    disposed: 'Đã tiêu hủy (hết thời hạn lưu trữ)',
    total: (n: number) => `Tổng số: ${n} mục`,
    empty: 'Không có mục nào trong kỳ.',
    series: (prefix: string, first: string, last: string, n: number) => `${prefix}: ${first} → ${last} (${n} mục)`,
    notInPeriod: (numbers: string) => `; số không có trong kỳ: ${numbers}`,
    more: (n: number) => ` và ${n} khoảng khác`,
  },
  en: {
    title: 'CUSTOMER FEEDBACK LOG BOOK',
    sheet: 'Customer feedback log book',
    period: (from: string, to: string) => `Period: ${from} – ${to}`,
    fromStart: 'from the start',
    untilNow: 'until now',
    exported: (at: string, zone: string, by: string) => `Exported ${at} (${zone}) by ${by}`,
    stage: (stage: string) => `Stage: ${stage}`,
    onHold: (stage: string) => `On hold (${stage})`,
    disposed: 'Disposed of (retention ended)',
    total: (n: number) => `Total: ${n} entries`,
    empty: 'No entries in this period.',
    series: (prefix: string, first: string, last: string, n: number) => `${prefix}: ${first} → ${last} (${n} entries)`,
    notInPeriod: (numbers: string) => `; numbers not in this period: ${numbers}`,
    more: (n: number) => ` and ${n} more ranges`,
  },
} satisfies Record<ReportLang, unknown>;

/** The entry as a row sees it: the stored line plus what the writer computed. */
export interface FeedbackLogRow {
  no: number;
  entry: FeedbackLogEntry;
  timeliness: Timeliness;
  lang: ReportLang;
}

/** A cell value: text, a number, or an instant (the writer turns instants into wall-clock date-time cells). */
export type CellValue = string | number | Date | null;

export interface FeedbackLogColumn {
  key: string;
  header: Record<ReportLang, string>;
  /** Excel width in characters. */
  width: number;
  type: 'number' | 'text' | 'datetime';
  /** Long text that wraps within the column. */
  wrap?: boolean;
  value(row: FeedbackLogRow): CellValue;
}

const open = (status: Stage) => status !== 'closed' && status !== 'archived';

function statusText(e: FeedbackLogEntry, lang: ReportLang): string {
  // A disposed entry keeps its line and number: the book has no silent gap (PRODUCT.md "Retention").
  if (e.disposedAt) return TEXT[lang].disposed;
  if (e.status === 'on_hold' && e.heldStatus) return TEXT[lang].onHold(WORDS[lang].stage(e.heldStatus));
  return WORDS[lang].stage(e.status);
}

/** The resolution given, or — for a case still open without one — the stage it is at. */
function resultText(e: FeedbackLogEntry, lang: ReportLang): string | null {
  if (e.resolution?.trim()) return e.resolution;
  if (open(e.status)) return TEXT[lang].stage(statusText(e, lang));
  return null;
}

/** The columns, left to right. */
export const FEEDBACK_LOG_COLUMNS: FeedbackLogColumn[] = [
  { key: 'no', header: heading('no'), width: 7, type: 'number', value: (r) => r.no },
  { key: 'reference', header: heading('reference'), width: 17, type: 'text', value: (r) => r.entry.reference },
  { key: 'receivedAt', header: heading('receivedAt'), width: 17, type: 'datetime', value: (r) => r.entry.receivedAt },
  { key: 'channel', header: heading('channel'), width: 16, type: 'text', value: (r) => WORDS[r.lang].channel(r.entry.channel) },
  {
    key: 'customer',
    header: heading('customer'),
    width: 30,
    type: 'text',
    wrap: true,
    value: (r) => `${r.entry.customerCode} – ${r.entry.customerName}`,
  },
  { key: 'subject', header: heading('subject'), width: 45, type: 'text', wrap: true, value: (r) => r.entry.subject },
  { key: 'kind', header: heading('kind'), width: 11, type: 'text', value: (r) => WORDS[r.lang].kind(r.entry.kind) },
  { key: 'category', header: heading('category'), width: 18, type: 'text', value: (r) => WORDS[r.lang].category(r.entry.category) },
  { key: 'severity', header: heading('severity'), width: 13, type: 'text', value: (r) => WORDS[r.lang].severity(r.entry.severity) },
  // The assignee only: an unassigned case shows an empty cell, never the person who logged it.
  { key: 'handler', header: heading('handler'), width: 24, type: 'text', wrap: true, value: (r) => r.entry.handlerName },
  { key: 'status', header: heading('status'), width: 20, type: 'text', wrap: true, value: (r) => statusText(r.entry, r.lang) },
  { key: 'result', header: heading('result'), width: 45, type: 'text', wrap: true, value: (r) => resultText(r.entry, r.lang) },
  { key: 'closedAt', header: heading('closedAt'), width: 17, type: 'datetime', value: (r) => r.entry.closedAt },
  { key: 'onTime', header: heading('onTime'), width: 13, type: 'text', value: (r) => TIMELINESS_LABELS[r.lang][r.timeliness] },
];

/** Excel number format of the date-time cells (shown in the organisation's zone). */
export const DATETIME_FORMAT = 'dd/mm/yyyy hh:mm';

/** `so-theo-doi-phan-hoi_<from>_<to>.xlsx`: ASCII only, safe in any Content-Disposition. */
export const FILENAME = (from: string, to: string) => `so-theo-doi-phan-hoi_${from}_${to}.xlsx`;
export const FILENAME_FROM_START = 'tu-dau';
