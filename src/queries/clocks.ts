import { Op } from 'sequelize';
import { CaseClock, type Complaint } from '../models';

/** Loads the clocks of every complaint given in one query and sets each one's `clocks`. */
export async function attachClocks(complaints: Complaint[]): Promise<void> {
  if (complaints.length === 0) return;
  const byCase = new Map<string, CaseClock[]>(complaints.map((c) => [c.id, []]));
  for (const row of await CaseClock.findAll({ where: { complaintId: { [Op.in]: [...byCase.keys()] } } })) byCase.get(row.complaintId)!.push(row);
  for (const c of complaints) c.clocks = byCase.get(c.id)!;
}

/**
 * Running clocks due before `before`, earliest first (every kind, every case): what the SLA sweep
 * reads. One range scan of the partial index `case_clocks_running_due_idx` (migration 0011);
 * `after` continues from the last row of the previous chunk (keyset: due time, then id).
 */
export async function runningClocksDueBefore(before: Date, limit = 500, after?: { dueAt: Date; id: string }): Promise<CaseClock[]> {
  const s = CaseClock.sequelize!;
  return CaseClock.findAll({
    where: {
      outcome: null,
      dueAt: { [Op.lt]: before },
      ...(after ? { [Op.and]: [s.literal(`("CaseClock".due_at, "CaseClock".id) > (${s.escape(after.dueAt.toISOString())}::timestamptz, ${s.escape(after.id)}::uuid)`)] } : {}),
    },
    order: [['dueAt', 'ASC'], ['id', 'ASC']],
    limit,
  });
}
