import { DateTime } from 'luxon';
import { isWorkingDay } from '../../src/domain/calendar';
import {
  DEFAULT_WEEKEND,
  NATIONAL_DAY_ADJACENT_DECIDED,
  OFFICIAL_TET_BLOCKS,
  VIETNAM_DEFAULT_CALENDAR,
  VIETNAM_PRELOADED_CALENDAR,
  VIETNAM_LUNAR_DATES,
  VIETNAM_PUBLIC_HOLIDAYS,
  makeCalendar,
  nationalDayAdjacentDate,
  parseIsoDate,
  preloadedCalendarForYear,
  statutoryHolidays,
  vietnamHolidaysForYear,
  withCompensatoryDays,
} from '../../src/domain/holidays';
import { lunarToSolar } from '../support/vietnameseLunar';

const YEARS = [2024, 2025, 2026, 2027, 2028, 2029, 2030];
const datesOf = (year: number): string[] =>
  VIETNAM_PUBLIC_HOLIDAYS.filter((h) => h.date.startsWith(`${year}-`)).map((h) => h.date);
const weekday = (date: string): number => DateTime.fromISO(date, { zone: 'utc' }).weekday;

describe('lunar dates for Vietnam (UTC+7)', () => {
  it('places Tết (1st day of the 1st lunar month) on the Vietnamese solar dates for 2024–2030', () => {
    expect(Object.fromEntries(YEARS.map((y) => [y, VIETNAM_LUNAR_DATES[y]?.tet]))).toEqual({
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
      2029: '2029-02-13',
      // China (UTC+8) has 2030-02-03: the new moon is at 23:07 in Hà Nội but 00:07 in Beijing.
      2030: '2030-02-02',
    });
  });

  it('agrees with an independent new-moon computation for UTC+7, which differs from UTC+8 (China) only in 2030', () => {
    for (const year of YEARS) {
      expect({ year, tet: lunarToSolar(1, 1, year, 7), hungKings: lunarToSolar(10, 3, year, 7) }).toEqual({ year, ...VIETNAM_LUNAR_DATES[year] });
    }
    expect(YEARS.filter((y) => lunarToSolar(1, 1, y, 8) !== VIETNAM_LUNAR_DATES[y]?.tet)).toEqual([2030]);
    expect(lunarToSolar(1, 1, 2030, 8)).toBe('2030-02-03');
    // Known Tết dates before the table: 2021 Fri 12 Feb, 2023 Sun 22 Jan.
    expect([lunarToSolar(1, 1, 2021, 7), lunarToSolar(1, 1, 2023, 7)]).toEqual(['2021-02-12', '2023-01-22']);
  });

  it('places Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month) on the right solar dates', () => {
    expect(Object.fromEntries(YEARS.map((y) => [y, VIETNAM_LUNAR_DATES[y]?.hungKings]))).toEqual({
      2024: '2024-04-18',
      2025: '2025-04-07',
      2026: '2026-04-26',
      2027: '2027-04-16',
      2028: '2028-04-04',
      2029: '2029-04-23',
      2030: '2030-04-12',
    });
  });
});

