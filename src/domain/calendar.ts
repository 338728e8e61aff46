/**
 * Pure deadline arithmetic: calendar-day limits, working-day limits, business-hour durations,
 * exact durations and stage clocks that pause while a case is on hold.
 *
 * Instants are JS `Date`s; everything that depends on "which day is it" is computed in an explicit
 * IANA zone with luxon, never in the process's zone, so the same case gets the same deadline on
 * any server. Local calendar dates travel as `YYYY-MM-DD` strings.
 */
import { DateTime } from 'luxon';
import { type HolidayCalendar, parseIsoDate } from './holidays';

const MINUTE_MS = 60_000;
// A holiday table could in principle close every day for years; after this many consecutive
// non-working days we assume the calendar is broken rather than loop forever.
const MAX_CLOSED_RUN_DAYS = 3660;

/** Opening hours of one working day as local `HH:mm` wall-clock times, `start` before `end`. */
export interface BusinessHours {
  readonly start: string;
  readonly end: string;
}

/** 08:00–17:00 local, the office day the stage SLAs in business hours are counted against. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({ start: '08:00', end: '17:00' });

function zoned(instant: Date, zone: string): DateTime {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('Expected a valid Date');
  }
  const local = DateTime.fromJSDate(instant, { zone });
  // luxon reports an unknown zone as an invalid DateTime rather than throwing; a typo in the
  // organisation's zone must not quietly turn into wrong deadlines.
  if (!local.isValid) throw new RangeError(`Unknown time zone ${JSON.stringify(zone)}: ${local.invalidExplanation}`);
  return local;
}

function localDay(isoDate: string, zone: string): DateTime {
  const date = parseIsoDate(isoDate);
  const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone });
  if (!local.isValid) throw new RangeError(`Unknown time zone ${JSON.stringify(zone)}: ${local.invalidExplanation}`);
  return local;
}

function assertWholeDays(days: number): void {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Day counts are whole and non-negative, got ${days}`);
}

function toMs(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`Durations are finite and non-negative, got ${minutes} minutes`);
  }
  return Math.round(minutes * MINUTE_MS);
}

/** The local calendar date (`YYYY-MM-DD`) of `instant` in `zone`. */
export function toLocalIsoDate(instant: Date, zone: string): string {
  return zoned(instant, zone).toISODate() as string;
}

/**
 * Results of the date-only arithmetic below depend on nothing but their arguments (a calendar is
 * frozen), and intake asks the same few dates all day long; each luxon walk costs ~0.1 ms per day
 * walked. The memo is bounded: it is simply emptied when it grows past MEMO_LIMIT.
 */
