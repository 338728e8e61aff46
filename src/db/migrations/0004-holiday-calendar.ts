import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { appendAuditV1, type AuditV1Event } from './lib/auditV1';
import { preloadedCalendarEntries, type FrozenCalendarEntry } from './lib/preloadedCalendar';
import type { Migration } from './types';

export const NAME = '0004-holiday-calendar';

/** The kinds of day `holidays.kind` allows, as this migration wrote its constraint (frozen, not imported). */
const CALENDAR_DAY_KINDS = ['holiday', 'working_day'] as const;

/**
 * The holidays migration 0002 preloaded into every database created before this one: the
 * statutory rule for 2024–2030, with Tết 2024 as 9–13 Feb + Nghỉ bù 14–15 Feb and Tết 2025 as
 * 28 Jan – 1 Feb + Nghỉ bù 3 Feb instead of the official 8–14 Feb and 25 Jan – 2 Feb.
 * Frozen here (date, Vietnamese name, English name) so the correction below recognises a row
 * that is still exactly as preloaded, whatever the domain's list says later.
 */
export const LEGACY_PRELOAD: ReadonlyArray<readonly [date: string, nameVi: string, nameEn: string]> = [
  ["2024-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2024-02-09", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2024-02-10", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2024-02-11", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2024-02-12", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2024-02-13", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2024-02-14", "Nghỉ bù Tết Nguyên Đán (10/2)", "Compensatory day off for Lunar New Year (Tết) (2024-02-10)"],
  ["2024-02-15", "Nghỉ bù Tết Nguyên Đán (11/2)", "Compensatory day off for Lunar New Year (Tết) (2024-02-11)"],
  ["2024-04-18", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2024-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2024-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2024-09-02", "Quốc khánh", "National Day"],
  ["2024-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2025-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2025-01-28", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2025-01-29", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2025-01-30", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2025-01-31", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2025-02-01", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2025-02-03", "Nghỉ bù Tết Nguyên Đán (1/2)", "Compensatory day off for Lunar New Year (Tết) (2025-02-01)"],
  ["2025-04-07", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2025-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2025-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2025-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2025-09-02", "Quốc khánh", "National Day"],
  ["2026-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2026-02-16", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2026-02-17", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2026-02-18", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2026-02-19", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2026-02-20", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2026-04-26", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (26/4)", "Compensatory day off for Hung Kings' Commemoration Day (2026-04-26)"],
  ["2026-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2026-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2026-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2026-09-02", "Quốc khánh", "National Day"],
  ["2027-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2027-02-05", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2027-02-06", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2027-02-07", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2027-02-08", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2027-02-09", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2027-02-10", "Nghỉ bù Tết Nguyên Đán (6/2)", "Compensatory day off for Lunar New Year (Tết) (2027-02-06)"],
  ["2027-02-11", "Nghỉ bù Tết Nguyên Đán (7/2)", "Compensatory day off for Lunar New Year (Tết) (2027-02-07)"],
  ["2027-04-16", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2027-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2027-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động (1/5)", "Compensatory day off for International Labour Day (2027-05-01)"],
  ["2027-09-02", "Quốc khánh", "National Day"],
  ["2027-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2028-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2028-01-03", "Nghỉ bù Tết Dương lịch (1/1)", "Compensatory day off for New Year's Day (2028-01-01)"],
  ["2028-01-25", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2028-01-26", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2028-01-27", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2028-01-28", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2028-01-29", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2028-01-31", "Nghỉ bù Tết Nguyên Đán (29/1)", "Compensatory day off for Lunar New Year (Tết) (2028-01-29)"],
  ["2028-04-04", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2028-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2028-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2028-05-02", "Nghỉ bù Ngày Chiến thắng (30/4)", "Compensatory day off for Reunification Day (2028-04-30)"],
  ["2028-09-01", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2028-09-02", "Quốc khánh", "National Day"],
  ["2028-09-04", "Nghỉ bù Quốc khánh (2/9)", "Compensatory day off for National Day (2028-09-02)"],
  ["2029-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2029-02-12", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2029-02-13", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2029-02-14", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2029-02-15", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2029-02-16", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2029-04-23", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2029-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2029-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2029-09-02", "Quốc khánh", "National Day"],
  ["2029-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
  ["2029-09-04", "Nghỉ bù Quốc khánh (2/9)", "Compensatory day off for National Day (2029-09-02)"],
  ["2030-01-01", "Tết Dương lịch", "New Year's Day"],
  ["2030-02-01", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2030-02-02", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2030-02-03", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2030-02-04", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2030-02-05", "Tết Nguyên Đán", "Lunar New Year (Tết)"],
  ["2030-02-06", "Nghỉ bù Tết Nguyên Đán (2/2)", "Compensatory day off for Lunar New Year (Tết) (2030-02-02)"],
  ["2030-02-07", "Nghỉ bù Tết Nguyên Đán (3/2)", "Compensatory day off for Lunar New Year (Tết) (2030-02-03)"],
  ["2030-04-12", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"],
  ["2030-04-30", "Ngày Chiến thắng", "Reunification Day"],
  ["2030-05-01", "Ngày Quốc tế Lao động", "International Labour Day"],
  ["2030-09-02", "Quốc khánh", "National Day"],
  ["2030-09-03", "Quốc khánh (ngày nghỉ liền kề)", "National Day (adjacent day off)"],
];

interface Row {
  id: string;
  date: string;
  name_vi: string;
  name_en: string;
  kind: string;
  provisional: boolean;
}

const present = (r: Row) => ({ id: r.id, date: r.date, nameVi: r.name_vi, nameEn: r.name_en, kind: r.kind, provisional: r.provisional });

/**
 * The holiday calendar holds two kinds of day and knows which are provisional:
 *
 * - `kind`: `holiday` (a day off) or `working_day` (a make-up working day, ngày làm bù);
 * - `provisional`: computed by the statutory rule for a year without a published schedule, until
 *   the sysadmin confirms the year (every existing row of such a year starts provisional, a
 *   sysadmin's own day excepted);
 *
 * and the preload is corrected to the official Tết blocks. Only rows still exactly as 0002
 * preloaded them (same date and both names) are renamed or removed; a day the sysadmin added or
 * renamed stays as it is, a date the sysadmin already holds is not overwritten, and a preloaded
 * day the sysadmin removed is not brought back. Each correction writes its audit event (actor
 * `system`, label "migration") in this same transaction; filling the new columns of existing rows
 * is part of adding them and is not an event, like 0002's preload itself.
 */
export const up: Migration = async ({ context: sequelize }) => {
  const kinds = CALENDAR_DAY_KINDS.map((k) => `'${k}'`).join(', ');
  await sequelize.query(`
    ALTER TABLE holidays
      ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'holiday' CONSTRAINT holidays_kind_check CHECK (kind IN (${kinds})),
      ADD COLUMN provisional boolean NOT NULL DEFAULT false
  `);

  const meta = { migration: NAME };
  const audit = async (input: Omit<AuditV1Event, 'entityType' | 'actorLabel' | 'meta'>) => {
    await appendAuditV1(sequelize, { ...input, entityType: 'Holiday', actorLabel: 'migration', meta });
  };

  const legacy = new Map(LEGACY_PRELOAD.map(([date, nameVi, nameEn]) => [date, { nameVi, nameEn }]));
  const target = new Map<string, FrozenCalendarEntry>(preloadedCalendarEntries().map((d) => [d.date, d]));
  const rows = await sequelize.query<Row>('SELECT id, date::text AS date, name_vi, name_en, kind, provisional FROM holidays', { type: QueryTypes.SELECT });
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const asPreloaded = (r: Row, names: { nameVi: string; nameEn: string } | undefined) =>
    names !== undefined && r.name_vi === names.nameVi && r.name_en === names.nameEn;

  // A day computed for a year without an official schedule starts provisional, whatever its
  // names; a day the sysadmin added on a date of their own is not.
  const provisionalDates = [...target.values()].filter((d) => d.provisional && d.kind === 'holiday').map((d) => d.date);
  if (provisionalDates.length > 0) {
    await sequelize.query("UPDATE holidays SET provisional = true WHERE kind = 'holiday' AND date = ANY($1::date[])", { bind: [provisionalDates] });
    for (const date of provisionalDates) {
      const row = byDate.get(date);
      if (row) row.provisional = true;
    }
  }

  // Preloaded days the official schedule does not have (2024-02-15, 2025-02-03): removed.
  for (const [date, names] of legacy) {
    const row = byDate.get(date);
    if (target.has(date) || !row || !asPreloaded(row, names)) continue;
    await sequelize.query('DELETE FROM holidays WHERE id = $1', { bind: [row.id] });
    await audit({ action: 'holiday.deleted', entityId: row.id, changes: { before: present(row) } });
  }

  for (const day of target.values()) {
    const row = byDate.get(day.date);
    if (row) {
      // Still as preloaded (by 0002, old or new list): take the official names and kind
      // (2024-02-14 was "Nghỉ bù Tết", it is Tết itself).
      if (!asPreloaded(row, legacy.get(day.date)) && !asPreloaded(row, { nameVi: day.name_vi, nameEn: day.name_en })) continue;
      const next = { ...row, name_vi: day.name_vi, name_en: day.name_en, kind: day.kind, provisional: day.provisional };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const was = present(row) as Record<string, unknown>;
      const now = present(next) as Record<string, unknown>;
      for (const k of Object.keys(now)) if (was[k] !== now[k]) [before[k], after[k]] = [was[k], now[k]];
      if (Object.keys(after).length === 0) continue;
      await sequelize.query(
        'UPDATE holidays SET name_vi = $2, name_en = $3, kind = $4, provisional = $5, version = version + 1, updated_at = now() WHERE id = $1',
        { bind: [row.id, next.name_vi, next.name_en, next.kind, next.provisional] },
      );
      await audit({ action: 'holiday.updated', entityId: row.id, changes: { before, after } });
      continue;
    }
    // A date 0002 preloaded that is gone was removed by the sysadmin: it stays removed.
    if (legacy.has(day.date)) continue;
    const id = randomUUID();
    const inserted = await sequelize.query<{ id: string }>(
      `INSERT INTO holidays (id, date, name_vi, name_en, kind, provisional) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (date) DO NOTHING RETURNING id`,
      { bind: [id, day.date, day.name_vi, day.name_en, day.kind, day.provisional], type: QueryTypes.SELECT },
    );
    if (inserted.length === 0) continue;
    const created: Row = { id, date: day.date, name_vi: day.name_vi, name_en: day.name_en, kind: day.kind, provisional: day.provisional };
    await audit({ action: 'holiday.created', entityId: id, changes: { after: present(created) } });
  }
};
