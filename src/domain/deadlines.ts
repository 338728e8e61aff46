import { endOfCalendarDays, endOfCalendarDaysFromDate, endOfWorkingDays, stageDueWithPauses, type BusinessHours, type Pause } from './calendar';
import type { Category, CustomerType } from './entries';
import type { HolidayCalendar } from './holidays';

/** The promises of PRODUCT.md "Deadlines that the law or the company promises". */
export const FIRST_REPLY_HOURS = 48;
export const RESOLUTION_DAYS = 20;
export const NEGOTIATION_WORKING_DAYS = 7;
export const FILING_WINDOW_DAYS: Record<Category, number> = { service_quality: 90, business: 30 };

export type SlaMode = 'exact' | 'business' | 'calendar_days';
export const SLA_MODES: readonly SlaMode[] = ['exact', 'business', 'calendar_days'];

/** A stage SLA from the policy table: `calendar_days` targets are whole days (minutes / 1440). */
export interface StageTarget {
  minutes: number;
  mode: SlaMode;
}

export interface ClockContext {
  zone: string;
  calendar: HolidayCalendar;
  hours?: BusinessHours;
}

/** Last moment to file: the incident date plus the category's window, ending 23:59:59.999 local. */
export function filingWindowEndsAt(incidentDate: string, category: Category, zone: string): Date {
  return endOfCalendarDaysFromDate(incidentDate, FILING_WINDOW_DAYS[category], zone);
}

export interface LegalClocks {
  firstReplyAt: Date;
  resolutionAt: Date;
  /** Consumer-protection law's 7 working days: person customers only. */
  negotiationStartAt: Date | null;
  filingWindowEndsAt: Date;
  timeBarred: boolean;
}

/** The limits fixed at intake. None of them ever pauses. */
export function legalClocks(
  entry: { receivedAt: Date; incidentDate: string; category: Category; customerType: CustomerType },
  ctx: ClockContext,
): LegalClocks {
  const windowEnd = filingWindowEndsAt(entry.incidentDate, entry.category, ctx.zone);
  return {
    firstReplyAt: new Date(entry.receivedAt.getTime() + FIRST_REPLY_HOURS * 3600_000),
    resolutionAt: endOfCalendarDays(entry.receivedAt, RESOLUTION_DAYS, ctx.zone),
    negotiationStartAt:
      entry.customerType === 'person' ? endOfWorkingDays(entry.receivedAt, NEGOTIATION_WORKING_DAYS, ctx.zone, ctx.calendar) : null,
    filingWindowEndsAt: windowEnd,
    timeBarred: entry.receivedAt.getTime() > windowEnd.getTime(),
  };
}

/**
 * When a stage visit is due: its target counted from `enteredAt`, pushed out by the time spent on
 * hold. Null while a hold is open (the clock is stopped) — the legal limits keep running meanwhile.
 */
export function stageDueAt(enteredAt: Date, target: StageTarget, pauses: readonly Pause[], now: Date, ctx: ClockContext): Date | null {
  if (target.mode === 'calendar_days') {
    if (pauses.some((p) => p.to === null)) return null;
    const heldMs = mergedHeldMs(enteredAt, pauses);
    return endOfCalendarDays(new Date(enteredAt.getTime() + heldMs), Math.round(target.minutes / 1440), ctx.zone);
  }
  const due = stageDueWithPauses({
    enteredAt,
    targetMinutes: target.minutes,
    pauses,
    now,
    mode: target.mode,
    zone: ctx.zone,
    calendar: ctx.calendar,
    hours: ctx.hours,
  });
  return due.state === 'due' ? due.due : null;
}

/** Closed hold time after `from` in whole minutes, overlaps counted once: a clock's paused time. */
export function heldMinutes(from: Date, pauses: readonly Pause[]): number {
  return Math.round(mergedHeldMs(from, pauses) / 60_000);
}

/** Total closed hold time after `from`, overlaps counted once. */
function mergedHeldMs(from: Date, pauses: readonly Pause[]): number {
  const spans = pauses
    .filter((p): p is { from: Date; to: Date } => p.to !== null)
    .map((p) => [Math.max(p.from.getTime(), from.getTime()), p.to.getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
