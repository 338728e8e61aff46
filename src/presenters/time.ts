/**
 * How a page says a span of time and a deadline: "45 phút", "3 giờ", "2 ngày"; "còn 3 giờ",
 * "quá hạn 2 ngày". Below the HTTP layer, so every feature (the case page, the home page's
 * tasks, the regulatory panel and queue) words clocks the same way.
 */
import type { Translate } from '../lib/i18n';

const MINUTE = 60_000;

/** A duration in the largest unit that still reads naturally (rounded down, at least a minute). */
export function humanDuration(ms: number, t: Translate): string {
  const minutes = Math.max(1, Math.floor(Math.abs(ms) / MINUTE));
  if (minutes < 60) return t('clock.unit.minute', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('clock.unit.hour', { count: hours });
  return t('clock.unit.day', { count: Math.floor(hours / 24) });
}

/** The time left to a deadline seen from `now`, or how late it is. */
export function dueText(due: Date | string, now: Date, t: Translate): { overdue: boolean; text: string } {
  const delta = new Date(due).getTime() - now.getTime();
  return delta >= 0
    ? { overdue: false, text: t('clock.remaining', { time: humanDuration(delta, t) }) }
    : { overdue: true, text: t('clock.overdue', { time: humanDuration(delta, t) }) };
}
