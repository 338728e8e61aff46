import { QueryTypes } from 'sequelize';
import type { Database } from '../../src/db';
import { migrations } from '../../src/db/migrations';
import { NAME } from '../../src/db/migrations/0011-case-clocks';
import { openBlankDatabase } from '../support/testDatabase';

/**
 * Migration 0011 on a database migrated before it: entries whose clocks are the due and met
 * columns of `complaints` (one waiting in intake, one on hold after a late acknowledgment, one
 * closed without a first reply), moved into `case_clocks`, then the columns dropped.
 */
let database: Database;
let blank: Awaited<ReturnType<typeof openBlankDatabase>> | undefined;
const ids: Record<'waiting' | 'held' | 'closed', string> = { waiting: '', held: '', closed: '' };

interface ClockRow {
  kind: string;
  started_at: Date;
  due_at: Date | null;
  met_at: Date | null;
  outcome: string | null;
  paused_minutes: number;
  set_by: string;
}

const q = <T extends object>(sql: string, bind?: unknown[]) => database.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
const clocksOf = async (complaintId: string) =>
  Object.fromEntries(
    (await q<ClockRow>('SELECT kind, started_at, due_at, met_at, outcome, paused_minutes, set_by FROM case_clocks WHERE complaint_id = $1', [complaintId])).map((r) => [
      r.kind,
      { ...r, started_at: r.started_at.toISOString(), due_at: r.due_at?.toISOString() ?? null, met_at: r.met_at?.toISOString() ?? null },
    ]),
  );

/** 2 November 2026 at hh:mm UTC (10:00 in Hà Nội is 03:00). */
const nov = (day: number, time: string) => `2026-11-${String(day).padStart(2, '0')}T${time}:00.000Z`;

