import { DateTime } from 'luxon';
import { addWorkingDays, endOfLocalDay, stageDueWithPauses, toLocalIsoDate, type Pause } from './calendar';
import type { ClockKind } from './clocks';
import { NEGOTIATION_WORKING_DAYS, type ClockContext, type StageTarget } from './deadlines';

/**
 * The SLA sweep's marks on a clock (PRODUCT.md "Scheduler and notifications"): near breach at
 * 80 % of the clock, breach at 100 % (its due time), escalation at 150 %. The percentages are of
 * the clock's *measured* time — what its deadline counts — not of wall time:
 *
 * - `exact` / `business` (a stage SLA, the acknowledgment): the target's minutes, counted like
 *   the due time (business mode: opening hours of working days only), with hold spells excluded
 *   (the stage clock pauses on hold) — 80 % of an 8-business-hour SLA is 6 h 24 min of office time.
 * - `working_days` (the 7-working-day negotiation start): working days counted from the day after
 *   the start, each a whole local day; 80 % of 7 days is 5.6 working days.
 * - `wall` (48 h first reply, the 20-day resolution, a calendar-day stage SLA, the report
 *   deadline): the span from the start to the due time, after the closed hold time it was pushed by.
 *
 * The commands compute the marks where they compute the due time and store them on the clock row
 * (`warn_at`, `escalate_at`), so the sweep compares indexed instants with now.
 */
export const BREACH_LEVELS = [80, 100, 150] as const;
export type BreachLevel = (typeof BREACH_LEVELS)[number];

export type Measure = { mode: 'exact' | 'business'; minutes: number } | { mode: 'working_days'; days: number } | { mode: 'wall' };
export const WALL: Measure = Object.freeze({ mode: 'wall' });

export interface ClockMarks {
  /** 80 % of the measured time gone. */
  warnAt: Date | null;
  /** 150 %. */
  escalateAt: Date | null;
}
export const NO_MARKS: ClockMarks = Object.freeze({ warnAt: null, escalateAt: null });

/** How a stage SLA is measured: its minutes in its mode; calendar-day targets by wall time. */
export function measureOf(target: StageTarget): Measure {
  return target.mode === 'calendar_days' ? WALL : { mode: target.mode, minutes: target.minutes };
}

/**
 * How each clock kind is measured, given the stage SLA that sets the acknowledgment and stage
 * clocks (the intake target at intake, the stage's target later).
 */
export function measureOfKind(kind: ClockKind, target: StageTarget | null): Measure {
  if (kind === 'negotiationStart') return { mode: 'working_days', days: NEGOTIATION_WORKING_DAYS };
  if ((kind === 'acknowledge' || kind === 'stage') && target) return measureOf(target);
  return WALL;
}

/**
 * The instant at which `percent` % of a clock's measured time is gone. `pauses` are the case's
 * holds (only for a clock that pauses); null when the clock has no due time or is paused now.
 */
export function markAt(startedAt: Date, dueAt: Date | null, percent: number, measure: Measure, pauses: readonly Pause[], ctx: ClockContext): Date | null {
  if (dueAt === null) return null;
  const f = percent / 100;
  if (measure.mode === 'exact' || measure.mode === 'business') return runFor(startedAt, measure.minutes * f, measure.mode, pauses, ctx);
  if (measure.mode === 'working_days') return workingDaysMark(startedAt, measure.days * f, ctx);
  // Wall: the span the due time measures is from the start to the due, less the hold time that pushed it.
  const spanMinutes = (dueAt.getTime() - startedAt.getTime()) / 60_000 - heldMinutesBefore(startedAt, dueAt, pauses);
  return runFor(startedAt, Math.max(0, spanMinutes) * f, 'exact', pauses, ctx);
}

/** The 80 % and 150 % marks of a clock (see {@link markAt}). */
export function clockMarks(startedAt: Date, dueAt: Date | null, measure: Measure, pauses: readonly Pause[], ctx: ClockContext): ClockMarks {
  if (dueAt === null) return NO_MARKS;
  return { warnAt: markAt(startedAt, dueAt, 80, measure, pauses, ctx), escalateAt: markAt(startedAt, dueAt, 150, measure, pauses, ctx) };
}

/**
 * Marks without a calendar: the wall span from the start to the due time after `pausedMinutes`.
 * Right for exact-hour and calendar-day clocks that never paused; what CaseClocks uses when a
 * command gives no marks of its own.
 */
export function wallMarks(startedAt: Date, dueAt: Date | null, pausedMinutes = 0): ClockMarks {
  if (dueAt === null) return NO_MARKS;
  const from = startedAt.getTime() + pausedMinutes * 60_000;
  const span = Math.max(0, dueAt.getTime() - from);
  return { warnAt: new Date(from + span * 0.8), escalateAt: new Date(from + span * 1.5) };
}

function runFor(startedAt: Date, minutes: number, mode: 'exact' | 'business', pauses: readonly Pause[], ctx: ClockContext): Date | null {
  const due = stageDueWithPauses({ enteredAt: startedAt, targetMinutes: minutes, pauses, now: startedAt, mode, zone: ctx.zone, calendar: ctx.calendar, hours: ctx.hours });
  return due.state === 'due' ? due.due : null;
}

/** Closed hold minutes inside [from, to), overlaps counted once. */
function heldMinutesBefore(from: Date, to: Date, pauses: readonly Pause[]): number {
  const spans = pauses
    .filter((p): p is { from: Date; to: Date } => p.to !== null)
    .map((p) => [Math.max(p.from.getTime(), from.getTime()), Math.min(p.to.getTime(), to.getTime())] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total / 60_000;
}

/** `days` (fractional) working days after the local date of `from`: whole days end at 23:59:59.999, a fraction runs into the next working day. */
function workingDaysMark(from: Date, days: number, ctx: ClockContext): Date {
  const start = toLocalIsoDate(from, ctx.zone);
  const whole = Math.floor(days);
  const fraction = days - whole;
  if (fraction < 1e-9) return endOfLocalDay(addWorkingDays(start, whole, ctx.calendar), ctx.zone);
  const day = addWorkingDays(start, whole + 1, ctx.calendar);
  const open = DateTime.fromISO(day, { zone: ctx.zone }).startOf('day').toMillis();
  const close = endOfLocalDay(day, ctx.zone).getTime() + 1;
  return new Date(open + Math.round((close - open) * fraction));
}