const MEMO_LIMIT = 10_000;
function memo<K, V>(cache: Map<K, V>, key: K, compute: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (cache.size >= MEMO_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}
const endOfDayMs = new Map<string, number>();
const workingDayMemo = new WeakMap<HolidayCalendar, Map<string, string>>();

/** The last millisecond (23:59:59.999 local) of the local date `isoDate` in `zone`. */
export function endOfLocalDay(isoDate: string, zone: string): Date {
  return new Date(memo(endOfDayMs, `${zone} ${isoDate}`, () => localDay(isoDate, zone).endOf('day').toMillis()));
}

/**
 * A calendar-day limit counted from an instant: the end (23:59:59.999 in `zone`) of the local date
 * of `from` plus `days` days. The date is taken in `zone`, not UTC, because a complaint received
 * at 03:00 Hà Nội time belongs to that Hà Nội day even though it is still "yesterday" in UTC.
 * `days = 0` means the end of the day of receipt.
 * @example endOfCalendarDays(new Date('2026-11-02T10:00:00+07:00'), 20, 'Asia/Ho_Chi_Minh')
 *   // → 2026-11-22T23:59:59.999+07:00
 */
export function endOfCalendarDays(from: Date, days: number, zone: string): Date {
  assertWholeDays(days);
  return endOfCalendarDaysFromDate(toLocalIsoDate(from, zone), days, zone);
}

/**
 * A calendar-day limit counted from a date without a time, such as an incident date for a filing
 * window: the end (23:59:59.999 in `zone`) of `isoDate` plus `days` days.
 * @example endOfCalendarDaysFromDate('2026-08-01', 90, 'Asia/Ho_Chi_Minh') // → 2026-10-30T23:59:59.999+07:00
 */
export function endOfCalendarDaysFromDate(isoDate: string, days: number, zone: string): Date {
  assertWholeDays(days);
  // Adding days to the local date (not 24-hour blocks) keeps the limit on the right wall-clock
  // day across DST changes in zones that have them.
  return new Date(memo(endOfDayMs, `${zone} ${isoDate} +${days}`, () => localDay(isoDate, zone).plus({ days }).endOf('day').toMillis()));
}

/**
 * Whether the local date `isoDate` is a working day in `calendar`: a make-up working day (ngày làm
 * bù, e.g. a Saturday worked in exchange for a weekday given off), or neither a weekly rest day
 * nor a holiday. Every working-day limit and business-hour clock asks this, so a make-up Saturday
 * counts in them like any weekday.
 */
export function isWorkingDay(isoDate: string, calendar: HolidayCalendar): boolean {
  const weekday = parseIsoDate(isoDate).weekday;
  if (calendar.workingDays?.has(isoDate)) return true;
  return !calendar.weekend.has(weekday) && !calendar.holidays.has(isoDate);
}

/** The first working day strictly after the local date `isoDate`. */
export function nextWorkingDay(isoDate: string, calendar: HolidayCalendar): string {
  let day = parseIsoDate(isoDate);
  for (let i = 0; i < MAX_CLOSED_RUN_DAYS; i++) {
    day = day.plus({ days: 1 });
    const candidate = day.toISODate() as string;
    if (isWorkingDay(candidate, calendar)) return candidate;
  }
  throw new RangeError(`No working day within ${MAX_CLOSED_RUN_DAYS} days after ${isoDate}; check the holiday calendar`);
}

/**
 * The local date of the `days`-th working day after `isoDate`. Counting starts on the next day
 * (Civil Code 2015 Art. 147: a period in days starts the day after the triggering event), so the
 * starting date itself never counts, working day or not. `days = 0` returns `isoDate` unchanged.
 */
export function addWorkingDays(isoDate: string, days: number, calendar: HolidayCalendar): string {
  assertWholeDays(days);
  let cache = workingDayMemo.get(calendar);
  if (!cache) workingDayMemo.set(calendar, (cache = new Map()));
  return memo(cache, `${isoDate} ${days}`, () => {
    parseIsoDate(isoDate);
    let day = isoDate;
    for (let counted = 0; counted < days; counted++) day = nextWorkingDay(day, calendar);
    return day;
  });
}

/**
 * A working-day limit (e.g. Law 19/2023/QH15 Art. 57: start negotiating within 7 working days):
 * the end (23:59:59.999 in `zone`) of the `days`-th working day after the local date of `from`.
 * Weekly rest days and holidays of `calendar` are skipped; its make-up working days count. A
 * request received on a Saturday or a holiday is counted exactly like one received on a working
 * day: from the next working day.
 * `days = 0` means the end of the day of receipt.
 */
export function endOfWorkingDays(from: Date, days: number, zone: string, calendar: HolidayCalendar): Date {
  return endOfLocalDay(addWorkingDays(toLocalIsoDate(from, zone), days, calendar), zone);
}

interface OpeningWindow {
  readonly open: number;
  readonly close: number;
}

function parseHours(hours: BusinessHours): { start: [number, number]; end: [number, number] } {
  const clock = (value: string): [number, number] => {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (match === null) throw new RangeError(`Business hours are HH:mm, got ${JSON.stringify(value)}`);
    return [Number(match[1]), Number(match[2])];
  };
  const start = clock(hours.start);
  const end = clock(hours.end);
  if (start[0] * 60 + start[1] >= end[0] * 60 + end[1]) {
    throw new RangeError(`Business hours must open before they close: ${hours.start}–${hours.end}`);
  }
  return { start, end };
}

function windowOf(isoDate: string, zone: string, hours: ReturnType<typeof parseHours>): OpeningWindow {
  const day = localDay(isoDate, zone);
  // Built from wall-clock parts by luxon, so opening hours stay 08:00 local on DST-change days.
  const at = ([hour, minute]: [number, number]): number => day.set({ hour, minute }).toMillis();
  return { open: at(hours.start), close: at(hours.end) };
}

/** Adds `ms` of business time to the instant `fromMs`; the engine behind addBusinessMinutes. */
function addBusinessMs(fromMs: number, ms: number, zone: string, calendar: HolidayCalendar, hours: BusinessHours): number {
  const parsed = parseHours(hours);
  let remaining = ms;
  let cursor = fromMs;
  let day = toLocalIsoDate(new Date(fromMs), zone);
  if (!isWorkingDay(day, calendar)) day = nextWorkingDay(day, calendar);
  for (;;) {
    const { open, close } = windowOf(day, zone, parsed);
    const start = Math.max(cursor, open);
    // At closing time exactly the office is shut, so the clock resumes at the next opening.
    if (start < close) {
      if (remaining <= close - start) return start + remaining;
      remaining -= close - start;
    }
    day = nextWorkingDay(day, calendar);
    cursor = Number.NEGATIVE_INFINITY;
  }
}

/** Business time (ms) inside [fromMs, toMs): the overlap with the opening hours of working days. */
function businessMsBetween(fromMs: number, toMs: number, zone: string, calendar: HolidayCalendar, hours: BusinessHours): number {
  if (toMs <= fromMs) return 0;
  const parsed = parseHours(hours);
  const last = toLocalIsoDate(new Date(toMs), zone);
  let total = 0;
  for (let day = toLocalIsoDate(new Date(fromMs), zone); day <= last; day = parseIsoDate(day).plus({ days: 1 }).toISODate() as string) {
    if (!isWorkingDay(day, calendar)) continue;
    const { open, close } = windowOf(day, zone, parsed);
    total += Math.max(0, Math.min(close, toMs) - Math.max(open, fromMs));
  }
  return total;
}

/**
 * Adds `minutes` of business time: only the opening `hours` (default 08:00–17:00 local) of working
 * days in `calendar` count. Starting outside opening hours, the clock starts at the next opening;
 * a duration that runs out exactly at closing time ends at closing time, not the next morning.
 * `minutes = 0` returns `from` during opening hours and the next opening otherwise.
 */
export function addBusinessMinutes(
  from: Date,
  minutes: number,
  zone: string,
  calendar: HolidayCalendar,
  hours: BusinessHours = DEFAULT_BUSINESS_HOURS,
): Date {
  zoned(from, zone);
  return new Date(addBusinessMs(from.getTime(), toMs(minutes), zone, calendar, hours));
}

/**
 * Business minutes between two instants (0 when `to` is not after `from`): the part of
 * [`from`, `to`) that falls in opening `hours` of working days. Fractional minutes are kept.
 */
export function businessMinutesBetween(
  from: Date,
  to: Date,
  zone: string,
  calendar: HolidayCalendar,
  hours: BusinessHours = DEFAULT_BUSINESS_HOURS,
): number {
  zoned(from, zone);
  zoned(to, zone);
  return businessMsBetween(from.getTime(), to.getTime(), zone, calendar, hours) / MINUTE_MS;
}

/**
 * An exact duration: `from` plus `minutes` of elapsed time, whatever the calendar says (hour-based
 * SLAs). Negative minutes go back in time, e.g. for "remind one hour before the deadline".
 */
export function addMinutes(from: Date, minutes: number): Date {
  zoned(from, 'utc');
  if (!Number.isFinite(minutes)) throw new RangeError(`Minutes must be finite, got ${minutes}`);
  return new Date(from.getTime() + Math.round(minutes * MINUTE_MS));
}

/** Milliseconds from `now` until `due`; negative once the deadline has passed. */
export function remainingMs(due: Date, now: Date): number {
  zoned(due, 'utc');
  zoned(now, 'utc');
  return due.getTime() - now.getTime();
}

/** A spell on hold; `to = null` while the case is still on hold. */
export interface Pause {
  readonly from: Date;
  readonly to: Date | null;
}

/** Input of {@link stageDueWithPauses}. */
export interface StageClockInput {
  /** When the case entered the stage: the clock starts here. */
  readonly enteredAt: Date;
  /** The stage SLA: exact minutes, or business minutes in `business` mode. */
  readonly targetMinutes: number;
  /** Spells on hold, in any order; overlaps are merged and time before `enteredAt` is ignored. */
  readonly pauses: readonly Pause[];
  /** The present, used only to measure an open pause so far. */
  readonly now: Date;
  /** `exact`: elapsed time counts; `business`: only opening hours of working days count. */
  readonly mode: 'exact' | 'business';
  readonly zone: string;
  readonly calendar: HolidayCalendar;
  /** Opening hours for `business` mode; default 08:00–17:00. */
  readonly hours?: BusinessHours;
}

/**
 * Result of {@link stageDueWithPauses}.
 * - `due`: the deadline is a fixed instant. `onHold` is true when the case is on hold now but the
 *   clock had already run out before that hold began — a hold cannot rescue a missed deadline.
 * - `paused`: the case is on hold with time left on the clock, so there is no deadline until it
 *   resumes (`due: null`, `reason: 'paused'`); `remainingMs` is what will be left then.
 * `heldMs` is the hold time that pushed the deadline out (business ms in `business` mode), with an
 * open hold measured up to `now`.
 */
export type StageDue =
  | { readonly state: 'due'; readonly due: Date; readonly onHold: boolean; readonly heldMs: number }
  | {
      readonly state: 'paused';
      readonly due: null;
      readonly reason: 'paused';
      readonly pausedSince: Date;
      readonly remainingMs: number;
      readonly heldMs: number;
    };

/** Sorts pauses, clips them to start no earlier than `enteredMs`, drops empty ones, merges overlaps. */
function normalisePauses(pauses: readonly Pause[], enteredMs: number): Array<{ from: number; to: number | null }> {
  const clipped = pauses
    .map((pause) => {
      const from = zoned(pause.from, 'utc').toMillis();
      const to = pause.to === null ? null : zoned(pause.to, 'utc').toMillis();
      if (to !== null && to < from) throw new RangeError('A pause cannot end before it starts');
      return { from: Math.max(from, enteredMs), to };
    })
    .filter((pause) => pause.to === null || pause.to > pause.from)
    .sort((a, b) => a.from - b.from);
  const merged: Array<{ from: number; to: number | null }> = [];
  for (const pause of clipped) {
    const last = merged[merged.length - 1];
    if (last !== undefined && (last.to === null || pause.from <= last.to)) {
      last.to = last.to === null || pause.to === null ? null : Math.max(last.to, pause.to);
    } else {
      merged.push({ ...pause });
    }
  }
  return merged;
}

/**
 * The due instant of a stage SLA whose clock stops while the case is on hold (PRODUCT.md: the
 * stage clock pauses, legal limits never do). The deadline is the moment the clock — time in the
 * stage outside holds — reaches `targetMinutes`; so each hold pushes it out by its own length,
 * counting only business time in `business` mode. Holds that begin after the clock ran out push
 * nothing. While a hold is open the result is `paused` with no due instant, because the resume
 * time is unknown and any date shown would be wrong; see {@link StageDue}.
 */
export function stageDueWithPauses(input: StageClockInput): StageDue {
  const { mode, zone, calendar } = input;
  const hours = input.hours ?? DEFAULT_BUSINESS_HOURS;
  const enteredMs = zoned(input.enteredAt, zone).toMillis();
  const nowMs = zoned(input.now, zone).toMillis();
  const measure = (fromMs: number, toMs: number): number =>
    mode === 'business' ? businessMsBetween(fromMs, toMs, zone, calendar, hours) : Math.max(0, toMs - fromMs);
  const advance = (fromMs: number, ms: number): Date =>
    new Date(mode === 'business' ? addBusinessMs(fromMs, ms, zone, calendar, hours) : fromMs + ms);

  const pauses = normalisePauses(input.pauses, enteredMs);
  const onHold = pauses.some((pause) => pause.to === null);
  let remaining = toMs(input.targetMinutes);
  let cursor = enteredMs;
  let heldMs = 0;
  for (const pause of pauses) {
    const running = measure(cursor, pause.from);
    if (running >= remaining) return { state: 'due', due: advance(cursor, remaining), onHold, heldMs };
    remaining -= running;
    if (pause.to === null) {
      return {
        state: 'paused',
        due: null,
        reason: 'paused',
        pausedSince: new Date(pause.from),
        remainingMs: remaining,
        heldMs: heldMs + measure(pause.from, nowMs),
      };
    }
    heldMs += measure(pause.from, pause.to);
    cursor = pause.to;
  }
  return { state: 'due', due: advance(cursor, remaining), onHold, heldMs };
}
