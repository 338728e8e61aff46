import type { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { CAPA_COLUMNS, CAPA_FILENAME, DATE_FORMAT, capaText } from '../../../reports/capa-register';
import type { ReportLang } from '../../../reports/feedback-log';
import { transaction } from '../../db';
import { logger } from '../../lib/logger';
import { recordAudit } from '../../models/AuditEvent';
import type { RegisterScope } from '../../policies/actionReaders';
import type { ActionJson } from '../../presenters/actions';
import { registerBatches, type ActionFilter } from '../../queries/actions';
import { ExportAborted, cellText, wallClockIn } from './feedbackLog';
import { REGISTER_BORDER, REGISTER_HEADER_ROW, openRegisterBook } from './registerBook';
import { XLSX_CONTENT_TYPE } from './schema';
import * as clock from '../../lib/clock';

export const CAPA_HEADER_ROW = REGISTER_HEADER_ROW;
const OVERDUE_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFFDE2E1' } };
const border = REGISTER_BORDER;

/**
 * Streams the CAPA register as an .xlsx into `out` (exceljs' WorkbookWriter, each row committed as
 * written): a title, who exported it and when, the header (Vietnamese by default), one row per
 * action soonest due first, dates as calendar dates in the organisation's zone, overdue rows filled red.
 */
export async function writeCapaRegister(out: Writable, options: { batches: AsyncIterable<ActionJson[]>; lang: ReportLang; zone: string; now: Date; exportedBy: string; beforeFinish?: (rows: number) => Promise<void> }): Promise<number> {
  const { lang, zone, now } = options;
  const text = capaText(lang);
  const { workbook, sheet } = await openRegisterBook(out, {
    sheet: text.sheet,
    columns: CAPA_COLUMNS.map((c) => ({ key: c.key, width: c.width, header: c.header[lang] })),
    title: text.title,
    exported: text.exported(DateTime.fromJSDate(now, { zone }).toFormat('dd/MM/yyyy HH:mm'), zone, options.exportedBy),
  });
  const wallClock = wallClockIn(zone);

  let rows = 0;
  for await (const batch of options.batches) {
    for (const action of batch) {
      rows += 1;
      const values = CAPA_COLUMNS.map((c) => {
        const v = c.value({ no: rows, action, lang });
        if (v === null) return null;
        if (v instanceof Date) return wallClock(v);
        return typeof v === 'string' ? cellText(v) : v;
      });
      const row = sheet.addRow(values);
      CAPA_COLUMNS.forEach((c, i) => {
        row.getCell(i + 1).style = { alignment: { vertical: 'top', wrapText: Boolean(c.wrap) }, border, ...(c.type === 'date' ? { numFmt: DATE_FORMAT } : {}), ...(action.overdue ? { fill: OVERDUE_FILL } : {}) };
      });
      row.commit();
    }
    if (out.destroyed) throw new ExportAborted();
  }
  const footer = sheet.getRow(CAPA_HEADER_ROW + rows + 2);
  footer.getCell(1).value = text.total(rows);
  footer.getCell(1).style = { font: { bold: true } };
  footer.commit();
  sheet.commit();
  await options.beforeFinish?.(rows);
  await workbook.commit();
  return rows;
}

/** `GET /api/v1/reports/capa-register.xlsx`: the register this reader sees, with the page's filters; audited before it finishes. */
export async function exportCapaRegister(req: Request, res: Response, scope: RegisterScope, filter: Omit<ActionFilter, 'limit' | 'cursor'>, lang: ReportLang, zone: string): Promise<void> {
  const now = clock.now();
  const batches = registerBatches(filter, scope, now)[Symbol.asyncIterator]();
  // The first batch is read before anything is sent: a database that is down still gets a clean error.
  const first = await batches.next();
  res.status(200);
  res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${CAPA_FILENAME(DateTime.fromJSDate(now, { zone }).toISODate()!)}"`);
  res.setHeader('Cache-Control', 'no-store');
  const all = async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await batches.next(); !next.done; next = await batches.next()) yield next.value;
  };
  res.on('error', (err) => logger.warn('capa register: response error', { requestId: req.requestId, error: String(err) }));
  try {
    await writeCapaRegister(res, {
      batches: all(),
      lang,
      zone,
      now,
      exportedBy: req.user!.name,
      beforeFinish: (rows) => transaction(() => recordAudit({ action: 'report.exported', entityType: 'Report', entityId: 'capa-register', meta: { ...filter, rows } })),
    });
  } catch (err) {
    logger.warn('capa register export failed mid-stream', { requestId: req.requestId, error: err instanceof Error ? err.message : String(err) });
    res.destroy();
  }
}
