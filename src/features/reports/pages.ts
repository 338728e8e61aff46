import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../../config';
import type { FieldError } from '../../lib/errors';
import { pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { requireSignIn } from '../../http/auth';
import { formErrors } from '../../http/pageLocals';
import { authorizeFeedbackLog, feedbackLogExporter } from './api';
import { exportRetentionReport, authorizeRetentionReport } from './retention';
import { FeedbackLogQuery } from './schema';

interface FeedbackLogForm {
  from: string;
  to: string;
  /** The workbook's language; not `lang`, which switches the page's own language. */
  bookLang: string;
}

/** Days of the period the form proposes (today included). */
export const DEFAULT_PERIOD_DAYS = 30;

/** /reports — the reports a signed-in user may generate, starting with the feedback log book. */
export function reportsPages(config: Config): Router {
  const r = Router();
  r.use('/reports', requireSignIn);
  const exportFeedbackLog = feedbackLogExporter(config);

  /**
   * The default period: the last 30 days up to today, in the organisation's zone. A month-to-date
   * default hid last month's entries on the first days of a month.
   */
  const defaultPeriod = () => {
    const today = DateTime.now().setZone(config.timezone);
    return { from: today.minus({ days: DEFAULT_PERIOD_DAYS - 1 }).toISODate()!, to: today.toISODate()! };
  };

  const render = (req: Request, res: Response, values: FeedbackLogForm, errors?: { status: number; message?: string; errors: FieldError[] }) =>
    res.status(errors?.status ?? 200).render('reports/index', {
      title: req.t('reports.title'),
      values,
      defaults: { ...defaultPeriod(), days: DEFAULT_PERIOD_DAYS },
      errors: errors?.errors,
      message: errors?.message,
      retentionReport: req.ability.can('export', 'Archive'),
    });

  r.get('/reports', (req, res) => {
    authorizeFeedbackLog(req);
    render(req, res, { ...defaultPeriod(), bookLang: 'vi' });
  });

  r.get('/reports/feedback-log.xlsx', async (req, res) => {
    authorizeFeedbackLog(req);
    const values = { from: '', to: '', bookLang: 'vi', ...pageQuery(req, ['from', 'to', 'bookLang']) };
    try {
      const query = parse(FeedbackLogQuery, { from: values.from || undefined, to: values.to || undefined, lang: values.bookLang }, req.lang);
      await exportFeedbackLog(req, res, query);
    } catch (err) {
      if (res.headersSent) throw err;
      const shown = formErrors(err, req.t);
      render(req, res, values, shown);
    }
  });

  // The retention report's links on the page (the auditor's): the workbook's language as `bookLang`.
  for (const format of ['xlsx', 'pdf'] as const) {
    r.get(`/reports/retention.${format}`, async (req, res) => {
      authorizeRetentionReport(req);
      await exportRetentionReport(req, res, format, pageQuery(req, ['bookLang']).bookLang === 'en' ? 'en' : 'vi', config.timezone);
    });
  }

  return r;
}
