import {
  addBusinessMinutes,
  addMinutes,
  addWorkingDays,
  businessMinutesBetween,
  endOfCalendarDays,
  endOfCalendarDaysFromDate,
  endOfLocalDay,
  endOfWorkingDays,
  isWorkingDay,
  nextWorkingDay,
  remainingMs,
  stageDueWithPauses,
  toLocalIsoDate,
  type Pause,
} from '../../src/domain/calendar';
import { type HolidayCalendar, VIETNAM_DEFAULT_CALENDAR, makeCalendar } from '../../src/domain/holidays';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const VN = VIETNAM_DEFAULT_CALENDAR;
const at = (iso: string): Date => new Date(iso);
const MIN = 60_000;

describe('endOfCalendarDays', () => {
  it('ends a 20-day resolution limit at 23:59:59.999 Hà Nội time on the 20th day (PRODUCT.md example)', () => {
    expect(endOfCalendarDays(at('2026-11-02T10:00:00+07:00'), 20, HCM).toISOString()).toBe('2026-11-22T16:59:59.999Z');
  });

  it('counts from the local date when the UTC date is the day before (20:00Z is 03:00 next day in Hà Nội)', () => {
    expect(endOfCalendarDays(at('2026-11-02T20:00:00Z'), 20, HCM).toISOString()).toBe('2026-11-23T16:59:59.999Z');
    expect(endOfCalendarDays(at('2026-11-02T20:00:00Z'), 20, 'UTC').toISOString()).toBe('2026-11-22T23:59:59.999Z');
  });

  it('treats the last millisecond before local midnight and local midnight as different days', () => {
    expect(endOfCalendarDays(at('2026-11-02T16:59:59.999Z'), 1, HCM).toISOString()).toBe('2026-11-03T16:59:59.999Z');
    expect(endOfCalendarDays(at('2026-11-02T17:00:00.000Z'), 1, HCM).toISOString()).toBe('2026-11-04T16:59:59.999Z');
  });

  it('ends a 0-day limit at the end of the local day of receipt', () => {
    expect(endOfCalendarDays(at('2026-11-02T10:00:00+07:00'), 0, HCM).toISOString()).toBe('2026-11-02T16:59:59.999Z');
  });

  it('rolls over a month end (31 Jan + 1 → 1 Feb)', () => {
    expect(endOfCalendarDays(at('2027-01-31T09:00:00+07:00'), 1, HCM).toISOString()).toBe('2027-02-01T16:59:59.999Z');
  });

  it('rolls over a year end, including a receipt just after local midnight on New Year', () => {
    expect(endOfCalendarDays(at('2026-12-31T23:30:00+07:00'), 1, HCM).toISOString()).toBe('2027-01-01T16:59:59.999Z');
    expect(endOfCalendarDays(at('2026-12-31T17:30:00Z'), 0, HCM).toISOString()).toBe('2027-01-01T16:59:59.999Z');
  });

  it('follows the zone across the spring DST change (Berlin, last Sunday of March 2026)', () => {
    // 28 Mar is +01:00, 29 Mar ends at +02:00.
    expect(endOfCalendarDays(at('2026-03-28T12:00:00+01:00'), 0, BERLIN).toISOString()).toBe('2026-03-28T22:59:59.999Z');
    expect(endOfCalendarDays(at('2026-03-28T12:00:00+01:00'), 1, BERLIN).toISOString()).toBe('2026-03-29T21:59:59.999Z');
  });

  it('follows the zone across the autumn DST change (Berlin, last Sunday of October 2026)', () => {
    expect(endOfCalendarDays(at('2026-10-24T12:00:00+02:00'), 0, BERLIN).toISOString()).toBe('2026-10-24T21:59:59.999Z');
    expect(endOfCalendarDays(at('2026-10-24T12:00:00+02:00'), 1, BERLIN).toISOString()).toBe('2026-10-25T22:59:59.999Z');
  });

  it('rejects negative or fractional day counts, unknown zones and invalid dates', () => {
    expect(() => endOfCalendarDays(at('2026-11-02T10:00:00Z'), -1, HCM)).toThrow(RangeError);
    expect(() => endOfCalendarDays(at('2026-11-02T10:00:00Z'), 1.5, HCM)).toThrow(RangeError);
    expect(() => endOfCalendarDays(at('2026-11-02T10:00:00Z'), 1, 'Asia/Hanoi_Typo')).toThrow(RangeError);
    expect(() => endOfCalendarDays(at('not a date'), 1, HCM)).toThrow(RangeError);
  });
});

