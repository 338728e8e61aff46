/**
 * Vietnamese public holidays (Labor Code 2019, Art. 111–112) and the holiday-calendar value that
 * the calendar arithmetic in `calendar.ts` consumes.
 *
 * The list built here is only the *preloaded default*: the sysadmin edits the holiday table in the
 * app, because the Prime Minister fixes some of these days year by year and an employer may pick
 * its own Tết option. Years with a published Tết schedule get that schedule; later years are
 * computed by the statutory rule and marked provisional until the sysadmin confirms them. The
 * table also holds make-up working days (ngày làm bù). Nothing here does I/O; the data is plain
 * constants so it can be seeded, diffed and reviewed.
 */
import { DateTime } from 'luxon';

/** One day off: a local calendar date with its Vietnamese and English name. */
export interface PublicHoliday {
  /** Local calendar date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Vietnamese name (NFC-normalised, with diacritics). */
  readonly name_vi: string;
  /** English name. */
  readonly name_en: string;
}

/**
 * The two kinds of day the holiday calendar holds: a day off (`holiday`, compensatory days and
 * whole official Tết blocks included) and a make-up working day (`working_day`, ngày làm bù: a
 * Saturday or Sunday worked in exchange for a weekday given off).
 */
export const CALENDAR_DAY_KINDS = ['holiday', 'working_day'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/** One day of the preloaded calendar: a {@link PublicHoliday} with its kind and whether it is provisional. */
export interface CalendarEntry extends PublicHoliday {
  readonly kind: CalendarDayKind;
  /**
   * Computed from the lunar calendar by the statutory rule because no official schedule is on
   * file for its year: shown as provisional until the sysadmin confirms the year.
   */
  readonly provisional: boolean;
}

/**
 * What the working-day and business-hour arithmetic needs to know about an organisation's
 * calendar: which local dates are holidays, which ISO weekdays are the weekly rest days, and
 * which rest-day dates are worked anyway (make-up working days).
 */
export interface HolidayCalendar {
  /** Holiday dates as local `YYYY-MM-DD` strings (compensatory days included). */
  readonly holidays: ReadonlySet<string>;
  /** Weekly rest days as luxon/ISO weekday numbers: 1 = Monday … 6 = Saturday, 7 = Sunday. */
  readonly weekend: ReadonlySet<number>;
  /**
   * Make-up working days (ngày làm bù) as local `YYYY-MM-DD` strings: dates that are working days
   * although they fall on a weekly rest day. Absent means none.
   */
  readonly workingDays?: ReadonlySet<string>;
}

/** Saturday and Sunday: the weekly rest days of the civil service and of most Vietnamese offices. */
export const DEFAULT_WEEKEND: readonly number[] = Object.freeze([6, 7]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks that `value` is a real calendar date written `YYYY-MM-DD` and returns it as a luxon
 * date (in UTC, since a date without a time has no zone to speak of).
 * Throws `RangeError` otherwise, so a typo like `2026-02-30` in an edited holiday table fails
 * loudly instead of silently never matching.
 */
export function parseIsoDate(value: string): DateTime {
  // The regex rejects forms luxon would happily accept (`20260217`, `2026-W08-2`, times).
  const parsed = ISO_DATE.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : null;
  if (parsed === null || !parsed.isValid) {
    throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * Builds a {@link HolidayCalendar} from holiday dates, weekly rest days and make-up working days.
 * @param dates local `YYYY-MM-DD` dates; duplicates are harmless.
 * @param weekend ISO weekday numbers (1–7) of the weekly rest days; default Saturday + Sunday.
 * @param workingDays local `YYYY-MM-DD` dates worked although they are rest days (ngày làm bù);
 *   one on a weekday changes nothing.
 * @throws RangeError on a malformed date, a weekday outside 1–7, a week with no working day
 *   (which would make every working-day count loop forever), or a date that is both a holiday and
 *   a working day.
 */
export function makeCalendar(
  dates: Iterable<string>,
  weekend: Iterable<number> = DEFAULT_WEEKEND,
  workingDays: Iterable<string> = [],
): HolidayCalendar {
  const holidays = new Set<string>();
  for (const date of dates) {
    parseIsoDate(date);
    holidays.add(date);
  }
  const worked = new Set<string>();
  for (const date of workingDays) {
    parseIsoDate(date);
    if (holidays.has(date)) throw new RangeError(`${date} cannot be both a holiday and a make-up working day`);
    worked.add(date);
  }
  const rest = new Set<number>();
  for (const day of weekend) {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      throw new RangeError(`Weekend days are ISO weekday numbers 1–7, got ${day}`);
    }
    rest.add(day);
  }
  if (rest.size === 7) throw new RangeError('A calendar needs at least one working weekday');
  return Object.freeze({ holidays, weekend: rest, workingDays: worked });
}

/**
 * Solar dates, in Vietnam (UTC+7), of the lunar dates the Labor Code names: `tet` is the 1st day
 * of the 1st lunar month, `hungKings` the 10th day of the 3rd lunar month.
 *
 * Vietnam's lunar calendar is computed for the UTC+7 meridian, China's for UTC+8, so when a new
 * moon falls between 23:00 and 24:00 Hà Nội time the two calendars start the month on different
 * days. That happens for Tết 2030: the new moon is on 2030-02-02 at 16:07 UTC (23:07 in Hà Nội,
 * 00:07 on 3 Feb in Beijing), so Tết is 2 Feb 2030 in Vietnam but 3 Feb in China.
 * Every date below was computed with Hồ Ngọc Đức's algorithm at UTC+7 and cross-checked against
 * Meeus's (Astronomical Algorithms, ch. 49) new-moon instants; the closest call in this range is
 * that 2030 new moon, 53 minutes before midnight, far beyond either method's error.
 */
export const VIETNAM_LUNAR_DATES: Readonly<Record<number, { readonly tet: string; readonly hungKings: string }>> =
  Object.freeze({
    2024: { tet: '2024-02-10', hungKings: '2024-04-18' },
    2025: { tet: '2025-01-29', hungKings: '2025-04-07' },
    2026: { tet: '2026-02-17', hungKings: '2026-04-26' },
    2027: { tet: '2027-02-06', hungKings: '2027-04-16' },
    2028: { tet: '2028-01-26', hungKings: '2028-04-04' },
    2029: { tet: '2029-02-13', hungKings: '2029-04-23' },
    2030: { tet: '2030-02-02', hungKings: '2030-04-12' },
  });

/**
 * The day next to 2 September that the Prime Minister actually chose (Labor Code Art. 112(3)),
 * for the years already decided. Other years fall back to {@link nationalDayAdjacentDate}'s rule.
 */
export const NATIONAL_DAY_ADJACENT_DECIDED: Readonly<Record<number, string>> = Object.freeze({
  2024: '2024-09-03', // 2 Sep was a Monday: off Sat 31/8 – Tue 3/9.
  2025: '2025-09-01', // 2 Sep was a Tuesday: off Sat 30/8 – Tue 2/9.
});

/**
 * The day off adjacent to National Day (2 Sep) in `year`: the decided day where known, else by
 * rule. The rule picks the neighbour that is a weekday *and* joins the holiday to a weekend,
 * which is what the government has chosen every year since the 2-day holiday began (2021: Thu →
 * 3 Sep; 2022: Fri → 1 Sep; 2024: Mon → 3 Sep; 2025: Tue → 1 Sep):
 * 3 Sep when 2 Sep is a Sunday, Monday or Thursday; 1 Sep otherwise (a Wednesday joins neither
 * weekend, so it takes 1 Sep by convention). The sysadmin corrects the table once the year's
 * decision is published.
 */
export function nationalDayAdjacentDate(year: number): string {
  const decided = NATIONAL_DAY_ADJACENT_DECIDED[year];
  if (decided !== undefined) return decided;
  const weekday = DateTime.utc(year, 9, 2).weekday;
  return weekday === 7 || weekday === 1 || weekday === 4 ? `${year}-09-03` : `${year}-09-01`;
}

const TET_VI = 'Tết Nguyên Đán';
const TET_EN = 'Lunar New Year (Tết)';

/**
 * The statutory holidays of one year (Labor Code 2019 Art. 112(1)), without compensatory days.
 * Tết is taken as the last day of the lunar year plus the first four days of the new one — the
 * first of the options the labour ministry lists each year for private employers (the civil
 * service's own choice sometimes differs, e.g. 2024 used 29 Chạp – mùng 5 with no make-up days).
 * @throws RangeError for a year without an entry in {@link VIETNAM_LUNAR_DATES}.
 */
export function statutoryHolidays(year: number): PublicHoliday[] {
  const lunar = VIETNAM_LUNAR_DATES[year];
  if (lunar === undefined) {
    throw new RangeError(`No Vietnamese lunar dates on file for ${year}; add them to VIETNAM_LUNAR_DATES`);
  }
  const tet = parseIsoDate(lunar.tet);
  // The last day of the lunar year is simply the eve of mùng 1, whether the month has 29 or 30 days.
  const tetDays = [-1, 0, 1, 2, 3].map((offset) => ({
    date: tet.plus({ days: offset }).toISODate() as string,
    name_vi: TET_VI,
    name_en: TET_EN,
  }));
  const days: PublicHoliday[] = [
    { date: `${year}-01-01`, name_vi: 'Tết Dương lịch', name_en: "New Year's Day" },
    ...tetDays,
    { date: lunar.hungKings, name_vi: 'Giỗ Tổ Hùng Vương', name_en: "Hung Kings' Commemoration Day" },
    { date: `${year}-04-30`, name_vi: 'Ngày Chiến thắng', name_en: 'Reunification Day' },
    { date: `${year}-05-01`, name_vi: 'Ngày Quốc tế Lao động', name_en: 'International Labour Day' },
    { date: `${year}-09-02`, name_vi: 'Quốc khánh', name_en: 'National Day' },
    {
      date: nationalDayAdjacentDate(year),
      name_vi: 'Quốc khánh (ngày nghỉ liền kề)',
      name_en: 'National Day (adjacent day off)',
    },
  ];
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Adds the compensatory days off of Labor Code Art. 111(3): a holiday that falls on a weekly rest
 * day is made up on the next working day — the next date that is neither a rest day, a holiday,
 * nor already someone else's compensatory day, so a Tết that spans a weekend pushes its make-up
 * days past the end of the whole Tết block.
 * @param holidays holidays of any span; the result is sorted by date.
 * @param weekend ISO weekday numbers of the weekly rest days (default Saturday + Sunday).
 * @param alreadyOff dates that are off already and need no making up, e.g. an official Tết block
 *   whose weekend days the Prime Minister's schedule already accounts for; no compensatory day
 *   lands on one of them.
 */
export function withCompensatoryDays(
  holidays: readonly PublicHoliday[],
  weekend: Iterable<number> = DEFAULT_WEEKEND,
  alreadyOff: Iterable<string> = [],
): PublicHoliday[] {
  const rest = makeCalendar([], weekend).weekend;
  const taken = new Set([...holidays.map((h) => h.date), ...alreadyOff]);
  const result = [...holidays];
  for (const holiday of [...holidays].sort((a, b) => a.date.localeCompare(b.date))) {
    const day = parseIsoDate(holiday.date);
    if (!rest.has(day.weekday)) continue;
    let candidate = day.plus({ days: 1 });
    while (rest.has(candidate.weekday) || taken.has(candidate.toISODate() as string)) {
      candidate = candidate.plus({ days: 1 });
    }
    const date = candidate.toISODate() as string;
    taken.add(date);
    result.push({
      date,
      name_vi: `Nghỉ bù ${holiday.name_vi} (${day.toFormat('d/M')})`,
      name_en: `Compensatory day off for ${holiday.name_en} (${holiday.date})`,
    });
  }
  return result.sort((a, b) => a.date.localeCompare(b.date));
}

/** All days off of one year by the statutory rule, compensatory days included (Saturday + Sunday weekend). */
export function vietnamHolidaysForYear(year: number): PublicHoliday[] {
  return withCompensatoryDays(statutoryHolidays(year));
}

/** An official Tết schedule: every day from `from` to `to` (both included, weekends too) is off. */
export interface OfficialTetBlock {
  readonly from: string;
  readonly to: string;
  /** Make-up working days (ngày làm bù) the schedule sets against the block, if any. */
  readonly workingDays?: readonly PublicHoliday[];
}

/**
 * The Tết blocks the Prime Minister / Ministry of Home Affairs published for the civil service,
 * as given in `../shared/reference/holidays-vn.md` ("checked against the published schedules").
 * They replace the statutory eve + four days and the compensatory days that rule would add.
 * The reference lists no make-up working day for them; the sysadmin adds any the organisation
 * works (a `working_day` entry).
 */
export const OFFICIAL_TET_BLOCKS: Readonly<Record<number, OfficialTetBlock>> = Object.freeze({
  2024: Object.freeze({ from: '2024-02-08', to: '2024-02-14' }), // Thu 8 – Wed 14 Feb (Tết Sat 10 Feb)
  2025: Object.freeze({ from: '2025-01-25', to: '2025-02-02' }), // Sat 25 Jan – Sun 2 Feb (Tết Wed 29 Jan)
  2026: Object.freeze({ from: '2026-02-14', to: '2026-02-22' }), // Sat 14 – Sun 22 Feb (Tết Tue 17 Feb)
});

/** Every date from `from` to `to`, both included. */
function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  const last = parseIsoDate(to);
  for (let day = parseIsoDate(from); day <= last; day = day.plus({ days: 1 })) dates.push(day.toISODate() as string);
  return dates;
}

/**
 * The preloaded calendar of one year. A year with an official Tết block gets that block (all its
 * days, weekends included) and the statutory rule for the other holidays, and nothing is
 * provisional. Any other year is the statutory rule throughout, every day `provisional` until
 * the sysadmin checks it against the published schedule and confirms the year.
 * @throws RangeError for a year without an entry in {@link VIETNAM_LUNAR_DATES}.
 */
export function preloadedCalendarForYear(year: number): CalendarEntry[] {
  const block = OFFICIAL_TET_BLOCKS[year];
  const entry = (kind: CalendarDayKind, provisional: boolean) => (h: PublicHoliday): CalendarEntry => ({
    date: h.date,
    name_vi: h.name_vi,
    name_en: h.name_en,
    kind,
    provisional,
  });
  if (block === undefined) return vietnamHolidaysForYear(year).map(entry('holiday', true));
  const tet = datesBetween(block.from, block.to).map((date) => ({ date, name_vi: TET_VI, name_en: TET_EN }));
  const others = statutoryHolidays(year).filter((h) => h.name_vi !== TET_VI);
  return [
    ...withCompensatoryDays(others, DEFAULT_WEEKEND, tet.map((h) => h.date)).map(entry('holiday', false)),
    ...tet.map(entry('holiday', false)),
    ...(block.workingDays ?? []).map(entry('working_day', false)),
  ].sort((a, b) => a.date.localeCompare(b.date));
}

/** First and last year of the preloaded list. */
export const PRELOADED_YEARS = Object.freeze({ from: 2024, to: 2030 });

/**
 * The preloaded holiday calendar for 2024–2030, sorted by date: official Tết blocks where
 * published, the statutory rule (provisional) elsewhere, compensatory days included. Frozen
 * because it is shared module state: copy it before editing.
 *
 * Migrations 0002 and 0004 preload a new database from it, and 0004 corrects a database loaded
 * with the earlier list. A later change to this list reaches a new database by itself but an
 * existing one only through a new migration that applies the difference.
 */
export const VIETNAM_PRELOADED_CALENDAR: readonly CalendarEntry[] = Object.freeze(
  Array.from({ length: PRELOADED_YEARS.to - PRELOADED_YEARS.from + 1 }, (_, i) => preloadedCalendarForYear(PRELOADED_YEARS.from + i))
    .flat()
    .map((day) => Object.freeze(day)),
);

/** The days off of {@link VIETNAM_PRELOADED_CALENDAR} (no make-up working days), as date and names. */
export const VIETNAM_PUBLIC_HOLIDAYS: readonly PublicHoliday[] = Object.freeze(
  VIETNAM_PRELOADED_CALENDAR.filter((day) => day.kind === 'holiday').map(({ date, name_vi, name_en }) => Object.freeze({ date, name_vi, name_en })),
);

/** The preloaded calendar with a Saturday + Sunday weekend. */
export const VIETNAM_DEFAULT_CALENDAR: HolidayCalendar = makeCalendar(
  VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date),
  DEFAULT_WEEKEND,
  VIETNAM_PRELOADED_CALENDAR.filter((day) => day.kind === 'working_day').map((day) => day.date),
);
