/**
 * The retention report as a PDF (Vietnamese by default): a title, who printed it and when, then
 * one table row per archive in chain order, drawn batch by batch as the rows arrive. Neither the
 * rows nor the pages are kept: each page is written out when the next one starts (no
 * `bufferPages`), so 100,000 archives (~3,000 pages) print in flat memory. The running header is
 * drawn as each page starts; the page number's total ("Trang 5/3124"), unknown until the last
 * row, is one form XObject that every page draws and that is written once the count is known.
 */
import PDFDocument from 'pdfkit';
import type { Translate } from '../lib/i18n';
import { formatDateTime } from '../lib/dates';
import type { RetentionReportRow } from '../queries/retention';
import { RETENTION_COLUMNS, retentionCells } from '../presenters/retention';
import { registerFonts, type Doc } from './document';
import { note, table } from './layout';

const WIDTHS = [0.045, 0.175, 0.1, 0.15, 0.15, 0.15, 0.13, 0.1];

export interface RetentionPdfOptions {
  batches: AsyncIterable<RetentionReportRow[]>;
  t: Translate;
  lang: string;
  zone: string;
  now: Date;
  exportedBy: string;
  /** Called with the row count before the document ends (the export's audit event). */
  beforeFinish?: (rows: number) => Promise<void>;
}

/**
 * pdfkit keeps the shaped glyphs of every distinct word it ever measured or drew (each font's
 * `layoutCache`, for the life of the document): with a reference, a number and dates per row that is
 * hundreds of megabytes at 100,000 rows. Emptied after each batch, so it holds one batch's words.
 */
function forgetLayouts(doc: Doc): void {
  for (const font of Object.values((doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object }> })._fontFamilies)) {
    if (font.layoutCache) font.layoutCache = Object.create(null) as object;
  }
}

/** Writes the report into a new document (pipe it before calling); resolves with the rows written once it ended. */
export async function writeRetentionPdf(doc: Doc, options: RetentionPdfOptions): Promise<number> {
  const { t, lang, zone, now } = options;
  doc.font('bold').fontSize(14).text(t('retention.report.title'), { align: 'center' });
  doc.moveDown(0.3);
  note(doc, t('retention.report.exported', { at: formatDateTime(now, zone, lang), zone, by: options.exportedBy }));
  const header = RETENTION_COLUMNS.map((c) => t(`retention.report.column.${c}`));
  let rows = 0;
  for await (const batch of options.batches) {
    table(doc, header, batch.map((row) => Object.values(retentionCells(row, ++rows, { t, zone, lang, now }))), WIDTHS);
    forgetLayouts(doc);
  }
  if (rows === 0) note(doc, t('retention.report.empty'));
  doc.moveDown(0.5).font('bold').fontSize(10).text(t('retention.report.total', { count: rows }));
  await options.beforeFinish?.(rows);
  finishStreamed(doc);
  return rows;
}

const MARGIN = 56;
const LABEL_SIZE = 8.5;
/** Stands for the total in the page label's template, which is split there. */
const TOTAL = '\u0000';

interface Running {
  title: string;
  pageLabel: (n: number) => [before: string, after: string];
  pages: number;
  /** The form XObject holding the total (and what follows it in the label), drawn on every page. */
  total: PDFKit.PDFKitReference & { data: Record<string, unknown> };
}

const running = new WeakMap<Doc, Running>();

interface Font {
  id: string;
  ascender: number;
  ref(): unknown;
  encode(text: string): [string[], unknown];
}
type Internals = Doc & { _font: Font; _fontSize: number; _fillColor?: [PDFKit.Mixins.ColorValue, number?]; page: { xobjects: Record<string, unknown> } };

/** The running header and "Trang n/" on the current page, the total drawn from the XObject; the caller's position and style kept. */
function decorate(doc: Doc, r: Running): void {
  const d = doc as Internals;
  // A page can start in the middle of a text (pdfkit's line wrapper): its font, size and colour are put back after.
  const { x, y, _font: font, _fontSize: size, _fillColor: fill } = d;
  const { width, height, margins } = doc.page;
  const bottom = margins.bottom;
  // Writing inside the bottom margin would start a new page: lift the margin while the footer is written.
  doc.page.margins.bottom = 0;
  const inner = width - margins.left - margins.right;
  r.pages += 1;
  doc.font('bold').fontSize(LABEL_SIZE).fillColor('#555555');
  doc.text(r.title, margins.left, MARGIN - 20, { width: inner, lineBreak: false });
  doc.moveTo(margins.left, MARGIN - 6).lineTo(width - margins.right, MARGIN - 6).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.font('regular').fontSize(LABEL_SIZE);
  const [before] = r.pageLabel(r.pages);
  // Centred as if the total had as many digits as this page's number.
  const guess = doc.widthOfString(before) + doc.widthOfString(String(r.pages));
  const left = margins.left + (inner - guess) / 2;
  const top = height - MARGIN + 16;
  doc.text(before, left, top, { lineBreak: false });
  d.page.xobjects.CbTotal = r.total;
  doc.addContent(`q 1 0 0 -1 ${(left + doc.widthOfString(before)).toFixed(3)} ${(top + (d._font.ascender / 1000) * LABEL_SIZE).toFixed(3)} cm /CbTotal Do Q`);
  doc.page.margins.bottom = bottom;
  d._font = font;
  d._fontSize = size;
  if (fill) doc.fillColor(...fill);
  else doc.fillColor('black');
  doc.x = x;
  doc.y = y;
}

/** Writes the total into the XObject every page drew, then ends the document. */
function finishStreamed(doc: Doc): void {
  const r = running.get(doc);
  if (r) {
    const d = doc as Internals;
    doc.font('regular').fontSize(LABEL_SIZE);
    const [, after] = r.pageLabel(r.pages);
    const text = `${r.pages}${after}`;
    const [glyphs] = d._font.encode(text);
    r.total.data.BBox = [0, -LABEL_SIZE, doc.widthOfString(text) + LABEL_SIZE, 2 * LABEL_SIZE];
    r.total.data.Resources = { Font: { [d._font.id]: d._font.ref() } };
    r.total.end(`BT /${d._font.id} ${LABEL_SIZE} Tf 0 0 Td <${glyphs.join('')}> Tj ET`);
  }
  doc.end();
}

export function retentionPdfDocument(t: Translate): Doc {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN + 18, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: false,
    info: { Creator: 'Casebook', Title: t('retention.report.title'), Author: 'Casebook' },
    lang: 'vi-VN',
  } as PDFKit.PDFDocumentOptions);
  registerFonts(doc);
  const total = doc.ref({ Type: 'XObject', Subtype: 'Form' }) as Running['total'];
  const r: Running = {
    title: t('retention.report.title'),
    pageLabel: (n) => {
      const [before, after = ''] = t('dossier.page', { n, total: TOTAL }).split(TOTAL);
      return [before, after];
    },
    pages: 0,
    total,
  };
  running.set(doc, r);
  decorate(doc, r);
  doc.on('pageAdded', () => decorate(doc, r));
  return doc;
}
