import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import type { BreachLevel } from '../domain/clockMarks';
import { currentTransaction } from '../lib/context';

/** The `quality_leads` setting: the users the 150 % escalation goes to (with the CS directors). */
export interface QualityLeadsSetting {
  userIds: string[];
}

/** The quality leads named in the setting who are still active users, in id order (none when unset). */
export async function qualityLeads(): Promise<string[]> {
  const rows = await sequelize().query<{ id: string }>(
    `SELECT u.id FROM settings s
       CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(s.value->'userIds', '[]'::jsonb)) AS lead(id)
       JOIN users u ON u.id::text = lead.id AND u.active
      WHERE s.key = 'quality_leads' ORDER BY u.id`,
    { type: QueryTypes.SELECT, transaction: currentTransaction() as Transaction | undefined },
  );
  return rows.map((r) => r.id);
}

/** One recorded breach as the case page lists it. */
export interface BreachView {
  id: string;
  level: BreachLevel;
  clockKind: string;
  stage: string;
  dueAt: Date;
  reachedAt: Date;
  detectedAt: Date;
  assigneeId: string | null;
  assigneeName: string | null;
  departmentName: string | null;
}

/** A case's breaches, the latest first (one indexed read: sla_breaches_complaint_idx). */
export async function breachesOf(complaintId: string): Promise<BreachView[]> {
  const rows = await sequelize().query<BreachView>(
    `SELECT b.id, b.level, b.clock_kind AS "clockKind", b.stage, b.due_at AS "dueAt", b.reached_at AS "reachedAt", b.detected_at AS "detectedAt",
            b.assignee_id AS "assigneeId", u.name AS "assigneeName", d.name AS "departmentName"
       FROM sla_breaches b
       LEFT JOIN users u ON u.id = b.assignee_id
       LEFT JOIN departments d ON d.id = b.department_id
      WHERE b.complaint_id = $1
      ORDER BY b.reached_at DESC, b.level DESC, b.id`,
    { bind: [complaintId], type: QueryTypes.SELECT, transaction: currentTransaction() as Transaction | undefined },
  );
  return rows.map((r) => ({ ...r, level: Number(r.level) as BreachLevel }));
}

/**
 * The highest level each case has reached on a clock that still runs (its current visit), for a
 * page of the queue: one query on sla_breaches_complaint_idx for the page's ids, never per row.
 * A case missing from the map is not in breach.
 */
export async function currentBreachLevels(complaintIds: readonly string[]): Promise<Map<string, BreachLevel>> {
  if (complaintIds.length === 0) return new Map();
  const rows = await sequelize().query<{ complaintId: string; level: number }>(
    `SELECT b.complaint_id AS "complaintId", max(b.level) AS level
       FROM sla_breaches b
       JOIN case_clocks k ON k.id = b.clock_id AND k.started_at = b.clock_started_at AND k.outcome IS NULL
      WHERE b.complaint_id = ANY($1::uuid[])
      GROUP BY b.complaint_id`,
    { bind: [[...complaintIds]], type: QueryTypes.SELECT, transaction: currentTransaction() as Transaction | undefined },
  );
  return new Map(rows.map((r) => [r.complaintId, Number(r.level) as BreachLevel]));
}
