import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import {
  DATETIME_FORMAT,
  FEEDBACK_LOG_COLUMNS,
  TEXT,
  type CellValue,
  type ReportLang,
  type Timeliness,
} from '../../../reports/feedback-log';
import { REFERENCE_PREFIX } from '../../domain/entries';
import type { FeedbackLogEntry } from '../../queries/feedbackLog';

/** Rows above the table: the title, then the period and who exported it; the header is row 3. */
export const TITLE_ROW = 1;
export const PERIOD_ROW = 2;
export const HEADER_ROW = 3;

/** Excel refuses a cell longer than this. */
const MAX_CELL_CHARS = 32_767;
/** Ranges of missing numbers listed per series in the footer before "and n more". */
const MAX_GAPS_LISTED = 20;

/**
 * The 20-day resolution limit (PRODUCT.md "Deadlines"): met when the customer was given the
 * resolution (`resolvedAt`, set when the case first enters follow_up, disputed or closed) by
 * `dueResolutionAt`. An entry not resolved yet is "in progress" until the limit passes, then
 * "overdue". Holds never pause this limit. A finished entry without `resolvedAt` (not produced by
 * the workflow) is judged by its closing time.
 */
export function resolutionTimeliness(e: Pick<FeedbackLogEntry, 'resolvedAt' | 'closedAt' | 'dueResolutionAt'>, now: Date): Timeliness {
  const met = e.resolvedAt ?? e.closedAt;
  if (met) return met.getTime() <= e.dueResolutionAt.getTime() ? 'on_time' : 'late';
  return now.getTime() > e.dueResolutionAt.getTime() ? 'overdue' : 'in_progress';
}

/**
 * Excel date-times have no zone: the cell must hold the wall-clock time of the organisation's
 * zone. exceljs reads a Date's UTC fields, so the instant is shifted by the zone's offset at it.
 */
export function toWallClock(instant: Date, zone: string): Date {
  const offsetMinutes = DateTime.fromJSDate(instant, { zone }).offset;
  return new Date(instant.getTime() + offsetMinutes * 60_000);
}

const DAY_MS = 86_400_000;

/**
 * `toWallClock` for many instants: asking the zone's offset costs an Intl call, so offsets are
 * remembered per UTC day — only for a day whose first and last millisecond share one offset
 * (a day with a daylight-saving change is computed instant by instant).
 */
export function wallClockIn(zone: string): (instant: Date) => Date {
  const offsets = new Map<number, number | null>();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  return (instant) => {
    const ms = instant.getTime();
    const day = Math.floor(ms / DAY_MS);
    let offset = offsets.get(day);
    if (offset === undefined) {
      if (offsets.size > 4096) offsets.clear();
      const start = offsetAt(day * DAY_MS);
      offset = start === offsetAt(day * DAY_MS + DAY_MS - 1) ? start : null;
      offsets.set(day, offset);
    }
    return new Date(ms + (offset ?? offsetAt(ms)) * 60_000);
  };
}

/**
 * Text as Excel can store it: NFC (Vietnamese composed, as typed on a Vietnamese keyboard),
 * without the characters XML 1.0 forbids (exceljs drops control characters but not lone
 * surrogates), and no longer than a cell may be.
 */
export function cellText(value: string): string {
  const clean = value
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing the control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  if (clean.length <= MAX_CELL_CHARS) return clean;
  // Do not cut a surrogate pair in two.
  let cut = MAX_CELL_CHARS - 1;
  if (/[\uD800-\uDBFF]/.test(clean[cut - 1])) cut -= 1;
  return `${clean.slice(0, cut)}…`;
}

/** First and last number of one (kind, year) series and the numbers missing between them in the export. */
class Series {
  first: number;
  last: number;
  count = 1;
  gaps: Array<[number, number]> = [];
  moreGaps = 0;

  constructor(
    readonly prefix: string,
    n: number,
  ) {
    this.first = n;
    this.last = n;
  }

  add(n: number): void {
    if (n > this.last + 1) {
      if (this.gaps.length < MAX_GAPS_LISTED) this.gaps.push([this.last + 1, n - 1]);
      else this.moreGaps += 1;
    }
    this.last = n;
    this.count += 1;
  }

