/**
 * Template of the feedback log book "Sổ theo dõi phản hồi khách hàng" (Excel): its title, its
 * columns in order with their headers, widths and cell kinds. The headers are fixed Vietnamese
 * (PRODUCT.md); `?lang=en` gives an English copy for foreign auditors, whose strings live here
 * too. The words for the codes the entries carry are the UI's (the locale files), never a copy.
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
  };
}
const WORDS: Record<ReportLang, ReturnType<typeof words>> = { vi: words('vi'), en: words('en') };

export const TIMELINESS_LABELS: Words<Timeliness> = {
  vi: { on_time: 'Đúng hạn', late: 'Trễ hạn', in_progress: 'Đang xử lý', overdue: 'Quá hạn' },
  en: { on_time: 'On time', late: 'Late', in_progress: 'In progress', overdue: 'Overdue' },
};

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
  { key: 'no', header: { vi: 'STT', en: 'No.' }, width: 7, type: 'number', value: (r) => r.no },
  { key: 'reference', header: { vi: 'Số tham chiếu', en: 'Reference' }, width: 17, type: 'text', value: (r) => r.entry.reference },
  { key: 'receivedAt', header: { vi: 'Thời điểm tiếp nhận', en: 'Received at' }, width: 17, type: 'datetime', value: (r) => r.entry.receivedAt },
  { key: 'channel', header: { vi: 'Kênh', en: 'Channel' }, width: 16, type: 'text', value: (r) => WORDS[r.lang].channel(r.entry.channel) },
  {
    key: 'customer',
    header: { vi: 'Khách hàng', en: 'Customer' },
    width: 30,
    type: 'text',
    wrap: true,
    value: (r) => `${r.entry.customerCode} – ${r.entry.customerName}`,
  },
  { key: 'subject', header: { vi: 'Nội dung tóm tắt', en: 'Summary' }, width: 45, type: 'text', wrap: true, value: (r) => r.entry.subject },
  { key: 'kind', header: { vi: 'Loại', en: 'Kind' }, width: 11, type: 'text', value: (r) => WORDS[r.lang].kind(r.entry.kind) },
  { key: 'category', header: { vi: 'Phân loại', en: 'Category' }, width: 18, type: 'text', value: (r) => WORDS[r.lang].category(r.entry.category) },
  { key: 'severity', header: { vi: 'Mức độ', en: 'Severity' }, width: 13, type: 'text', value: (r) => WORDS[r.lang].severity(r.entry.severity) },
  // The assignee only: an unassigned case shows an empty cell, never the person who logged it.
  { key: 'handler', header: { vi: 'Người xử lý', en: 'Handler' }, width: 24, type: 'text', wrap: true, value: (r) => r.entry.handlerName },
  { key: 'status', header: { vi: 'Trạng thái', en: 'Status' }, width: 20, type: 'text', wrap: true, value: (r) => statusText(r.entry, r.lang) },
  { key: 'result', header: { vi: 'Kết quả', en: 'Result' }, width: 45, type: 'text', wrap: true, value: (r) => resultText(r.entry, r.lang) },
  { key: 'closedAt', header: { vi: 'Ngày đóng', en: 'Closed at' }, width: 17, type: 'datetime', value: (r) => r.entry.closedAt },
  { key: 'onTime', header: { vi: 'Đúng hạn?', en: 'On time?' }, width: 13, type: 'text', value: (r) => TIMELINESS_LABELS[r.lang][r.timeliness] },
];

/** Excel number format of the date-time cells (shown in the organisation's zone). */
export const DATETIME_FORMAT = 'dd/mm/yyyy hh:mm';

/** `so-theo-doi-phan-hoi_<from>_<to>.xlsx`: ASCII only, safe in any Content-Disposition. */
export const FILENAME = (from: string, to: string) => `so-theo-doi-phan-hoi_${from}_${to}.xlsx`;
export const FILENAME_FROM_START = 'tu-dau';
