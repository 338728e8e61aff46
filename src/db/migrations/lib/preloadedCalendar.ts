/**
 * The preloaded holiday calendar 2024–2030 exactly as migrations 0002 and 0004 load it: a copy of
 * `VIETNAM_PRELOADED_CALENDAR` (src/domain/holidays.ts) as it stood when they were frozen, generated
 * from it, not imported. A later change to the domain's list must not change what an old migration
 * did; it reaches existing databases through a new migration that applies the difference.
 *
 * Frozen: do not edit.
 */

/** One preloaded day: date, Vietnamese name, English name, kind, provisional. */
export type FrozenCalendarDay = readonly [date: string, nameVi: string, nameEn: string, kind: 'holiday' | 'working_day', provisional: boolean];

export const PRELOADED_CALENDAR_2024_2030: readonly FrozenCalendarDay[] = [
  ["2024-01-01", "Tết Dương lịch", "New Year's Day", "holiday", false],
  ["2024-02-08", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-09", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-10", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-11", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-12", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-13", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-02-14", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2024-04-18", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", false],
  ["2024-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", false],
  ["2024-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", false],
  ["2024-09-02", "Quốc khánh", "National Day", "holiday", false],
  ["2024-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", false],
  ["2025-01-01", "Tết Dương lịch", "New Year's Day", "holiday", false],
  ["2025-01-25", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-26", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-27", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-28", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-29", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-30", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-01-31", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-02-01", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-02-02", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2025-04-07", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", false],
  ["2025-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", false],
  ["2025-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", false],
  ["2025-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", false],
  ["2025-09-02", "Quốc khánh", "National Day", "holiday", false],
  ["2026-01-01", "Tết Dương lịch", "New Year's Day", "holiday", false],
  ["2026-02-14", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-15", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-16", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-17", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-18", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-19", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-20", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-21", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-02-22", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", false],
  ["2026-04-26", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", false],
  ["2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (26/4)", "Compensatory day off for Hung Kings' Commemoration Day (2026-04-26)", "holiday", false],
  ["2026-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", false],
  ["2026-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", false],
  ["2026-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", false],
  ["2026-09-02", "Quốc khánh", "National Day", "holiday", false],
  ["2027-01-01", "Tết Dương lịch", "New Year's Day", "holiday", true],
  ["2027-02-05", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2027-02-06", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2027-02-07", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2027-02-08", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2027-02-09", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2027-02-10", "Nghỉ bù Tết Nguyên Đán (6/2)", "Compensatory day off for Lunar New Year (Tết) (2027-02-06)", "holiday", true],
  ["2027-02-11", "Nghỉ bù Tết Nguyên Đán (7/2)", "Compensatory day off for Lunar New Year (Tết) (2027-02-07)", "holiday", true],
  ["2027-04-16", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", true],
  ["2027-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", true],
  ["2027-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", true],
  ["2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động (1/5)", "Compensatory day off for International Labour Day (2027-05-01)", "holiday", true],
  ["2027-09-02", "Quốc khánh", "National Day", "holiday", true],
  ["2027-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", true],
  ["2028-01-01", "Tết Dương lịch", "New Year's Day", "holiday", true],
  ["2028-01-03", "Nghỉ bù Tết Dương lịch (1/1)", "Compensatory day off for New Year's Day (2028-01-01)", "holiday", true],
  ["2028-01-25", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2028-01-26", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2028-01-27", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2028-01-28", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2028-01-29", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2028-01-31", "Nghỉ bù Tết Nguyên Đán (29/1)", "Compensatory day off for Lunar New Year (Tết) (2028-01-29)", "holiday", true],
  ["2028-04-04", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", true],
  ["2028-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", true],
  ["2028-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", true],
  ["2028-05-02", "Nghỉ bù Ngày Chiến thắng (30/4)", "Compensatory day off for Reunification Day (2028-04-30)", "holiday", true],
  ["2028-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", true],
  ["2028-09-02", "Quốc khánh", "National Day", "holiday", true],
  ["2028-09-04", "Nghỉ bù Quốc khánh (2/9)", "Compensatory day off for National Day (2028-09-02)", "holiday", true],
  ["2029-01-01", "Tết Dương lịch", "New Year's Day", "holiday", true],
  ["2029-02-12", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2029-02-13", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2029-02-14", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2029-02-15", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2029-02-16", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2029-04-23", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", true],
  ["2029-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", true],
  ["2029-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", true],
  ["2029-09-02", "Quốc khánh", "National Day", "holiday", true],
  ["2029-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", true],
  ["2029-09-04", "Nghỉ bù Quốc khánh (2/9)", "Compensatory day off for National Day (2029-09-02)", "holiday", true],
  ["2030-01-01", "Tết Dương lịch", "New Year's Day", "holiday", true],
  ["2030-02-01", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2030-02-02", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2030-02-03", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2030-02-04", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2030-02-05", "Tết Nguyên Đán", "Lunar New Year (Tết)", "holiday", true],
  ["2030-02-06", "Nghỉ bù Tết Nguyên Đán (2/2)", "Compensatory day off for Lunar New Year (Tết) (2030-02-02)", "holiday", true],
  ["2030-02-07", "Nghỉ bù Tết Nguyên Đán (3/2)", "Compensatory day off for Lunar New Year (Tết) (2030-02-03)", "holiday", true],
  ["2030-04-12", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", "holiday", true],
  ["2030-04-30", "Ngày Chiến thắng", "Reunification Day", "holiday", true],
  ["2030-05-01", "Ngày Quốc tế Lao động", "International Labour Day", "holiday", true],
  ["2030-09-02", "Quốc khánh", "National Day", "holiday", true],
  ["2030-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)", "holiday", true],
];

/** The days as {@link PRELOADED_CALENDAR_2024_2030} lists them, in the shape the migrations read. */
export interface FrozenCalendarEntry {
  readonly date: string;
  readonly name_vi: string;
  readonly name_en: string;
  readonly kind: 'holiday' | 'working_day';
  readonly provisional: boolean;
}

export const preloadedCalendarEntries = (): FrozenCalendarEntry[] =>
  PRELOADED_CALENDAR_2024_2030.map(([date, name_vi, name_en, kind, provisional]) => ({ date, name_vi, name_en, kind, provisional }));