  describe(lang: ReportLang): string {
    const pad = (n: number) => String(n).padStart(6, '0');
    const t = TEXT[lang];
    let text = t.series(this.prefix, pad(this.first), pad(this.last), this.count);
    if (this.gaps.length) {
      text += t.notInPeriod(this.gaps.map(([a, b]) => (a === b ? pad(a) : `${pad(a)}–${pad(b)}`)).join(', '));
      if (this.moreGaps) text += t.more(this.moreGaps);
    }
    return text;
  }
}

export interface FeedbackLogOptions {
  /** The entries in number order, a batch at a time. */
  entries: AsyncIterable<FeedbackLogEntry[]>;
  lang: ReportLang;
  zone: string;
  /** The moment of the export: what "overdue" is judged against. */
  now: Date;
  /** The period as the reader should see it (null: open-ended). */
  periodFrom: string | null;
  periodTo: string | null;
  exportedBy: string;
  /** Counts the rows written so far (read it after a failure to know how far the export got). */
  progress?: { rows: number };
  /**
   * Runs after the last row, before the file is finished. If it throws, the workbook is never
   * completed: the caller destroys the stream and the download is visibly truncated.
   */
  beforeFinish?: (rows: number) => Promise<void>;
}

/** Thrown when the receiving stream went away (the client disconnected) mid-export. */
export class ExportAborted extends Error {
  constructor() {
    super('The receiver of the export went away.');
    this.name = 'ExportAborted';
  }
}

/** A stream of Node's or of the `readable-stream` package (which archiver uses): what pacing needs of it. */
interface Sink {
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
  destroyed?: boolean;
  writableNeedDrain?: boolean;
  _writableState?: { needDrain?: boolean };
}

const needsDrain = (s: Sink) => !s.destroyed && (s.writableNeedDrain ?? s._writableState?.needDrain ?? false);

/** Resolves once `stream` takes more data (or is gone). */
async function drained(stream: Sink): Promise<void> {
  if (!needsDrain(stream)) return;
  await new Promise<void>((resolve) => {
    const events = ['drain', 'close', 'error', 'finish'];
    const done = () => {
      for (const e of events) stream.removeListener(e, done);
      resolve();
    };
    for (const e of events) stream.on(e, done);
  });
}

/**
 * The stream exceljs feeds a sheet's XML into (archiver's entry stream, in front of the
 * compression). exceljs' own buffer writes into it without heeding its backpressure, so when
 * compression or the client is slower than the database the XML would pile up there; waiting
 * for it to drain paces the reads instead. (exceljs 4 internals, read defensively: without them
 * only `out` paces the export.)
 */
function sheetSinks(sheet: ExcelJS.Worksheet): Sink[] {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes)) return [];
  return pipes.filter((p): p is Sink => typeof (p as Sink | null)?.on === 'function' && typeof (p as Sink).removeListener === 'function');
}

/** Waits until the whole pipeline takes more data, so memory holds about one batch whatever the row count. */
async function paced(out: Writable, sheet: ExcelJS.Worksheet): Promise<void> {
  if (out.destroyed) throw new ExportAborted();
  for (const sink of sheetSinks(sheet)) await drained(sink);
  await drained(out);
  if (out.destroyed) throw new ExportAborted();
}

const thin = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
const border = { top: thin, left: thin, bottom: thin, right: thin };

/**
 * Streams the feedback log book as an .xlsx into `out` with exceljs' WorkbookWriter: every row
 * is committed (serialised and released) as soon as it is written, so memory holds one batch of
 * entries whatever the number of rows. One sheet, in number order: complaints (KN) then
 * feedback (PH), each by year and number, so a gap in a series shows at a glance; the footer
 * states each series' first and last number, its count and any numbers not in the period.
 *
 * Resolves with the number of rows once the file is complete. On failure it rejects and leaves
 * `out` unfinished: the caller must destroy it.
 */
