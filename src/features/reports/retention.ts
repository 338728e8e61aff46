/**
 * The auditor's retention report (`GET /api/v1/reports/retention.xlsx` and `.pdf`, and the same
 * under /reports for the page's links): every archive in chain order with its reference, class,
 * closed at, retention until, legal hold, disposal state and verification result. Rows come from
 * the database in keyset batches (src/queries/retention.ts `retentionReportBatches`) and are written
 * as they come: exceljs' streaming writer commits each row; the PDF draws each batch. Everything that
 * can refuse the request happens before the first byte; a failure mid-stream destroys the response.
 * Audited as `report.exported` before the file is finished.
 */
import type { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { transaction } from '../../db';
import type { Lang } from '../../lib/i18n';
import { translator } from '../../lib/i18n';
import { logger } from '../../lib/logger';
import * as clock from '../../lib/clock';
import { recordAudit } from '../../models/AuditEvent';
import { authorize } from '../../policies/authorize';
import { retentionPdfDocument, writeRetentionPdf } from '../../pdf/retentionReport';
import { RETENTION_COLUMNS, retentionCells } from '../../presenters/retention';
import { retentionReportBatches, type RetentionReportRow } from '../../queries/retention';
import { ExportAborted, cellText } from './feedbackLog';
import { REGISTER_BORDER, REGISTER_HEADER_ROW, openRegisterBook } from './registerBook';
import { XLSX_CONTENT_TYPE } from './schema';

export const RETENTION_HEADER_ROW = REGISTER_HEADER_ROW;
const WIDTHS: Record<(typeof RETENTION_COLUMNS)[number], number> = { no: 7, reference: 18, retentionClass: 24, closedAt: 14, retentionUntil: 14, legalHold: 34, disposal: 24, verification: 18 };
const border = REGISTER_BORDER;
const HELD_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFFFF2CC' } };

/** Who may export the retention report: the auditor. */
export function authorizeRetentionReport(req: Request): void {
  authorize(req, 'export', 'Archive');
}

interface WriteOptions {
  batches: AsyncIterable<RetentionReportRow[]>;
  lang: Lang;
  zone: string;
  now: Date;
  exportedBy: string;
  beforeFinish?: (rows: number) => Promise<void>;
}

/** Streams the report as an .xlsx into `out`: title, who exported it and when, the header, one row per archive, the total. */
export async function writeRetentionXlsx(out: Writable, options: WriteOptions): Promise<number> {
  const { lang, zone, now } = options;
  const t = translator(lang);
  const at = DateTime.fromJSDate(now, { zone }).toFormat('dd/MM/yyyy HH:mm');
  const { workbook, sheet } = await openRegisterBook(out, {
    sheet: t('retention.report.sheet'),
    columns: RETENTION_COLUMNS.map((key) => ({ key, width: WIDTHS[key], header: t(`retention.report.column.${key}`) })),
    title: t('retention.report.title'),
    exported: t('retention.report.exported', { at, zone, by: options.exportedBy }),
  });

  let rows = 0;
  for await (const batch of options.batches) {
    for (const archive of batch) {
      rows += 1;
      const cells = retentionCells(archive, rows, { t, zone, lang, now });
      const row = sheet.addRow(RETENTION_COLUMNS.map((c) => (c === 'no' ? rows : cellText(cells[c]))));
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.style = { alignment: { vertical: 'top', wrapText: true }, border, ...(archive.legalHold ? { fill: HELD_FILL } : {}) };
      });
      row.commit();
    }
    if (out.destroyed) throw new ExportAborted();
  }
  const footer = sheet.getRow(RETENTION_HEADER_ROW + rows + 2);
  footer.getCell(1).value = t('retention.report.total', { count: rows });
  footer.getCell(1).style = { font: { bold: true } };
  footer.commit();
  sheet.commit();
  await options.beforeFinish?.(rows);
  await workbook.commit();
  return rows;
}

/** Serves the retention report as `format` in `lang` (default Vietnamese), streamed from batches of rows. */
export async function exportRetentionReport(req: Request, res: Response, format: 'xlsx' | 'pdf', lang: Lang, zone: string, batches = retentionReportBatches()): Promise<void> {
  authorizeRetentionReport(req);
  const now = clock.now();
  const iterator = batches[Symbol.asyncIterator]();
  // The first batch is read before anything is sent: a database that is down still gets a clean error.
  const first = await iterator.next();
  const all = async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
  res.status(200);
  res.setHeader('Content-Type', format === 'xlsx' ? XLSX_CONTENT_TYPE : 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="bao-cao-luu-tru_${day}.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
  const audit = (rows: number) => transaction(() => recordAudit({ action: 'report.exported', entityType: 'Report', entityId: 'retention', meta: { format, rows } }));
  res.on('error', (err) => logger.warn('retention report: response error', { requestId: req.requestId, error: String(err) }));
  const options = { batches: all(), lang, zone, now, exportedBy: req.user!.name, beforeFinish: audit };
  try {
    if (format === 'xlsx') {
      await writeRetentionXlsx(res, options);
    } else {
      const doc = retentionPdfDocument(translator(lang));
      doc.pipe(res);
      await writeRetentionPdf(doc, { ...options, t: translator(lang) });
    }
  } catch (err) {
    logger.warn('retention report failed mid-stream', { requestId: req.requestId, error: err instanceof Error ? err.message : String(err) });
    res.destroy();
  }
}
