import { DateTime } from 'luxon';
import { z } from './zod';

/** `YYYY-MM-DD` that exists on the calendar (2026-02-30 does not). */
export const isoDate = z.string().date();

/** An instant with an explicit offset, or a calendar date read in the organisation's zone. */
export const instantOrDate = z.union([z.string().datetime({ offset: true }), isoDate]);

/** Start (or end) of a filter bound: a date means its first (or last) millisecond in `zone`. */
export function boundToInstant(value: string, zone: string, edge: 'start' | 'end'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone });
    return (edge === 'start' ? day.startOf('day') : day.endOf('day')).toJSDate();
  }
  return new Date(value);
}

/** "23/11/2026 14:05" (vi) or "23 Nov 2026, 14:05" (en) in the organisation's zone. */
export function formatDateTime(value: Date | string | null | undefined, zone: string, lang: string): string {
  if (!value) return '';
  const dt = DateTime.fromJSDate(value instanceof Date ? value : new Date(value), { zone }).setLocale(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return lang === 'vi' ? dt.toFormat('dd/MM/yyyy HH:mm') : dt.toFormat('d LLL yyyy, HH:mm');
}

export function formatDate(value: Date | string | null | undefined, zone: string, lang: string): string {
  if (!value) return '';
  const dt = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? DateTime.fromISO(value, { zone })
    : DateTime.fromJSDate(value instanceof Date ? value : new Date(value), { zone });
  return lang === 'vi' ? dt.toFormat('dd/MM/yyyy') : dt.setLocale('en-GB').toFormat('d LLL yyyy');
}