describe('endOfCalendarDaysFromDate', () => {
  it('ends a 90-day filing window from incident 2026-08-01 on 30 Oct (PRODUCT.md example)', () => {
    expect(endOfCalendarDaysFromDate('2026-08-01', 90, HCM).toISOString()).toBe('2026-10-30T16:59:59.999Z');
  });

  it('ends a 30-day filing window from incident 2026-08-01 on 31 Aug', () => {
    expect(endOfCalendarDaysFromDate('2026-08-01', 30, HCM).toISOString()).toBe('2026-08-31T16:59:59.999Z');
  });

  it('handles February in common and leap years', () => {
    expect(endOfCalendarDaysFromDate('2026-01-31', 28, HCM).toISOString()).toBe('2026-02-28T16:59:59.999Z');
    expect(endOfCalendarDaysFromDate('2026-01-31', 29, HCM).toISOString()).toBe('2026-03-01T16:59:59.999Z');
    expect(endOfCalendarDaysFromDate('2028-02-28', 1, HCM).toISOString()).toBe('2028-02-29T16:59:59.999Z');
    expect(endOfCalendarDaysFromDate('2028-02-28', 2, HCM).toISOString()).toBe('2028-03-01T16:59:59.999Z');
  });

  it('crosses a year end', () => {
    expect(endOfCalendarDaysFromDate('2026-12-15', 30, HCM).toISOString()).toBe('2027-01-14T16:59:59.999Z');
  });

  it('keeps the end of day on the wall clock across DST (Berlin 2026-03-27 + 3 days)', () => {
    expect(endOfCalendarDaysFromDate('2026-03-27', 3, BERLIN).toISOString()).toBe('2026-03-30T21:59:59.999Z');
  });

  it('rejects dates that are not YYYY-MM-DD calendar dates', () => {
    expect(() => endOfCalendarDaysFromDate('2026-02-30', 1, HCM)).toThrow(RangeError);
    expect(() => endOfCalendarDaysFromDate('01/08/2026', 1, HCM)).toThrow(RangeError);
  });
});

describe('local dates', () => {
  it('reads the local date of an instant in the given zone', () => {
    expect(toLocalIsoDate(at('2026-11-02T20:00:00Z'), HCM)).toBe('2026-11-03');
    expect(toLocalIsoDate(at('2026-11-02T20:00:00Z'), 'UTC')).toBe('2026-11-02');
    expect(endOfLocalDay('2026-11-03', HCM).toISOString()).toBe('2026-11-03T16:59:59.999Z');
  });
});