describe('VIETNAM_PUBLIC_HOLIDAYS', () => {
  it('lists every date once, in date order', () => {
    const dates = VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
  });

  it('covers exactly 2024 through 2030 with at least the 11 statutory days each year', () => {
    expect(new Set(VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date.slice(0, 4)))).toEqual(new Set(YEARS.map(String)));
    for (const year of YEARS) expect(datesOf(year).length).toBeGreaterThanOrEqual(11);
  });

  it('holds only real calendar dates', () => {
    for (const h of VIETNAM_PUBLIC_HOLIDAYS) expect(parseIsoDate(h.date).toISODate()).toBe(h.date);
  });

  it('gives Tết 2026 as the official block Sat 14 – Sun 22 February, with no make-up day needed', () => {
    const tet = VIETNAM_PUBLIC_HOLIDAYS.filter((h) => h.name_vi === 'Tết Nguyên Đán' && h.date.startsWith('2026-'));
    expect(tet.map((h) => h.date)).toEqual(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']);
    expect(tet.every((h) => h.name_en === 'Lunar New Year (Tết)')).toBe(true);
    expect(datesOf(2026).filter((d) => d.startsWith('2026-02-'))).toHaveLength(9);
  });

  it('spells out the full 2024 and 2026 tables, compensatory days included', () => {
    expect(datesOf(2024)).toEqual([
      '2024-01-01',
      // The official Tết block Thu 8 – Wed 14 Feb; its weekend needs no making up.
      '2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14',
      '2024-04-18', '2024-04-30', '2024-05-01',
      '2024-09-02', '2024-09-03',
    ]);
    expect(datesOf(2026)).toEqual([
      '2026-01-01',
      '2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22',
      '2026-04-26', '2026-04-27', // Giỗ Tổ on a Sunday, made up on Monday
      '2026-04-30', '2026-05-01',
      '2026-09-01', '2026-09-02',
    ]);
  });

  it('makes up every holiday that falls on a Saturday or Sunday with one "Nghỉ bù" day', () => {
    const compensatory = VIETNAM_PUBLIC_HOLIDAYS.filter((h) => h.name_vi.startsWith('Nghỉ bù '));
    // An official Tết block already settles its own weekend days.
    const inOfficialBlock = (h: { date: string; name_vi: string }) => h.name_vi === 'Tết Nguyên Đán' && OFFICIAL_TET_BLOCKS[Number(h.date.slice(0, 4))] !== undefined;
    const onWeekend = YEARS.flatMap(statutoryHolidays).filter((h) => weekday(h.date) >= 6 && !inOfficialBlock(h));
    expect(compensatory).toHaveLength(onWeekend.length);
    for (const day of compensatory) expect(weekday(day.date)).toBeLessThanOrEqual(5);
    for (const h of onWeekend) {
      expect(VIETNAM_PUBLIC_HOLIDAYS.some((c) => c.name_en.endsWith(`(${h.date})`))).toBe(true);
    }
  });

  it('names a compensatory day after the holiday it makes up, in both languages', () => {
    expect(VIETNAM_PUBLIC_HOLIDAYS.find((h) => h.date === '2026-04-27')).toEqual({
      date: '2026-04-27',
      name_vi: 'Nghỉ bù Giỗ Tổ Hùng Vương (26/4)',
      name_en: "Compensatory day off for Hung Kings' Commemoration Day (2026-04-26)",
    });
  });

  it('pushes a make-up day past a holiday that follows the weekend (30/4/2028 Sun → Tue 2 May)', () => {
    expect(datesOf(2028).filter((d) => d >= '2028-04-29' && d <= '2028-05-05')).toEqual([
      '2028-04-30',
      '2028-05-01',
      '2028-05-02',
    ]);
    expect(VIETNAM_PUBLIC_HOLIDAYS.find((h) => h.date === '2028-05-02')?.name_vi).toBe('Nghỉ bù Ngày Chiến thắng (30/4)');
  });

  it('makes up New Year 2028 (a Saturday) on Monday 3 January', () => {
    expect(datesOf(2028).slice(0, 2)).toEqual(['2028-01-01', '2028-01-03']);
  });

  it('makes up Tết 2030 (Sat 2 + Sun 3 Feb in Vietnam) on Wed 6 and Thu 7 Feb', () => {
    expect(datesOf(2030).filter((d) => d.startsWith('2030-02-'))).toEqual([
      '2030-02-01', '2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07',
    ]);
  });

  it('uses the Vietnamese names with NFC-normalised diacritics', () => {
    for (const h of VIETNAM_PUBLIC_HOLIDAYS) {
      expect(h.name_vi).toBe(h.name_vi.normalize('NFC'));
      expect(h.name_en).toBe(h.name_en.normalize('NFC'));
    }
    const statutoryNames = new Set(VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.name_vi).filter((n) => !n.startsWith('Nghỉ bù')));
    expect(statutoryNames).toEqual(
      new Set([
        'Tết Dương lịch',
        'Tết Nguyên Đán',
        'Giỗ Tổ Hùng Vương',
        'Ngày Chiến thắng',
        'Ngày Quốc tế Lao động',
        'Quốc khánh',
        'Quốc khánh (ngày nghỉ liền kề)',
      ]),
    );
    // 'ế' must be the single precomposed code point U+1EBF, not e + two combining marks.
    expect(VIETNAM_PUBLIC_HOLIDAYS[0]?.name_vi.codePointAt(1)).toBe(0x1ebf);
  });

  it('is frozen so no caller can edit the shared default in place', () => {
    expect(Object.isFrozen(VIETNAM_PUBLIC_HOLIDAYS)).toBe(true);
    expect(Object.isFrozen(VIETNAM_PUBLIC_HOLIDAYS[0])).toBe(true);
  });
});

