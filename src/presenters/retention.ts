/**
 * The retention report's columns (PRODUCT.md "Archive, retention and the audit trail"), shared by
 * its Excel and PDF forms: reference, class, closed at, retention until, legal hold, disposal
 * state and verification result — Vietnamese by default, dates in the organisation's zone.
 */
import { formatDate } from '../lib/dates';
import type { Translate } from '../lib/i18n';
import type { RetentionReportRow } from '../queries/retention';

export const RETENTION_COLUMNS = ['no', 'reference', 'retentionClass', 'closedAt', 'retentionUntil', 'legalHold', 'disposal', 'verification'] as const;
export type RetentionColumn = (typeof RETENTION_COLUMNS)[number];

/** A class's name: its own label when the locale has one, else its key. */
export function retentionClassLabel(key: string, t: Translate): string {
  const label = t(`retention.class.${key}`);
  return label === `retention.class.${key}` ? key : label;
}

/** Where an archive stands: disposed (when), due for review, or kept. */
export function disposalState(row: Pick<RetentionReportRow, 'disposedAt' | 'retentionUntil' | 'legalHold'>, now: Date): 'disposed' | 'held' | 'due' | 'kept' {
  if (row.disposedAt) return 'disposed';
  if (row.retentionUntil.getTime() > now.getTime()) return 'kept';
  return row.legalHold ? 'held' : 'due';
}

/** One report row as text cells (the dates as calendar dates in `zone`). */
export function retentionCells(row: RetentionReportRow, no: number, options: { t: Translate; zone: string; lang: string; now: Date }): Record<RetentionColumn, string> {
  const { t, zone, lang, now } = options;
  const state = disposalState(row, now);
  return {
    no: String(no),
    reference: row.reference,
    retentionClass: retentionClassLabel(row.retentionClass, t),
    closedAt: formatDate(row.closedAt, zone, lang),
    retentionUntil: formatDate(row.retentionUntil, zone, lang),
    legalHold: row.legalHold ? t('retention.report.held', { reason: row.legalHoldReason ?? '' }) : t('retention.report.notHeld'),
    disposal: state === 'disposed' ? t('retention.state.disposedOn', { date: formatDate(row.disposedAt, zone, lang) }) : t(`retention.state.${state}`),
    verification: row.verification ? t(`retention.verification.${row.verification}`) : t('retention.verification.none'),
  };
}
