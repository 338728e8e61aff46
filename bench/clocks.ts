import { endOfCalendarDays, endOfWorkingDays } from '../src/domain/calendar';
import {
  filingWindowEndsAt,
  FIRST_REPLY_HOURS,
  legalClocks,
  NEGOTIATION_WORKING_DAYS,
  RESOLUTION_DAYS,
  stageDueAt,
  type ClockContext,
  type LegalClocks,
  type StageTarget,
} from '../src/domain/deadlines';
import type { Category, CustomerType } from '../src/domain/entries';

/**
 * The app's own deadline functions, memoised for bulk work. Each app call builds luxon DateTimes in
 * the organisation's zone (hundreds of µs to ms for a working-day count); across a million rows
 * that is most of the seeding time. The memo relies on how the functions are defined — the
 * resolution and negotiation limits depend only on the local day of receipt, the filing window only
 * on the incident date and category, an exact stage target is a plain addition — and checks itself
 * against the real function every CHECK_EVERY-th call, so a change in the app cannot go unnoticed.
 */
const CHECK_EVERY = 997;

const same = (a: Date | null, b: Date | null) => (a === null ? b === null : b !== null && a.getTime() === b.getTime());

export function memoClocks(ctx: ClockContext) {
  // Local days (YYYY-MM-DD in the zone): one formatter, one call per quarter hour seen (every UTC offset is a whole number of those).
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dayByQuarter = new Map<number, string>();
  const day = (ms: number) => {
    const quarter = Math.floor(ms / 900_000);
    let d = dayByQuarter.get(quarter);
    if (d === undefined) dayByQuarter.set(quarter, (d = format.format(ms)));
    return d;
  };
  const dates = new Map<string, Date | null>();
  const memo = (key: string, f: () => Date | null): Date | null => {
    if (dates.has(key)) return dates.get(key) as Date | null;
    const v = f();
    dates.set(key, v);
    return v;
  };
  let calls = 0;

  /** legalClocks(entry, ctx): its parts memoised by what each depends on. */
  function legalOf(entry: { receivedAt: Date; incidentDate: string; category: Category; customerType: CustomerType }): LegalClocks {
    const received = entry.receivedAt.getTime();
    const d = day(received);
    const windowEnd = memo(`w|${entry.incidentDate}|${entry.category}`, () => filingWindowEndsAt(entry.incidentDate, entry.category, ctx.zone))!;
    const out: LegalClocks = {
      firstReplyAt: new Date(received + FIRST_REPLY_HOURS * 3_600_000),
      resolutionAt: memo(`r|${d}`, () => endOfCalendarDays(entry.receivedAt, RESOLUTION_DAYS, ctx.zone))!,
      negotiationStartAt: entry.customerType === 'person' ? memo(`n|${d}`, () => endOfWorkingDays(entry.receivedAt, NEGOTIATION_WORKING_DAYS, ctx.zone, ctx.calendar)) : null,
      filingWindowEndsAt: windowEnd,
      timeBarred: received > windowEnd.getTime(),
    };
    if (++calls % CHECK_EVERY === 1) {
      const real = legalClocks(entry, ctx);
      if (!same(real.firstReplyAt, out.firstReplyAt) || !same(real.resolutionAt, out.resolutionAt) || !same(real.negotiationStartAt, out.negotiationStartAt) || !same(real.filingWindowEndsAt, out.filingWindowEndsAt) || real.timeBarred !== out.timeBarred) {
        throw new Error('bench clocks: memoised legal clocks differ from legalClocks()');
      }
    }
    return out;
  }

  /** `stageDueAt(enteredAt, target, [], enteredAt, ctx)` — a visit without holds. */
  function stageDueOf(enteredAt: Date, target: StageTarget): Date | null {
    let due: Date | null;
    if (target.mode === 'exact') due = new Date(enteredAt.getTime() + target.minutes * 60_000);
    else if (target.mode === 'calendar_days') {
      due = memo(`s|${day(enteredAt.getTime())}|${target.minutes}`, () => stageDueAt(enteredAt, target, [], enteredAt, ctx));
    } else return stageDueAt(enteredAt, target, [], enteredAt, ctx);
    if (++calls % CHECK_EVERY === 1 && !same(stageDueAt(enteredAt, target, [], enteredAt, ctx), due)) {
      throw new Error('bench clocks: memoised stage clock differs from stageDueAt()');
    }
    return due;
  }

  return { legal: legalOf, stageDue: stageDueOf, localDay: day };
}
