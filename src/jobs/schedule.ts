import { DateTime } from 'luxon';
import { parse } from 'node-cron';

/**
 * A job's schedule for people: when it next runs (in the organisation's zone, as node-cron runs
 * it), and, for the usual shapes, the words for it. node-cron parses the pattern (the scheduler's
 * own parser: the same reading); the next run is found here from the clock's now rather than from
 * a node-cron task, which would read the process's time and start a timer.
 */

/** How a pattern reads: a locale key under `jobs.every.` and its values, or null (show the pattern). */
export interface ScheduleWords {
  key: 'minute' | 'minutes' | 'hourly' | 'daily' | 'weekly' | 'monthly';
  values: Record<string, string | number>;
}

const NUMBER = /^\d+$/;
const pad = (n: string) => n.padStart(2, '0');

/** The words for the usual shapes of a five-field pattern (every n minutes, hourly, daily, weekly, monthly). */
export function describeSchedule(pattern: string): ScheduleWords | null {
  const f = pattern.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [min, hour, dom, month, dow] = f;
  if (month !== '*') return null;
  if (hour === '*' && dom === '*' && dow === '*') {
    if (min === '*') return { key: 'minute', values: {} };
    const step = /^\*\/(\d+)$/.exec(min);
    if (step) return { key: 'minutes', values: { count: Number(step[1]) } };
    if (NUMBER.test(min)) return { key: 'hourly', values: { minute: pad(min) } };
    return null;
  }
  if (!NUMBER.test(min) || !NUMBER.test(hour)) return null;
  const time = `${pad(hour)}:${pad(min)}`;
  if (dom === '*' && dow === '*') return { key: 'daily', values: { time } };
  if (dom === '*' && NUMBER.test(dow)) return { key: 'weekly', values: { time, weekday: Number(dow) % 7 } };
  if (dow === '*' && NUMBER.test(dom)) return { key: 'monthly', values: { time, day: Number(dom) } };
  return null;
}

/**
 * The first minute after `after` the pattern matches, in `zone` (cron's day rule: when both the
 * day of month and the day of week are restricted, either matching is enough). Null when nothing
 * matches within a year and a day, or for a pattern node-cron refuses (an impossible date such as 30 February).
 */
export function nextRun(pattern: string, after: Date, zone: string): Date | null {
  let fields: ReturnType<typeof parse>;
  try {
    fields = parse(pattern);
  } catch {
    return null;
  }
  const set = (values: Array<number | string>) => new Set(values.filter((v): v is number => typeof v === 'number'));
  const minutes = set(fields.minute);
  const hours = set(fields.hour);
  const doms = set(fields.dayOfMonth);
  const months = set(fields.month);
  const dows = new Set([...set(fields.dayOfWeek)].map((d) => d % 7));
  const raw = pattern.trim().split(/\s+/);
  const [domField, dowField] = raw.length === 6 ? [raw[3], raw[5]] : [raw[2], raw[4]];
  const domAny = domField === '*';
  const dowAny = dowField === '*';
  const dayMatches = (d: DateTime) => {
    if (!months.has(d.month)) return false;
    const byDom = doms.has(d.day);
    const byDow = dows.has(d.weekday % 7);
    if (domAny && dowAny) return true;
    if (domAny) return byDow;
    if (dowAny) return byDom;
    return byDom || byDow;
  };
  const start = DateTime.fromJSDate(after, { zone }).startOf('minute').plus({ minutes: 1 });
  let day = start.startOf('day');
  for (let i = 0; i < 367; i++, day = day.plus({ days: 1 })) {
    if (!dayMatches(day)) continue;
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const m of [...minutes].sort((a, b) => a - b)) {
        const at = day.set({ hour: h, minute: m });
        // A wall time a DST change skips resolves to another hour: not this pattern's minute.
        if (at.hour !== h || at < start) continue;
        return at.toJSDate();
      }
    }
  }
  return null;
}