describe('official Tết blocks and provisional years', () => {
  const tetOf = (year: number) => VIETNAM_PRELOADED_CALENDAR.filter((d) => d.name_vi === 'Tết Nguyên Đán' && d.date.startsWith(`${year}-`)).map((d) => d.date);

  it('preloads Tết 2024 as Thu 8 – Wed 14 Feb and Tết 2025 as Sat 25 Jan – Sun 2 Feb (the official schedules)', () => {
    expect(tetOf(2024)).toEqual(['2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14']);
    expect(tetOf(2025)).toEqual(['2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
    expect(tetOf(2026)).toEqual(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']);
  });

  it('has no compensatory day after an official block: 15 Feb 2024 and 3 Feb 2025 are working days', () => {
    for (const date of ['2024-02-15', '2025-02-03']) {
      expect(VIETNAM_PRELOADED_CALENDAR.some((d) => d.date === date)).toBe(false);
      expect(isWorkingDay(date, VIETNAM_DEFAULT_CALENDAR)).toBe(true);
    }
    expect(isWorkingDay('2024-02-08', VIETNAM_DEFAULT_CALENDAR)).toBe(false);
    expect(isWorkingDay('2025-01-27', VIETNAM_DEFAULT_CALENDAR)).toBe(false);
  });

  it('puts each official block around its Lunar New Year, with at least the five statutory weekdays off', () => {
    for (const [year, block] of Object.entries(OFFICIAL_TET_BLOCKS)) {
      const tet = VIETNAM_LUNAR_DATES[Number(year)]!.tet;
      expect(block.from < tet && tet < block.to).toBe(true);
      expect(tetOf(Number(year)).filter((d) => weekday(d) <= 5).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('marks the computed years 2027–2030 provisional and the official years 2024–2026 not', () => {
    for (const year of YEARS) {
      const days = preloadedCalendarForYear(year);
      expect(days.length).toBeGreaterThan(0);
      expect(days.every((d) => d.provisional === year >= 2027)).toBe(true);
    }
    // A computed year is the statutory rule, compensatory days included.
    expect(preloadedCalendarForYear(2027).map((d) => d.date)).toEqual(vietnamHolidaysForYear(2027).map((h) => h.date));
  });

  it('holds every preloaded day once, in date order, as a holiday, frozen', () => {
    const dates = VIETNAM_PRELOADED_CALENDAR.map((d) => d.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    expect(VIETNAM_PRELOADED_CALENDAR.every((d) => d.kind === 'holiday')).toBe(true);
    expect(VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.date)).toEqual(dates);
    expect(Object.isFrozen(VIETNAM_PRELOADED_CALENDAR)).toBe(true);
    expect(Object.isFrozen(VIETNAM_PRELOADED_CALENDAR[0])).toBe(true);
  });
});

describe('National Day adjacent day', () => {
  it('uses the decided days for 2024 (3 Sep) and 2025 (1 Sep)', () => {
    expect(NATIONAL_DAY_ADJACENT_DECIDED).toEqual({ 2024: '2024-09-03', 2025: '2025-09-01' });
    expect(nationalDayAdjacentDate(2024)).toBe('2024-09-03');
    expect(nationalDayAdjacentDate(2025)).toBe('2025-09-01');
  });

  it('otherwise takes the weekday that joins the holiday to a weekend, 1 Sep when none does', () => {
    expect(nationalDayAdjacentDate(2026)).toBe('2026-09-01'); // Wed: neither joins, 1 Sep
    expect(nationalDayAdjacentDate(2027)).toBe('2027-09-03'); // Thu → Fri
    expect(nationalDayAdjacentDate(2028)).toBe('2028-09-01'); // Sat → Fri
    expect(nationalDayAdjacentDate(2029)).toBe('2029-09-03'); // Sun → Mon
    expect(nationalDayAdjacentDate(2030)).toBe('2030-09-03'); // Mon → Tue
  });

  it('reproduces the decisions of the years before the table (2021 Thu → 3 Sep, 2022 Fri → 1 Sep)', () => {
    expect(nationalDayAdjacentDate(2021)).toBe('2021-09-03');
    expect(nationalDayAdjacentDate(2022)).toBe('2022-09-01');
  });

  it('makes up 2 Sep 2029 (a Sunday) after the adjacent Monday', () => {
    expect(datesOf(2029).filter((d) => d.startsWith('2029-09-'))).toEqual(['2029-09-02', '2029-09-03', '2029-09-04']);
  });
});

describe('holiday builders', () => {
  it('refuses a year without lunar data rather than guess Tết', () => {
    expect(() => statutoryHolidays(2031)).toThrow(RangeError);
  });

  it('builds a year as statutory days plus compensatory days', () => {
    expect(vietnamHolidaysForYear(2027).map((h) => h.date)).toEqual([
      '2027-01-01',
      '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11',
      '2027-04-16', '2027-04-30', '2027-05-01', '2027-05-03',
      '2027-09-02', '2027-09-03',
    ]);
  });

  it('honours a Sunday-only weekly rest day when computing make-up days', () => {
    const dates = withCompensatoryDays(statutoryHolidays(2027), [7]).map((h) => h.date);
    // Sat 6 Feb and Sat 1 May are working days here; only Sun 7 Feb needs making up.
    expect(dates.filter((d) => !statutoryHolidays(2027).some((h) => h.date === d))).toEqual(['2027-02-10']);
  });
});

describe('makeCalendar', () => {
  it('defaults the weekend to Saturday and Sunday', () => {
    expect([...DEFAULT_WEEKEND]).toEqual([6, 7]);
    expect(makeCalendar(['2026-01-01']).weekend).toEqual(new Set([6, 7]));
    expect(VIETNAM_DEFAULT_CALENDAR.holidays.has('2026-02-17')).toBe(true);
    expect(VIETNAM_DEFAULT_CALENDAR.holidays.size).toBe(VIETNAM_PUBLIC_HOLIDAYS.length);
  });

  it('accepts a custom weekend and de-duplicates dates', () => {
    const calendar = makeCalendar(['2026-01-01', '2026-01-01'], [5, 6]);
    expect(calendar.holidays).toEqual(new Set(['2026-01-01']));
    expect(calendar.weekend).toEqual(new Set([5, 6]));
  });

  it.each(['2026-02-30', '2026-2-3', '20260217', '2026-02-17T00:00', ''])('rejects the malformed date %j', (date) => {
    expect(() => makeCalendar([date])).toThrow(RangeError);
  });

  it('holds make-up working days apart from holidays, and refuses a date that is both', () => {
    const calendar = makeCalendar(['2026-01-01'], DEFAULT_WEEKEND, ['2026-01-03', '2026-01-03']);
    expect(calendar.workingDays).toEqual(new Set(['2026-01-03']));
    expect(calendar.holidays).toEqual(new Set(['2026-01-01']));
    expect(makeCalendar([]).workingDays).toEqual(new Set());
    expect(() => makeCalendar(['2026-01-03'], DEFAULT_WEEKEND, ['2026-01-03'])).toThrow(RangeError);
    expect(() => makeCalendar([], DEFAULT_WEEKEND, ['2026-01-32'])).toThrow(RangeError);
  });

  it('rejects weekday numbers outside 1–7 and a week with no working day', () => {
    expect(() => makeCalendar([], [0])).toThrow(RangeError);
    expect(() => makeCalendar([], [8])).toThrow(RangeError);
    expect(() => makeCalendar([], [1, 2, 3, 4, 5, 6, 7])).toThrow(RangeError);
  });
});