export async function writeFeedbackLog(out: Writable, options: FeedbackLogOptions): Promise<number> {
  const { lang, zone, now } = options;
  const t = TEXT[lang];
  const progress = options.progress ?? { rows: 0 };
  const columns = FEEDBACK_LOG_COLUMNS;
  const width = columns.length;

  // Loaded on first export, not at start-up: exceljs and its zip libraries take ~0.5 s to load,
  // which every process (and every test file) would otherwise pay without ever exporting.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Casebook';
  workbook.created = now;
  workbook.modified = now;
  // Sheet views and page properties go out with the sheet's opening XML: they must be given here.
  const sheet = workbook.addWorksheet(t.sheet.slice(0, 31), {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROW, topLeftCell: `C${HEADER_ROW + 1}`, activeCell: `C${HEADER_ROW + 1}` }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  // One style object per column, shared by all its data cells: exceljs recognises a style object
  // it has seen and skips re-serialising it, which is most of the cost of a row.
  const cellStyles: Array<Partial<ExcelJS.Style>> = columns.map((c) => ({
    alignment: { vertical: 'top', wrapText: Boolean(c.wrap) },
    border,
    ...(c.type === 'datetime' ? { numFmt: DATETIME_FORMAT } : {}),
  }));
  sheet.columns = columns.map((c, i) => ({ key: c.key, width: c.width, style: { alignment: cellStyles[i].alignment, numFmt: cellStyles[i].numFmt } }));
  const wallClock = wallClockIn(zone);

  const title = sheet.addRow([t.title]);
  title.getCell(1).style = { font: { bold: true, size: 14 }, alignment: { vertical: 'middle', horizontal: 'center' } };
  title.height = 24;
  sheet.mergeCells(TITLE_ROW, 1, TITLE_ROW, width);
  title.commit();

  const at = DateTime.fromJSDate(now, { zone }).toFormat('dd/MM/yyyy HH:mm');
  const period = `${t.period(options.periodFrom ?? t.fromStart, options.periodTo ?? t.untilNow)} · ${t.exported(at, zone, options.exportedBy)}`;
  const periodRow = sheet.addRow([cellText(period)]);
  periodRow.getCell(1).style = { font: { italic: true }, alignment: { vertical: 'middle', horizontal: 'center' } };
  sheet.mergeCells(PERIOD_ROW, 1, PERIOD_ROW, width);
  periodRow.commit();

  const header = sheet.addRow(columns.map((c) => c.header[lang]));
  header.height = 30;
  header.eachCell((cell) => {
    cell.style = {
      font: { bold: true },
      alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
      border,
    };
  });
  header.commit();

  const series: Series[] = [];
  for await (const batch of options.entries) {
    for (const entry of batch) {
      const no = progress.rows + 1;
      const row = { no, entry, timeliness: resolutionTimeliness(entry, now), lang };
      const values = columns.map((c): CellValue => {
        const v = c.value(row);
        if (v === null || v === undefined) return null;
        if (v instanceof Date) return wallClock(v);
        return typeof v === 'string' ? cellText(v) : v;
      });
      const added = sheet.addRow(values);
      for (let i = 0; i < width; i++) added.getCell(i + 1).style = cellStyles[i];
      added.commit();
      progress.rows = no;

      const prefix = `${REFERENCE_PREFIX[entry.kind]}-${entry.refYear}`;
      const current = series[series.length - 1];
      if (current?.prefix === prefix) current.add(entry.refNumber);
      else series.push(new Series(prefix, entry.refNumber));
    }
    await paced(out, sheet);
  }

  const lastDataRow = HEADER_ROW + progress.rows;
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: lastDataRow, column: width } };

  // The footer, one blank row below the table (outside the filter range).
  const footer = [progress.rows ? t.total(progress.rows) : t.empty, ...series.map((s) => s.describe(lang))];
  let footerRow = lastDataRow + 2;
  for (const text of footer) {
    const row = sheet.getRow(footerRow);
    row.getCell(1).value = cellText(text);
    row.getCell(1).style = { font: { bold: footerRow === lastDataRow + 2 }, alignment: { vertical: 'top', wrapText: false } };
    sheet.mergeCells(footerRow, 1, footerRow, width);
    row.commit();
    footerRow += 1;
  }

  sheet.commit();
  await options.beforeFinish?.(progress.rows);
  if (out.destroyed) throw new ExportAborted();
  // exceljs waits for `out` to finish; a client gone by then would leave it waiting forever.
  const gone = new Promise<never>((_resolve, reject) => {
    out.once('close', () => {
      if (!out.writableFinished) reject(new ExportAborted());
    });
  });
  gone.catch(() => undefined);
  await Promise.race([workbook.commit(), gone]);
  return progress.rows;
}
