import { Op } from 'sequelize';
import { SETTING_KEYS } from '../../commands/settings';
import { SEVERITIES, TIERS } from '../../domain/entries';
import type { CalendarDayKind } from '../../domain/holidays';
import { SLA_STAGES } from '../../domain/workflow';
import { Holiday, Setting, SlaPolicy } from '../../models';

const rank = (list: readonly string[], v: string | null) => (v === null ? -1 : list.indexOf(v));

/** Every SLA policy row in stage order; within a stage the default first, then by severity and tier. */
export async function listSlaPolicies(): Promise<SlaPolicy[]> {
  const rows = await SlaPolicy.findAll();
  return rows.sort(
    (a, b) =>
      rank(SLA_STAGES, a.stage) - rank(SLA_STAGES, b.stage) ||
      rank(SEVERITIES, a.severity) - rank(SEVERITIES, b.severity) ||
      rank(TIERS, a.tier) - rank(TIERS, b.tier),
  );
}

/** Days of the holiday calendar in date order; of one year and/or one kind when given. */
export async function listHolidays(year?: number, kind?: CalendarDayKind): Promise<Holiday[]> {
  const where = {
    ...(year === undefined ? {} : { date: { [Op.between]: [`${year}-01-01`, `${year}-12-31`] } }),
    ...(kind === undefined ? {} : { kind }),
  };
  return Holiday.findAll({ where, order: [['date', 'ASC']] });
}

export interface HolidayYear {
  year: number;
  /** Days off. */
  holidays: number;
  /** Make-up working days. */
  workingDays: number;
  /** Days still provisional (0 once the year is confirmed). */
  provisional: number;
}

/** The years the calendar has days in, ascending, with what each holds. */
export async function holidayYearSummaries(): Promise<HolidayYear[]> {
  const rows = await Holiday.findAll({ attributes: ['date', 'kind', 'provisional'] });
  const years = new Map<number, HolidayYear>();
  for (const row of rows) {
    const year = Number(row.date.slice(0, 4));
    const summary = years.get(year) ?? { year, holidays: 0, workingDays: 0, provisional: 0 };
    if (row.kind === 'working_day') summary.workingDays++;
    else summary.holidays++;
    if (row.provisional) summary.provisional++;
    years.set(year, summary);
  }
  return [...years.values()].sort((a, b) => a.year - b.year);
}

/** The years the calendar has days in, ascending. */
export async function holidayYears(): Promise<number[]> {
  return (await holidayYearSummaries()).map((y) => y.year);
}

/** The known settings that exist, in a fixed order. */
export async function listSettings(): Promise<Setting[]> {
  const rows = await Setting.findAll({ where: { key: [...SETTING_KEYS] } });
  return SETTING_KEYS.flatMap((k) => rows.filter((r) => r.key === k));
}
