import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import { FILENAME, FILENAME_FROM_START, type ReportLang } from '../../../reports/feedback-log';
import { transaction } from '../../db';
import { boundToInstant, formatDate, formatDateTime } from '../../lib/dates';
import { fieldError, validationFailed } from '../../lib/errors';
import { logger } from '../../lib/logger';
import { parse } from '../../lib/validate';
import { recordAudit } from '../../models/AuditEvent';
import { authorize } from '../../policies/authorize';
import { feedbackLogBatches, type FeedbackLogEntry, type FeedbackLogRange } from '../../queries/feedbackLog';
import { ExportAborted, writeFeedbackLog } from './feedbackLog';
import { exportCapaRegister } from './capaRegister';
import { authorizeRetentionReport, exportRetentionReport } from './retention';
import { authorizeRegister } from '../../policies/actionReaders';
import { registerFilter } from '../../queries/actions';
import { CapaRegisterQuery, FeedbackLogQuery, RetentionReportQuery, XLSX_CONTENT_TYPE, type FeedbackLogQueryInput } from './schema';
import * as clock from '../../lib/clock';

/** Where the report rows come from; tests replace it to make a database fail mid-stream. */
export interface ReportsSources {
  feedbackLog(range: FeedbackLogRange): AsyncIterable<FeedbackLogEntry[]>;
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A bound as the reader sees it: the date given, or the instant in the organisation's zone. */
function periodText(value: string | undefined, instant: Date | undefined, zone: string, lang: ReportLang): string | null {
  if (!value || !instant) return null;
  return isDate(value) ? formatDate(value, zone, lang) : formatDateTime(instant, zone, lang);
}

/** A bound in the file name: always YYYY-MM-DD (an instant gives its date in the organisation's zone). */
function fileDate(value: string | undefined, instant: Date | undefined, zone: string): string | null {
  if (!value || !instant) return null;
  return isDate(value) ? value : DateTime.fromJSDate(instant, { zone }).toISODate();
}

/** Who may export the feedback log book: report exporters who also read every case (it shows case content). */
export function authorizeFeedbackLog(req: Request): void {
  authorize(req, 'export', 'Report');
  authorize(req, 'read', 'Complaint');
}

/**
 * Streams the feedback log book for `query` (already checked against FeedbackLogQuery). Used by the
 * API and by the reports page. Everything that can refuse the request (the period, a database that
 * is down) happens before the first byte and throws; once the workbook streams, the status line is
 * gone. A failure mid-stream destroys the response, so a truncated download never looks complete;
 * the audit event is written before the file is finished, so a complete file always has its event.
 */
export function feedbackLogExporter(config: Config, sources: Partial<ReportsSources> = {}) {
  const zone = config.timezone;
  const feedbackLog = sources.feedbackLog ?? ((range: FeedbackLogRange) => feedbackLogBatches(range));
  return async (req: Request, res: Response, q: FeedbackLogQueryInput): Promise<void> => {
    const from = q.from ? boundToInstant(q.from, zone, 'start') : undefined;
    const to = q.to ? boundToInstant(q.to, zone, 'end') : undefined;
    if (from && to && from.getTime() > to.getTime()) throw validationFailed([fieldError('from', 'errors.fromAfterTo')]);
    // The first batch is read before anything is sent: a database that is down still gets a clean 503.
    const batches = feedbackLog({ from, to })[Symbol.asyncIterator]();
    const first = await batches.next();
    const lang: ReportLang = q.lang ?? 'vi';
    const now = clock.now();
    const filename = FILENAME(
      fileDate(q.from, from, zone) ?? FILENAME_FROM_START,
      fileDate(q.to, to, zone) ?? DateTime.fromJSDate(now, { zone }).toISODate()!,
    );

    res.status(200);
    res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') {
      await batches.return?.(undefined);
      res.end();
      return;
    }
    const entries = async function* () {
      if (first.done) return;
      yield first.value;
      for (let next = await batches.next(); !next.done; next = await batches.next()) yield next.value;
    };

    const meta = { from: q.from ?? null, to: q.to ?? null };
    let audited = false;
    const audit = async (rows: number, extra: Record<string, unknown> = {}) => {
      await transaction(() => recordAudit({ action: 'report.exported', entityType: 'Report', entityId: 'feedback-log', meta: { ...meta, rows, ...extra } }));
      audited = true;
    };
    const progress = { rows: 0 };
    // A socket error must not become an unhandled 'error' event while the workbook is still writing.
    res.on('error', (err) => logger.warn('feedback log: response error', { requestId: req.requestId, error: String(err) }));
    try {
      await writeFeedbackLog(res, {
        entries: entries(),
        lang,
        zone,
        now,
        periodFrom: periodText(q.from, from, zone, lang),
        periodTo: periodText(q.to, to, zone, lang),
        exportedBy: req.user!.name,
        progress,
        beforeFinish: (rows) => audit(rows),
      });
    } catch (err) {
      if (err instanceof ExportAborted) logger.warn('feedback log: the client went away mid-export', { requestId: req.requestId, rows: progress.rows });
      else logger.error('feedback log export failed mid-stream', { requestId: req.requestId, rows: progress.rows, error: err instanceof Error ? err.stack : String(err) });
      // Never end() here (the error handler would): a cleanly ended chunked body looks complete.
      res.destroy();
      // Rows may have reached the client: the sensitive read is still recorded, marked incomplete.
      if (!audited && progress.rows > 0) {
        await audit(progress.rows, { incomplete: true }).catch((auditErr: unknown) =>
          logger.error('could not audit an incomplete feedback log export', { requestId: req.requestId, error: String(auditErr) }),
        );
      }
    }
  };
}

/** /api/v1/reports/* — generated reports (the feedback log book first). */
export function reportsApi(config: Config, sources: Partial<ReportsSources> = {}): Router {
  const r = Router();
  const exportFeedbackLog = feedbackLogExporter(config, sources);
  r.get('/reports/feedback-log.xlsx', async (req, res) => {
    authorizeFeedbackLog(req);
    await exportFeedbackLog(req, res, parse(FeedbackLogQuery, req.query));
  });
  // The CAPA register (src/features/reports/capaRegister.ts): the part of it this reader sees, with the register page's filters.
  r.get('/reports/capa-register.xlsx', async (req, res) => {
    const scope = authorizeRegister(req);
    const { lang, ...q } = parse(CapaRegisterQuery, req.query);
    await exportCapaRegister(req, res, scope, await registerFilter(q), lang ?? 'vi', config.timezone);
  });
  // The auditor's retention report (src/features/reports/retention.ts), as Excel or PDF.
  for (const format of ['xlsx', 'pdf'] as const) {
    r.get(`/reports/retention.${format}`, async (req, res) => {
      authorizeRetentionReport(req);
      const { lang } = parse(RetentionReportQuery, req.query);
      await exportRetentionReport(req, res, format, lang ?? 'vi', config.timezone);
    });
  }
  return r;
}