describe('working days', () => {
  it('tells working days from weekends, Tết and compensatory days', () => {
    expect(isWorkingDay('2026-02-13', VN)).toBe(true); // Friday before Tết
    expect(isWorkingDay('2026-02-17', VN)).toBe(false); // mùng 1 Tết
    expect(isWorkingDay('2026-02-21', VN)).toBe(false); // Saturday
    expect(isWorkingDay('2026-04-27', VN)).toBe(false); // make-up day for Giỗ Tổ on Sunday 26/4
    expect(nextWorkingDay('2026-02-13', VN)).toBe('2026-02-23');
  });

  it('adds working days to a local date, 0 returning the date itself', () => {
    expect(addWorkingDays('2026-02-13', 1, VN)).toBe('2026-02-23');
    expect(addWorkingDays('2026-02-14', 0, VN)).toBe('2026-02-14');
  });

  it('skips a weekend: Thu 5 Mar 2026 + 7 working days → Mon 16 Mar', () => {
    expect(endOfWorkingDays(at('2026-03-05T10:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-03-16T16:59:59.999Z');
  });

  it('skips Tết 2026: Fri 13 Feb + 7 working days → Tue 3 Mar', () => {
    expect(endOfWorkingDays(at('2026-02-13T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-03-03T16:59:59.999Z');
  });

  it('skips the official Tết 2025 block (Sat 25 Jan – Sun 2 Feb): Fri 24 Jan + 7 → Tue 11 Feb', () => {
    expect(endOfWorkingDays(at('2025-01-24T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2025-02-11T16:59:59.999Z');
  });

  it('skips 30/4–1/5: Tue 28 Apr 2026 + 7 → Mon 11 May', () => {
    expect(endOfWorkingDays(at('2026-04-28T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-05-11T16:59:59.999Z');
  });

  it('skips a compensatory day: Fri 24 Apr 2026 + 7 → Fri 8 May (Mon 27 Apr is Nghỉ bù)', () => {
    expect(endOfWorkingDays(at('2026-04-24T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-05-08T16:59:59.999Z');
  });

  it('crosses New Year: Wed 31 Dec 2025 + 7 → Mon 12 Jan 2026', () => {
    expect(endOfWorkingDays(at('2025-12-31T15:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-01-12T16:59:59.999Z');
  });

  it('counts a Saturday or Sunday receipt from the next working day, like the Friday before', () => {
    const expected = '2026-03-17T16:59:59.999Z';
    expect(endOfWorkingDays(at('2026-03-06T10:00:00+07:00'), 7, HCM, VN).toISOString()).toBe(expected);
    expect(endOfWorkingDays(at('2026-03-07T10:00:00+07:00'), 7, HCM, VN).toISOString()).toBe(expected);
    expect(endOfWorkingDays(at('2026-03-08T10:00:00+07:00'), 7, HCM, VN).toISOString()).toBe(expected);
  });

  it('counts a receipt on a holiday (30/4/2026) from the next working day: → Tue 12 May', () => {
    expect(endOfWorkingDays(at('2026-04-30T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-05-12T16:59:59.999Z');
  });

  it('uses the local date for a late-evening UTC receipt (Wed 18:00Z is Thu 01:00 in Hà Nội)', () => {
    expect(endOfWorkingDays(at('2026-03-04T18:00:00Z'), 7, HCM, VN).toISOString()).toBe('2026-03-16T16:59:59.999Z');
    expect(endOfWorkingDays(at('2026-03-04T18:00:00Z'), 7, 'UTC', VN).toISOString()).toBe('2026-03-13T23:59:59.999Z');
  });

  it('honours a configurable weekend (Sunday only: Saturdays count)', () => {
    const sundayOnly = makeCalendar([], [7]);
    expect(endOfWorkingDays(at('2026-03-05T10:00:00+07:00'), 7, HCM, sundayOnly).toISOString()).toBe('2026-03-13T16:59:59.999Z');
  });

  it('ends a 0-working-day limit at the end of the day of receipt', () => {
    expect(endOfWorkingDays(at('2026-03-07T10:00:00+07:00'), 0, HCM, VN).toISOString()).toBe('2026-03-07T16:59:59.999Z');
  });

  it('skips the official Tết 2024 block (Thu 8 – Wed 14 Feb): Wed 7 Feb + 1 → Thu 15 Feb, which is a working day', () => {
    expect(addWorkingDays('2024-02-07', 1, VN)).toBe('2024-02-15');
    expect(endOfWorkingDays(at('2024-02-07T09:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2024-02-23T16:59:59.999Z');
  });

  it('refuses to search forever in a calendar with no working day', () => {
    const closed: HolidayCalendar = { holidays: new Set(), weekend: new Set([1, 2, 3, 4, 5, 6, 7]) };
    expect(() => nextWorkingDay('2026-03-05', closed)).toThrow(RangeError);
  });
});

describe('make-up working days (ngày làm bù)', () => {
  // Sat 7 Mar 2026 worked, as if in exchange for a weekday given off.
  const withSaturday = makeCalendar([...VN.holidays], [6, 7], ['2026-03-07']);

  it('counts a make-up Saturday as a working day, and a plain Saturday not', () => {
    expect(isWorkingDay('2026-03-07', withSaturday)).toBe(true);
    expect(isWorkingDay('2026-03-07', VN)).toBe(false);
    expect(isWorkingDay('2026-03-14', withSaturday)).toBe(false);
    expect(nextWorkingDay('2026-03-06', withSaturday)).toBe('2026-03-07');
  });

  it('ends a 7-working-day limit spanning the make-up Saturday one day earlier: Tue 3 Mar → Wed 11 Mar instead of Thu 12 Mar', () => {
    expect(endOfWorkingDays(at('2026-03-03T10:00:00+07:00'), 7, HCM, VN).toISOString()).toBe('2026-03-12T16:59:59.999Z');
    expect(endOfWorkingDays(at('2026-03-03T10:00:00+07:00'), 7, HCM, withSaturday).toISOString()).toBe('2026-03-11T16:59:59.999Z');
  });

  it('counts a receipt on the make-up Saturday from the next day, like any working day', () => {
    expect(addWorkingDays('2026-03-07', 1, withSaturday)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-06', 1, withSaturday)).toBe('2026-03-07');
  });

  it('opens business hours on the make-up Saturday (Fri 16:00 + 2 h → Sat 09:00, not Mon 09:00)', () => {
    expect(addBusinessMinutes(at('2026-03-06T16:00:00+07:00'), 120, HCM, VN).toISOString()).toBe('2026-03-09T02:00:00.000Z');
    expect(addBusinessMinutes(at('2026-03-06T16:00:00+07:00'), 120, HCM, withSaturday).toISOString()).toBe('2026-03-07T02:00:00.000Z');
    expect(businessMinutesBetween(at('2026-03-06T16:00:00+07:00'), at('2026-03-09T09:00:00+07:00'), HCM, withSaturday)).toBe(60 + 9 * 60 + 60);
  });

  it('counts the make-up Saturday in a business-mode stage clock', () => {
    const due = stageDueWithPauses({
      enteredAt: at('2026-03-06T09:00:00+07:00'),
      targetMinutes: 16 * 60,
      pauses: [],
      now: at('2026-03-06T09:00:00+07:00'),
      mode: 'business',
      zone: HCM,
      calendar: withSaturday,
    });
    // Fri 09:00–17:00 (8 h) + Sat 08:00–16:00 (8 h).
    expect(due).toMatchObject({ state: 'due', due: at('2026-03-07T16:00:00+07:00') });
  });
});

describe('addBusinessMinutes (08:00–17:00 by default)', () => {
  it('stays within one day', () => {
    expect(addBusinessMinutes(at('2026-03-10T09:00:00+07:00'), 120, HCM, VN).toISOString()).toBe('2026-03-10T04:00:00.000Z');
  });

  it('ends at closing time, not the next morning, when the time runs out exactly at 17:00', () => {
    expect(addBusinessMinutes(at('2026-03-10T16:00:00+07:00'), 60, HCM, VN).toISOString()).toBe('2026-03-10T10:00:00.000Z');
  });

  it('carries over the evening to the next opening', () => {
    expect(addBusinessMinutes(at('2026-03-10T16:00:00+07:00'), 120, HCM, VN).toISOString()).toBe('2026-03-11T02:00:00.000Z');
  });

  it('carries over whole days (Mon 08:00 + 2 days 30 min → Wed 08:30)', () => {
    expect(addBusinessMinutes(at('2026-03-09T08:00:00+07:00'), 2 * 540 + 30, HCM, VN).toISOString()).toBe('2026-03-11T01:30:00.000Z');
  });

  it('carries over a weekend (Fri 15:00 + 4 h → Mon 10:00)', () => {
    expect(addBusinessMinutes(at('2026-03-13T15:00:00+07:00'), 240, HCM, VN).toISOString()).toBe('2026-03-16T03:00:00.000Z');
  });

  it('carries over Tết 2026 (Fri 13 Feb 16:30 + 1 h → Mon 23 Feb 08:30)', () => {
    expect(addBusinessMinutes(at('2026-02-13T16:30:00+07:00'), 60, HCM, VN).toISOString()).toBe('2026-02-23T01:30:00.000Z');
  });

  it('starts at the opening when started before it', () => {
    expect(addBusinessMinutes(at('2026-03-10T06:00:00+07:00'), 30, HCM, VN).toISOString()).toBe('2026-03-10T01:30:00.000Z');
  });

  it('starts at the next opening when started after closing or on a weekend', () => {
    expect(addBusinessMinutes(at('2026-03-10T18:00:00+07:00'), 30, HCM, VN).toISOString()).toBe('2026-03-11T01:30:00.000Z');
    expect(addBusinessMinutes(at('2026-03-14T10:00:00+07:00'), 60, HCM, VN).toISOString()).toBe('2026-03-16T02:00:00.000Z');
  });

  it('returns the start for 0 minutes in opening hours, and the next opening outside them', () => {
    expect(addBusinessMinutes(at('2026-03-10T09:15:00+07:00'), 0, HCM, VN).toISOString()).toBe('2026-03-10T02:15:00.000Z');
    expect(addBusinessMinutes(at('2026-03-10T17:00:00+07:00'), 0, HCM, VN).toISOString()).toBe('2026-03-11T01:00:00.000Z');
  });

  it('accepts custom opening hours', () => {
    const hours = { start: '07:30', end: '16:30' };
    expect(addBusinessMinutes(at('2026-03-10T16:00:00+07:00'), 60, HCM, VN, hours).toISOString()).toBe('2026-03-11T01:00:00.000Z');
  });

  it('opens at 08:00 local wall-clock time after a DST change (Berlin, Fri 27 → Mon 30 Mar 2026)', () => {
    expect(addBusinessMinutes(at('2026-03-27T16:00:00+01:00'), 120, BERLIN, makeCalendar([])).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('rejects malformed or inverted hours and negative durations', () => {
    const from = at('2026-03-10T09:00:00+07:00');
    expect(() => addBusinessMinutes(from, 10, HCM, VN, { start: '8:00', end: '17:00' })).toThrow(RangeError);
    expect(() => addBusinessMinutes(from, 10, HCM, VN, { start: '17:00', end: '08:00' })).toThrow(RangeError);
    expect(() => addBusinessMinutes(from, -10, HCM, VN)).toThrow(RangeError);
  });
});

describe('businessMinutesBetween', () => {
  it('counts only opening hours of working days', () => {
    expect(businessMinutesBetween(at('2026-03-13T16:00:00+07:00'), at('2026-03-16T09:00:00+07:00'), HCM, VN)).toBe(120);
    expect(businessMinutesBetween(at('2026-02-13T16:00:00+07:00'), at('2026-02-23T09:00:00+07:00'), HCM, VN)).toBe(120);
    expect(businessMinutesBetween(at('2026-03-10T12:00:00+07:00'), at('2026-03-10T11:00:00+07:00'), HCM, VN)).toBe(0);
  });
});

describe('exact durations', () => {
  it('adds minutes as elapsed time, ignoring calendars and DST', () => {
    expect(addMinutes(at('2026-11-02T03:00:00Z'), 60).toISOString()).toBe('2026-11-02T04:00:00.000Z');
    expect(addMinutes(at('2026-11-02T03:00:00Z'), 48 * 60).toISOString()).toBe('2026-11-04T03:00:00.000Z');
    expect(addMinutes(at('2026-03-29T00:30:00Z'), 60).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(addMinutes(at('2026-11-02T03:00:00Z'), -60).toISOString()).toBe('2026-11-02T02:00:00.000Z');
  });

  it('reports the time left, negative once overdue', () => {
    const due = at('2026-11-02T04:00:00Z');
    expect(remainingMs(due, at('2026-11-02T03:00:00Z'))).toBe(3_600_000);
    expect(remainingMs(due, due)).toBe(0);
    expect(remainingMs(due, at('2026-11-02T04:00:00.001Z'))).toBe(-1);
  });
});

describe('stageDueWithPauses', () => {
  const base = { enteredAt: at('2026-03-10T02:00:00Z'), targetMinutes: 240, now: at('2026-03-10T12:00:00Z'), zone: HCM, calendar: VN };
  const exact = (pauses: Pause[], over: Partial<typeof base> = {}) =>
    stageDueWithPauses({ ...base, ...over, pauses, mode: 'exact' });
  const pause = (from: string, to: string | null): Pause => ({ from: at(from), to: to === null ? null : at(to) });

  it('is entry plus target when never on hold', () => {
    expect(exact([])).toEqual({ state: 'due', due: at('2026-03-10T06:00:00.000Z'), onHold: false, heldMs: 0 });
  });

  it('is pushed out by one closed hold', () => {
    expect(exact([pause('2026-03-10T03:00:00Z', '2026-03-10T03:30:00Z')])).toEqual({
      state: 'due', due: at('2026-03-10T06:30:00.000Z'), onHold: false, heldMs: 30 * MIN,
    });
  });

  it('is pushed out by two holds, given in any order', () => {
    const pauses = [pause('2026-03-10T04:00:00Z', '2026-03-10T05:00:00Z'), pause('2026-03-10T03:00:00Z', '2026-03-10T03:30:00Z')];
    expect(exact(pauses)).toEqual({ state: 'due', due: at('2026-03-10T07:30:00.000Z'), onHold: false, heldMs: 90 * MIN });
  });

  it('counts overlapping holds once', () => {
    const pauses = [pause('2026-03-10T03:00:00Z', '2026-03-10T04:00:00Z'), pause('2026-03-10T03:30:00Z', '2026-03-10T04:30:00Z')];
    expect(exact(pauses)).toEqual({ state: 'due', due: at('2026-03-10T07:30:00.000Z'), onHold: false, heldMs: 90 * MIN });
  });

  it('clips a hold that began before the stage was entered, and ignores one that ended before', () => {
    expect(exact([pause('2026-03-10T01:00:00Z', '2026-03-10T02:30:00Z')]).due).toEqual(at('2026-03-10T06:30:00.000Z'));
    expect(exact([pause('2026-03-10T00:00:00Z', '2026-03-10T01:00:00Z')]).due).toEqual(at('2026-03-10T06:00:00.000Z'));
  });

  it('has no due instant while on hold with time left, and says what is left', () => {
    expect(exact([pause('2026-03-10T03:00:00Z', null)], { now: at('2026-03-10T05:00:00Z') })).toEqual({
      state: 'paused', due: null, reason: 'paused', pausedSince: at('2026-03-10T03:00:00.000Z'),
      remainingMs: 180 * MIN, heldMs: 120 * MIN,
    });
  });

  it('clips an open hold that began before the stage was entered', () => {
    expect(exact([pause('2026-03-10T01:00:00Z', null)], { now: at('2026-03-10T03:00:00Z') })).toEqual({
      state: 'paused', due: null, reason: 'paused', pausedSince: at('2026-03-10T02:00:00.000Z'),
      remainingMs: 240 * MIN, heldMs: 60 * MIN,
    });
  });

  it('keeps a deadline that ran out before the hold began: a hold cannot hide a breach', () => {
    const late = exact([pause('2026-03-10T04:00:00Z', null)], { targetMinutes: 60, now: at('2026-03-10T05:00:00Z') });
    expect(late).toEqual({ state: 'due', due: at('2026-03-10T03:00:00.000Z'), onHold: true, heldMs: 0 });
  });

  describe('in business mode', () => {
    const business = (pauses: Pause[], now = '2026-03-11T12:00:00Z') =>
      stageDueWithPauses({ ...base, now: at(now), pauses, mode: 'business', targetMinutes: 480 });

    it('counts the target in opening hours (Tue 09:00 + 8 h → Tue 17:00)', () => {
      expect(business([])).toEqual({ state: 'due', due: at('2026-03-10T10:00:00.000Z'), onHold: false, heldMs: 0 });
    });

    it('pushes out by the business minutes on hold only (Tue 10:00 → Wed 10:00 holds 9 h, not 24 h)', () => {
      expect(business([pause('2026-03-10T10:00:00+07:00', '2026-03-11T10:00:00+07:00')])).toEqual({
        state: 'due', due: at('2026-03-11T10:00:00.000Z'), onHold: false, heldMs: 540 * MIN,
      });
    });

    it('measures an open hold so far in business minutes', () => {
      expect(business([pause('2026-03-10T10:00:00+07:00', null)], '2026-03-11T09:00:00+07:00')).toEqual({
        state: 'paused', due: null, reason: 'paused', pausedSince: at('2026-03-10T03:00:00.000Z'),
        remainingMs: 420 * MIN, heldMs: 480 * MIN,
      });
    });

    it('resumes over a weekend from where the hold ended (Fri 16:00, 4 h, hold 16:15–16:45 → Mon 11:30)', () => {
      const due = stageDueWithPauses({
        ...base, enteredAt: at('2026-03-13T16:00:00+07:00'), targetMinutes: 240, mode: 'business',
        pauses: [pause('2026-03-13T16:15:00+07:00', '2026-03-13T16:45:00+07:00')],
      });
      expect(due).toEqual({ state: 'due', due: at('2026-03-16T04:30:00.000Z'), onHold: false, heldMs: 30 * MIN });
    });
  });

  it('rejects a hold that ends before it starts and a negative target', () => {
    expect(() => exact([pause('2026-03-10T04:00:00Z', '2026-03-10T03:00:00Z')])).toThrow(RangeError);
    expect(() => exact([], { targetMinutes: -1 })).toThrow(RangeError);
  });
});