beforeAll(async () => {
  blank = await openBlankDatabase();
  database = blank.database;
  const s = database.sequelize;
  const index = migrations.findIndex((m) => m.name === NAME);
  await s.transaction(async () => {
    for (const m of migrations.slice(0, index)) await m.up({ context: s });
    const [person] = await q<{ id: string }>(`INSERT INTO customers (code, name, type) VALUES ('KH-1', 'Nguyễn Văn An', 'person') RETURNING id`);
    const [company] = await q<{ id: string }>(`INSERT INTO customers (code, name, type) VALUES ('KH-2', 'Công ty Hoa Sen', 'company') RETURNING id`);
    const complaint = async (n: number, customerId: string, columns: Record<string, unknown>) => {
      const values = {
        reference: `KN-2026-00000${n}`, kind: 'complaint', ref_year: 2026, ref_number: n, customer_id: customerId, channel: 'hotline',
        received_at: nov(2, '03:00'), incident_date: '2026-10-30', category: 'service_quality', subject: 'Rò rỉ', description: 'Nước rò ra sàn.',
        severity: 'medium', time_barred: false, filing_window_ends_at: '2027-01-28T16:59:59.999Z', regulatory_review_required: false,
        meeting_required: false, recurring: false, due_acknowledge_at: nov(2, '04:00'), due_first_reply_at: nov(4, '03:00'),
        due_resolution_at: '2026-11-22T16:59:59.999Z', search_text: 'kn', ...columns,
      };
      const names = Object.keys(values);
      const [row] = await q<{ id: string }>(`INSERT INTO complaints (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, Object.values(values));
      return row.id;
    };
    const visit = (complaintId: string, stage: string, enteredAt: string, exitedAt: string | null, targetMinutes: number | null, dueAt: string | null) =>
      q(`INSERT INTO complaint_stages (complaint_id, stage, round, entered_at, exited_at, target_minutes, sla_mode, due_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)`, [
        complaintId, stage, enteredAt, exitedAt, targetMinutes, targetMinutes === null ? null : 'exact', dueAt,
      ]);

    // Waiting in intake, nothing met yet.
    ids.waiting = await complaint(1, person.id, {
      status: 'intake', due_stage_at: nov(2, '04:00'), due_negotiation_start_at: nov(11, '16:59'), next_due_at: nov(2, '04:00'), stage_entered_at: nov(2, '03:00'),
    });
    await visit(ids.waiting, 'intake', nov(2, '03:00'), null, 60, nov(2, '04:00'));

    // Acknowledged an hour late, in investigation, held for 30 minutes once and on hold again now.
    ids.held = await complaint(2, person.id, {
      status: 'on_hold', held_status: 'investigation', acknowledged_at: nov(2, '05:00'), acknowledged_via: 'phone', due_stage_at: null,
      due_negotiation_start_at: nov(11, '16:59'), next_due_at: nov(4, '03:00'), stage_entered_at: nov(2, '05:00'),
    });
    await visit(ids.held, 'intake', nov(2, '03:00'), nov(2, '05:00'), 60, nov(2, '04:00'));
    await visit(ids.held, 'investigation', nov(2, '05:00'), null, 720, nov(2, '17:30'));
    await q(`INSERT INTO complaint_holds (complaint_id, stage, reason, started_at, ended_at) VALUES ($1, 'investigation', 'Chờ NCC', $2, $3), ($1, 'investigation', 'Chờ khách', $4, NULL)`, [
      ids.held, nov(2, '06:00'), nov(2, '06:30'), nov(2, '07:00'),
    ]);

    // A company's case, closed after its follow-up; its first written reply was never recorded.
    ids.closed = await complaint(3, company.id, {
      status: 'closed', acknowledged_at: nov(2, '03:30'), acknowledged_via: 'email', resolved_at: nov(5, '03:00'), closed_at: nov(6, '03:00'),
      due_stage_at: null, next_due_at: null, stage_entered_at: nov(6, '03:00'),
    });
    await visit(ids.closed, 'intake', nov(2, '03:00'), nov(2, '03:30'), 60, nov(2, '04:00'));
    await visit(ids.closed, 'investigation', nov(2, '03:30'), nov(5, '03:00'), 720, nov(2, '15:30'));
    await visit(ids.closed, 'follow_up', nov(5, '03:00'), nov(6, '03:00'), 10080, nov(12, '03:00'));
    await visit(ids.closed, 'closed', nov(6, '03:00'), null, null, null);
  });
  await s.transaction(async () => {
    await migrations[index].up({ context: s });
  });
}, 120_000);

afterAll(async () => {
  await blank?.close();
});

describe(`migration ${NAME}`, () => {
  it('moves the clocks of an entry waiting in intake into running rows', async () => {
    const rows = await clocksOf(ids.waiting);
    const running = (due: string) => ({ started_at: nov(2, '03:00'), due_at: due, met_at: null, outcome: null, paused_minutes: 0, set_by: NAME });
    expect(rows).toEqual({
      acknowledge: { kind: 'acknowledge', ...running(nov(2, '04:00')) },
      firstReply: { kind: 'firstReply', ...running(nov(4, '03:00')) },
      resolution: { kind: 'resolution', ...running('2026-11-22T16:59:59.999Z') },
      negotiationStart: { kind: 'negotiationStart', ...running(nov(11, '16:59')) },
      stage: { kind: 'stage', ...running(nov(2, '04:00')) },
    });
  });

  it('judges what was met, and keeps a held stage clock paused with the hold time it spent', async () => {
    const rows = await clocksOf(ids.held);
    expect(rows.acknowledge).toMatchObject({ met_at: nov(2, '05:00'), outcome: 'missed' });
    expect(rows.firstReply).toMatchObject({ met_at: null, outcome: null });
    // On hold: running, no due time; the closed hold's 30 minutes, not the open one.
    expect(rows.stage).toMatchObject({ started_at: nov(2, '05:00'), due_at: null, met_at: null, outcome: null, paused_minutes: 30 });
  });

  it('gives a finished case no running clock: the unmet first reply is missed, the stage clock is its last SLA visit’s', async () => {
    const rows = await clocksOf(ids.closed);
    expect(Object.keys(rows).sort()).toEqual(['acknowledge', 'firstReply', 'resolution', 'stage']); // a company: no negotiation clock
    expect(rows.acknowledge).toMatchObject({ met_at: nov(2, '03:30'), outcome: 'met' });
    expect(rows.firstReply).toMatchObject({ met_at: null, outcome: 'missed' });
    expect(rows.resolution).toMatchObject({ met_at: nov(5, '03:00'), outcome: 'met' });
    expect(rows.stage).toMatchObject({ started_at: nov(5, '03:00'), due_at: nov(12, '03:00'), met_at: nov(6, '03:00'), outcome: 'met' });
  });

  it('drops the due columns, keeps next_due_at, and names its constraints', async () => {
    const columns = (await q<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'complaints'`)).map((c) => c.column_name);
    expect(columns.filter((c) => c.startsWith('due_'))).toEqual([]);
    expect(columns).toEqual(expect.arrayContaining(['next_due_at', 'acknowledged_at', 'first_replied_at', 'negotiation_started_at', 'resolved_at']));
    expect((await q<{ next_due_at: Date | null }>('SELECT next_due_at FROM complaints WHERE id = $1', [ids.held]))[0].next_due_at!.toISOString()).toBe(nov(4, '03:00'));
    const constraints = (await q<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = 'case_clocks'::regclass AND contype <> 'n' ORDER BY conname`)).map((c) => c.conname);
    expect(constraints).toEqual([
      'case_clocks_complaint_fk', 'case_clocks_complaint_kind_key', 'case_clocks_kind_check', 'case_clocks_met_check', 'case_clocks_outcome_check',
      'case_clocks_paused_check', 'case_clocks_pkey', 'case_clocks_set_by_check',
    ]);
    const triggers = (await q<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'case_clocks'::regclass AND NOT tgisinternal ORDER BY tgname`)).map((t) => t.tgname);
    expect(triggers).toEqual(['case_clocks_lock_case', 'case_clocks_lock_truncate']);
    // Sealing the case locks its clocks (as the superuser can, the status set directly).
    await database.sequelize.query(`UPDATE complaints SET status = 'archived' WHERE id = $1`, { bind: [ids.closed] });
    await expect(database.sequelize.query(`UPDATE case_clocks SET outcome = 'met' WHERE complaint_id = $1`, { bind: [ids.closed] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });

  it('refuses a second clock of a kind, a met clock without its verdict, and a kind of the wrong shape', async () => {
    /** The constraint that refused the row. */
    const refusedBy = (kind: string, outcome: string | null, metAt: string | null) =>
      database.sequelize
        .query(`INSERT INTO case_clocks (complaint_id, kind, started_at, met_at, outcome, set_by) VALUES ($1, $2, now(), $3, $4, 'test')`, { bind: [ids.waiting, kind, metAt, outcome] })
        .then(
          () => null,
          (err: { parent?: { constraint?: string } }) => err.parent?.constraint ?? String(err),
        );
    expect(await refusedBy('stage', null, null)).toBe('case_clocks_complaint_kind_key');
    expect(await refusedBy('followUp', null, nov(3, '00:00'))).toBe('case_clocks_met_check');
    expect(await refusedBy('followUp', 'met', null)).toBe('case_clocks_met_check');
    expect(await refusedBy('follow up', null, null)).toBe('case_clocks_kind_check');
    expect(await refusedBy('followUp', 'late', nov(3, '00:00'))).toBe('case_clocks_outcome_check');
  });
});
