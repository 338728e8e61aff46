import { instantOrDate } from '../../lib/dates';
import { z } from '../../lib/zod';
import { documentRoute } from '../../http/openapi';
import { ActionsQuery } from '../../http/schemas/actions';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const FeedbackLogQuery = z
  .object({
    from: instantOrDate.optional().openapi({ description: 'Received at or after; a date means its start in the organisation zone', example: '2026-11-01' }),
    to: instantOrDate.optional().openapi({ description: 'Received at or before; a date means its end in the organisation zone', example: '2026-11-30' }),
    lang: z.enum(['vi', 'en']).optional().openapi({ description: 'Headers and words: Vietnamese (default, the official log book) or an English copy' }),
  })
  .strict();
export type FeedbackLogQueryInput = z.output<typeof FeedbackLogQuery>;

documentRoute({
  method: 'get',
  path: '/api/v1/reports/feedback-log.xlsx',
  summary:
    'The feedback log book (Sổ theo dõi phản hồi khách hàng) as Excel: one row per entry received in the period, in number order (KN then PH, by year and number), streamed (quality, auditor). Audited as report.exported.',
  tags: ['Reports'],
  query: FeedbackLogQuery,
  response: {
    status: 200,
    contentType: XLSX_CONTENT_TYPE,
    schema: z.string().openapi({ format: 'binary' }),
    description: 'The workbook, as an attachment named so-theo-doi-phan-hoi_<from>_<to>.xlsx',
  },
  problems: [403],
});

/** The CAPA register's filters (those of GET /actions, without paging) and the book's language. */
export const CapaRegisterQuery = ActionsQuery.omit({ limit: true, cursor: true }).extend({
  lang: z.enum(['vi', 'en']).optional().openapi({ description: 'Headers and words: Vietnamese (default) or English' }),
});

documentRoute({
  method: 'get',
  path: '/api/v1/reports/capa-register.xlsx',
  summary:
    'The CAPA register as Excel (Vietnamese headers, dates in the organisation zone, overdue rows highlighted), streamed, with the filters of GET /actions: quality, cs_director, auditor every action; a department head their department\'s. Audited as report.exported.',
  tags: ['Reports'],
  query: CapaRegisterQuery,
  response: { status: 200, contentType: XLSX_CONTENT_TYPE, schema: z.string().openapi({ format: 'binary' }), description: 'The workbook, as an attachment named so-theo-doi-capa_<date>.xlsx' },
  problems: [403],
});

/** The retention report's language. */
export const RetentionReportQuery = z
  .object({ lang: z.enum(['vi', 'en']).optional().openapi({ description: 'Headers and words: Vietnamese (default) or English' }) })
  .strict();

for (const [format, contentType] of [['xlsx', XLSX_CONTENT_TYPE], ['pdf', 'application/pdf']] as const) {
  documentRoute({
    method: 'get',
    path: `/api/v1/reports/retention.${format}`,
    summary:
      'The retention report (auditor): every archive in chain order with its reference, retention class, closed at, retention until, legal hold, disposal state and last verification result (no verification is recorded per archive: "not verified"); Vietnamese headers, dates in the organisation zone, streamed. Audited as report.exported.',
    tags: ['Reports'],
    query: RetentionReportQuery,
    response: { status: 200, contentType, schema: z.string().openapi({ format: 'binary' }), description: `The report, as an attachment named bao-cao-luu-tru_<date>.${format}` },
    problems: [403],
  });
}
