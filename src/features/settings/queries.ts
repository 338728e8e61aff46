import { Op } from 'sequelize';
import { SETTING_KEYS } from '../../commands/settings';
import { SEVERITIES, TIERS } from '../../domain/entries';
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

/** Holidays in date order; of one year when `year` is given. */
export async function listHolidays(year?: number): Promise<Holiday[]> {
  const where = year === undefined ? {} : { date: { [Op.between]: [`${year}-01-01`, `${year}-12-31`] } };
  return Holiday.findAll({ where, order: [['date', 'ASC']] });
}

/** The years the calendar has days in, ascending. */
export async function holidayYears(): Promise<number[]> {
  const rows = await Holiday.findAll({ attributes: ['date'] });
  return [...new Set(rows.map((h) => Number(h.date.slice(0, 4))))].sort((a, b) => a - b);
}

/** The known settings that exist, in a fixed order. */
export async function listSettings(): Promise<Setting[]> {
  const rows = await Setting.findAll({ where: { key: [...SETTING_KEYS] } });
  return SETTING_KEYS.flatMap((k) => rows.filter((r) => r.key === k));
}
