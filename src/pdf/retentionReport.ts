/**
 * The retention report as a PDF (Vietnamese by default): a title, who printed it and when, then
 * one table row per archive in chain order, drawn batch by batch as the rows arrive (the rows are
 * never all in memory; the pages are, until `finish` numbers them).
 */
import type { Translate } from '../lib/i18n';
import { formatDateTime } from '../lib/dates';
import type { RetentionReportRow } from '../queries/retention';
import { RETENTION_COLUMNS, retentionCells } from '../presenters/retention';
import { createDocument, finish, type Doc } from './document';
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
  }
  if (rows === 0) note(doc, t('retention.report.empty'));
  doc.moveDown(0.5).font('bold').fontSize(10).text(t('retention.report.total', { count: rows }));
  await options.beforeFinish?.(rows);
  finish(doc);
  return rows;
}

export function retentionPdfDocument(t: Translate): Doc {
  return createDocument({
    title: t('retention.report.title'),
    reference: '',
    pageLabel: (n, total) => t('dossier.page', { n, total }),
    info: { Title: t('retention.report.title'), Author: 'Casebook' },
  });
}
