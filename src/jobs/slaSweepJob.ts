import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { BREACH_LEVELS, type BreachLevel } from '../domain/clockMarks';
import { FINISHED } from '../domain/workflow';
import * as clock from '../lib/clock';
import { SlaBreach } from '../models';
import { prepareInsert } from '../models/audited';
import { NOTICE } from '../notifications/kinds';
import { departmentHeads, usersWithRoles, type Notice } from '../notifications/notify';
import { notifyAll } from '../notifications/notify';
import { qualityLeads } from '../queries/slaBreaches';
import { CronJob, type JobContext } from './CronJob';

/** Breaches recorded per chunk (one short transaction: one select, one insert, their events and notices). */
export const SWEEP_CHUNK = 500;

/**
 * The instant each level compares with now, a column of `case_clocks` on its own partial index of
 * running clocks (0011, 0022): 80 % `warn_at`, 100 % `due_at`, 150 % `escalate_at`.
 */
const MARK: Record<BreachLevel, 'warn_at' | 'due_at' | 'escalate_at'> = { 80: 'warn_at', 100: 'due_at', 150: 'escalate_at' };

/** Who is told of each level, and by which notice (PRODUCT.md "Scheduler and notifications"). */
const NOTICE_OF: Record<BreachLevel, string> = { 80: NOTICE.slaNearBreach, 100: NOTICE.slaBreached, 150: NOTICE.slaEscalated };

interface Candidate {
  clockId: string;
  complaintId: string;
  clockKind: string;
  clockStartedAt: Date;
  dueAt: Date;
  reachedAt: Date;
  stage: string;
  assigneeId: string | null;
  departmentId: string | null;
}

interface Recorded {
  id: string;
  complaintId: string;
  clockId: string;
  clockKind: string;
  clockStartedAt: Date;
  dueAt: Date;
  level: BreachLevel;
  reachedAt: Date;
  detectedAt: Date;
  stage: string;
  assigneeId: string | null;
  departmentId: string | null;
  reference: string;
}

/** What one sweep did, per level: `recorded` new breaches (each notified once). */
export interface SweepResult {
  recorded: Record<BreachLevel, number>;
}

/**
 * The SLA sweep (`sla-sweep`, every 5 minutes; PRODUCT.md "Scheduler and notifications"): each
 * running clock that has reached 80 %, 100 % or 150 % of its measured time gets one `sla_breaches`
 * row per level and visit (who held the case, in which stage), audited, and its notices, in the
 * same short transaction:
 * - 80 % (`sla.near_breach`): the assignee;
 * - 100 % (`sla.breached`): the assignee and their department's head;
 * - 150 % (`sla.escalated`): the quality leads (the `quality_leads` setting) and every CS director.
 * A case without an assignee has nobody who holds it: its 80 % and 100 % notices go to the users
 * with the `quality` role, who assign cases.
 *
 * Set-based and catch-up safe: per level, keyset chunks of one range scan of the level's partial
 * index (`WHERE outcome IS NULL AND <mark> <= now`) with `NOT EXISTS` of the breach, never the
 * open entries that have not reached it. A run after downtime records what it missed. Concurrent
 * sweeps (two instances, a manual `job:run` next to the schedule) cannot record or notify twice:
 * the breach's UNIQUE (clock, visit, level) key makes the second INSERT a no-op (`ON CONFLICT DO
 * NOTHING`, which waits for the first to commit), and only inserted rows are notified.
 */
export class SlaSweepJob extends CronJob {
  readonly name = 'sla-sweep';
  readonly schedule = '*/5 * * * *';

  /** `chunkSize`: breaches per transaction (tests make it small to cross chunk boundaries). */
  constructor(private readonly chunkSize = SWEEP_CHUNK) {
    super();
  }

  async perform(ctx: JobContext): Promise<SweepResult> {
    return sweepSla(ctx, this.chunkSize);
  }
}

/** One sweep at `clock.now()` (the bench and the two-process test call it through the job). */
export async function sweepSla(ctx: Pick<JobContext, 'chunk' | 'count'>, chunkSize = SWEEP_CHUNK): Promise<SweepResult> {
  const now = clock.now();
  const recorded = { 80: 0, 100: 0, 150: 0 } as Record<BreachLevel, number>;
  const recipients = new Recipients();
  for (const level of BREACH_LEVELS) {
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const page = await ctx.chunk(async () => {
        const candidates = await candidatesAt(level, now, after, chunkSize);
        const rows = await record(level, now, candidates);
        const notices: Notice[] = [];
        for (const row of rows) notices.push(await noticeOf(row, recipients));
        // The chunk's notices in two statements (notify() for each would be one or two per recipient).
        ctx.count('notifications', (await notifyAll(notices)).length);
        ctx.count(`level${level}`, rows.length);
        return { candidates, recorded: rows.length };
      });
      recorded[level] += page.recorded;
      if (page.candidates.length < chunkSize) break;
      const last = page.candidates[page.candidates.length - 1];
      after = { at: last.reachedAt, id: last.clockId };
    }
  }
  return { recorded };
}

