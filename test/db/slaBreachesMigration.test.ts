import { QueryTypes } from 'sequelize';
import type { Database } from '../../src/db';
import { migrations } from '../../src/db/migrations';
import { openBlankDatabase } from '../support/testDatabase';

/**
 * Migration 0022 on a database migrated before it: running clocks get their SLA marks (wall time
 * after their paused minutes), a paused or finished clock none, and the breach table keeps each
 * level of a clock's visit once.
 */
let database: Database;
let blank: Awaited<ReturnType<typeof openBlankDatabase>> | undefined;
let complaintId = '';

const q = <T extends object>(sql: string, bind?: unknown[]) => database.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
const iso = (d: Date | null) => d?.toISOString() ?? null;

beforeAll(async () => {
  blank = await openBlankDatabase();
  database = blank.database;
  const s = database.sequelize;
  const index = migrations.findIndex((m) => m.name === '0022-sla-breaches');
  await s.transaction(async () => {
    for (const m of migrations.slice(0, index)) await m.up({ context: s });
    const [customer] = await q<{ id: string }>(`INSERT INTO customers (code, name, type) VALUES ('KH-1', 'Nguyễn Văn An', 'person') RETURNING id`);
    const [c] = await q<{ id: string }>(
      `INSERT INTO complaints (reference, kind, ref_year, ref_number, customer_id, channel, received_at, incident_date, category, subject, description, severity,
                               time_barred, filing_window_ends_at, regulatory_review_required, meeting_required, recurring, search_text, stage_entered_at, status)
       VALUES ('KN-2026-000001', 'complaint', 2026, 1, $1, 'hotline', '2026-11-02T03:00:00Z', '2026-10-30', 'service_quality', 'Rò rỉ', 'Nước rò ra sàn.', 'medium',
               false, '2027-01-28T16:59:59.999Z', false, false, false, 'kn', '2026-11-02T03:00:00Z', 'investigation') RETURNING id`,
      [customer.id],
    );
    complaintId = c.id;
    const clock = (kind: string, started: string, due: string | null, outcome: string | null, paused = 0) =>
      q(`INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, outcome, met_at, paused_minutes, set_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'test')`, [
        c.id, kind, started, due, outcome, outcome === 'met' ? started : null, paused,
      ]);
    // Running, 48 h: 80 % at 38.4 h, 150 % at 72 h.
    await clock('firstReply', '2026-11-02T03:00:00Z', '2026-11-04T03:00:00Z', null);
    // Running after a 60-minute hold: 10 h of measured time from 04:00.
    await clock('stage', '2026-11-02T03:00:00Z', '2026-11-02T14:00:00Z', null, 60);
    // Met: no marks.
    await clock('acknowledge', '2026-11-02T03:00:00Z', '2026-11-02T04:00:00Z', 'met');
    await migrations[index].up({ context: s });
  });
});

afterAll(async () => {
  await blank?.close();
});

describe('migration 0022', () => {
  it('backfills the marks of running clocks only', async () => {
    const rows = await q<{ kind: string; warn_at: Date | null; escalate_at: Date | null }>('SELECT kind, warn_at, escalate_at FROM case_clocks WHERE complaint_id = $1 ORDER BY kind', [complaintId]);
    const by = Object.fromEntries(rows.map((r) => [r.kind, { warn: iso(r.warn_at), escalate: iso(r.escalate_at) }]));
    expect(by.firstReply).toEqual({ warn: '2026-11-03T17:24:00.000Z', escalate: '2026-11-05T03:00:00.000Z' });
    expect(by.stage).toEqual({ warn: '2026-11-02T12:00:00.000Z', escalate: '2026-11-02T19:00:00.000Z' });
    expect(by.acknowledge).toEqual({ warn: null, escalate: null });
  });

  it('keeps one breach per clock visit and level, refuses an unknown level, and locks with the sealed case', async () => {
    const [clock] = await q<{ id: string; started_at: Date }>("SELECT id, started_at FROM case_clocks WHERE complaint_id = $1 AND kind = 'stage'", [complaintId]);
    const insert = (level: number, startedAt: Date | string) =>
      database.sequelize.query(
        `INSERT INTO sla_breaches (complaint_id, clock_id, clock_kind, clock_started_at, due_at, level, reached_at, detected_at, stage)
         VALUES ($1, $2, 'stage', $3, '2026-11-02T14:00:00Z', $4, '2026-11-02T12:00:00Z', '2026-11-02T12:05:00Z', 'investigation')`,
        { bind: [complaintId, clock.id, startedAt, level] },
      );
    await insert(80, clock.started_at);
    await expect(insert(80, clock.started_at)).rejects.toMatchObject({ parent: expect.objectContaining({ constraint: 'sla_breaches_once_key' }) });
    // The next visit of the same (restarted) clock is recorded again.
    await insert(80, '2026-11-03T03:00:00Z');
    await expect(insert(90, clock.started_at)).rejects.toMatchObject({ parent: expect.objectContaining({ constraint: 'sla_breaches_level_check' }) });
    const [{ n }] = await q<{ n: number }>('SELECT count(*)::int AS n FROM sla_breaches WHERE clock_id = $1', [clock.id]);
    expect(n).toBe(2);

    // Sealed with its case: no new breach, no change to a recorded one.
    await database.sequelize.query("UPDATE complaints SET status = 'archived' WHERE id = $1", { bind: [complaintId] });
    const sealed = { parent: expect.objectContaining({ code: 'CB001', table: 'sla_breaches' }) };
    await expect(insert(100, clock.started_at)).rejects.toMatchObject(sealed);
    await expect(database.sequelize.query("UPDATE sla_breaches SET stage = 'closed' WHERE clock_id = $1", { bind: [clock.id] })).rejects.toMatchObject(sealed);
    const [{ m }] = await q<{ m: number }>("SELECT count(*)::int AS m FROM sla_breaches WHERE clock_id = $1 AND stage = 'investigation'", [clock.id]);
    expect(m).toBe(2);
  });
});