/** Running clocks past the level's mark with no breach of this level for their current visit: one range scan of the mark's index. */
async function candidatesAt(level: BreachLevel, now: Date, after: { at: Date; id: string } | null, limit: number): Promise<Candidate[]> {
  const mark = `k.${MARK[level]}`;
  return sequelize().query<Candidate>(
    `SELECT k.id AS "clockId", k.complaint_id AS "complaintId", k.kind AS "clockKind", k.started_at AS "clockStartedAt",
            k.due_at AS "dueAt", ${mark} AS "reachedAt", c.status AS stage, c.assignee_id AS "assigneeId", u.department_id AS "departmentId"
       FROM case_clocks k
       JOIN complaints c ON c.id = k.complaint_id
       LEFT JOIN users u ON u.id = c.assignee_id
      WHERE k.outcome IS NULL AND ${mark} <= $1 AND k.due_at IS NOT NULL
        ${after ? `AND (${mark}, k.id) > ($4::timestamptz, $5::uuid)` : ''}
        AND c.status <> ALL($3::text[])
        AND NOT EXISTS (SELECT 1 FROM sla_breaches b WHERE b.clock_id = k.id AND b.clock_started_at = k.started_at AND b.level = $2)
      ORDER BY ${mark}, k.id
      LIMIT ${Number(limit)}`,
    { bind: after ? [now, level, FINISHED, after.at, after.id] : [now, level, FINISHED], type: QueryTypes.SELECT },
  );
}

/**
 * Inserts the candidates' breaches (those another sweep has not recorded meanwhile) and appends
 * each inserted row's `sla_breach.created` event — the model's own creation event — in one more
 * statement. Returns the inserted rows with their case's reference.
 */
async function record(level: BreachLevel, now: Date, candidates: Candidate[]): Promise<Recorded[]> {
  if (candidates.length === 0) return [];
  const rows = await sequelize().query<Recorded>(
    `WITH cand AS (
       SELECT * FROM json_to_recordset($1::json) AS x("clockId" uuid, "complaintId" uuid, "clockKind" text, "clockStartedAt" timestamptz,
              "dueAt" timestamptz, "reachedAt" timestamptz, stage text, "assigneeId" uuid, "departmentId" uuid)),
     ins AS (
       INSERT INTO sla_breaches (complaint_id, clock_id, clock_kind, clock_started_at, due_at, level, reached_at, detected_at, stage, assignee_id, department_id)
       SELECT "complaintId", "clockId", "clockKind", "clockStartedAt", "dueAt", $2, "reachedAt", $3, stage, "assigneeId", "departmentId" FROM cand
        ORDER BY "clockId"
       ON CONFLICT (clock_id, clock_started_at, level) DO NOTHING
       RETURNING *)
     SELECT ins.id, ins.complaint_id AS "complaintId", ins.clock_id AS "clockId", ins.clock_kind AS "clockKind", ins.clock_started_at AS "clockStartedAt",
            ins.due_at AS "dueAt", ins.level, ins.reached_at AS "reachedAt", ins.detected_at AS "detectedAt", ins.stage,
            ins.assignee_id AS "assigneeId", ins.department_id AS "departmentId", c.reference
       FROM ins JOIN complaints c ON c.id = ins.complaint_id
      ORDER BY ins.reached_at, ins.clock_id`,
    { bind: [JSON.stringify(candidates), level, now], type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return [];
  const bind: unknown[] = [];
  const param = (v: unknown) => `$${bind.push(v)}`;
  const events = rows.map((r) => {
    const { reference: _reference, ...values } = r;
    const built = SlaBreach.build({ ...values, level: Number(r.level) as BreachLevel } as never);
    return `audit_append(${prepareInsert(built).args.map(param).join(', ')})`;
  });
  await sequelize().query(`SELECT ${events.join(', ')}`, { bind });
  return rows.map((r) => ({ ...r, level: Number(r.level) as BreachLevel }));
}

/** The people a level's notice goes to, read once per sweep (department heads once per department). */
class Recipients {
  private quality?: Promise<string[]>;
  private escalation?: Promise<string[]>;
  private heads = new Map<string, Promise<string[]>>();

  /** Who holds the case: its assignee, or — nobody assigned — the quality role, who assigns cases. */
  async holder(assigneeId: string | null): Promise<string[]> {
    if (assigneeId) return [assigneeId];
    return (this.quality ??= usersWithRoles(['quality']));
  }

  async head(departmentId: string | null): Promise<string[]> {
    if (!departmentId) return [];
    let heads = this.heads.get(departmentId);
    if (!heads) this.heads.set(departmentId, (heads = departmentHeads([departmentId])));
    return heads;
  }

  /** The quality leads named in the setting and the CS directors. */
  async escalated(): Promise<string[]> {
    return (this.escalation ??= Promise.all([qualityLeads(), usersWithRoles(['cs_director'])]).then(([a, b]) => [...new Set([...a, ...b])]));
  }
}

async function noticeOf(row: Recorded, who: Recipients): Promise<Notice> {
  const recipientIds =
    row.level === 80
      ? await who.holder(row.assigneeId)
      : row.level === 100
        ? [...(await who.holder(row.assigneeId)), ...(await who.head(row.departmentId))]
        : await who.escalated();
  return {
    kind: NOTICE_OF[row.level],
    // The breach row is unique per (clock, visit, level): its id names this cause once.
    cause: `sla:${row.id}`,
    recipientIds,
    complaintId: row.complaintId,
    params: { reference: row.reference, clock: row.clockKind, stage: row.stage, dueAt: new Date(row.dueAt).toISOString() },
    link: `/complaints/${row.complaintId}`,
  };
}
