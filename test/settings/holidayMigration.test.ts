import { QueryTypes } from 'sequelize';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import type { Database } from '../../src/db';
import { migrations } from '../../src/db/migrations';
import { LEGACY_PRELOAD, NAME } from '../../src/db/migrations/0004-holiday-calendar';
import { VIETNAM_PRELOADED_CALENDAR } from '../../src/domain/holidays';
import { openBlankDatabase } from '../support/testDatabase';

/**
 * Migration 0004 on a database migrated before it: the holiday table as 0002 used to preload it
 * (Tết 2024 and 2025 wrong), plus a sysadmin's own edits, which must survive.
 */
let database: Database;
let blank: Awaited<ReturnType<typeof openBlankDatabase>> | undefined;

interface Row {
  id: string;
  date: string;
  name_vi: string;
  name_en: string;
  kind: string;
  provisional: boolean;
  version: number;
}

const rows = async (): Promise<Row[]> =>
  database.sequelize.query<Row>('SELECT id, date::text AS date, name_vi, name_en, kind, provisional, version FROM holidays ORDER BY date', { type: QueryTypes.SELECT });
const byDate = async () => new Map((await rows()).map((r) => [r.date, r]));
const datesBetween = async (from: string, to: string) => (await rows()).filter((r) => r.date >= from && r.date <= to).map((r) => r.date);

beforeAll(async () => {
  blank = await openBlankDatabase();
  database = blank.database;
  const s = database.sequelize;
  const before = migrations.slice(0, migrations.findIndex((m) => m.name === NAME));
  expect(before.map((m) => m.name)).toEqual(['0001-platform', '0002-intake-workflow', '0003-reference-prefix']);
  await s.transaction(async () => {
    for (const m of before) await m.up({ context: s });
    // The table exactly as the earlier 0002 left it …
    await s.query('DELETE FROM holidays');
    for (const [date, nameVi, nameEn] of LEGACY_PRELOAD) {
      await s.query('INSERT INTO holidays (date, name_vi, name_en) VALUES ($1, $2, $3)', { bind: [date, nameVi, nameEn] });
    }
    // … and what the sysadmin did since: renamed a preloaded day the official schedule drops,
    // added a day of their own on a date the official block adds, removed a preloaded day,
    // renamed a computed day, added a day in a computed year.
    await s.query("UPDATE holidays SET name_vi = 'Nghỉ Tết thêm (công ty)', name_en = 'Extra Tết day (company)', version = 1 WHERE date = '2024-02-15'");
    await s.query("INSERT INTO holidays (date, name_vi, name_en) VALUES ('2025-01-27', 'Nghỉ Tết (công ty)', 'Tết (company)')");
    await s.query("DELETE FROM holidays WHERE date = '2026-04-27'");
    await s.query("UPDATE holidays SET name_vi = 'Mùng 1 Tết Đinh Mùi', version = 1 WHERE date = '2027-02-06'");
    await s.query("INSERT INTO holidays (date, name_vi, name_en) VALUES ('2027-06-01', 'Ngày gia đình', 'Family day')");
  });
  await s.transaction(async () => {
    await migrations.find((m) => m.name === NAME)!.up({ context: s });
  });
}, 60_000);

afterAll(async () => {
  await blank?.close();
});

describe(`migration ${NAME} on a database preloaded with the old calendar`, () => {
  it('corrects Tết 2024 to Thu 8 – Wed 14 Feb, keeping the day the sysadmin renamed', async () => {
    const days = await byDate();
    expect(await datesBetween('2024-02-01', '2024-02-29')).toEqual(['2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15']);
    for (const date of ['2024-02-08', '2024-02-14']) expect(days.get(date)).toMatchObject({ name_vi: 'Tết Nguyên Đán', name_en: 'Lunar New Year (Tết)', kind: 'holiday', provisional: false });
    expect(days.get('2024-02-14')!.version).toBe(1);
    expect(days.get('2024-02-15')).toMatchObject({ name_vi: 'Nghỉ Tết thêm (công ty)', version: 1 });
  });

  it("corrects Tết 2025 to Sat 25 Jan – Sun 2 Feb, without overwriting the sysadmin's own 27 Jan", async () => {
    const days = await byDate();
    expect(await datesBetween('2025-01-15', '2025-02-28')).toEqual([
      '2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02',
    ]);
    expect(days.get('2025-01-27')).toMatchObject({ name_vi: 'Nghỉ Tết (công ty)', name_en: 'Tết (company)' });
    expect(days.has('2025-02-03')).toBe(false);
  });

  it('completes Tết 2026 to Sat 14 – Sun 22 Feb and does not bring back a day the sysadmin removed', async () => {
    expect(await datesBetween('2026-02-01', '2026-02-28')).toEqual(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']);
    expect((await byDate()).has('2026-04-27')).toBe(false);
  });

  it('marks the computed days of 2027–2030 provisional, renamed or not, but not the sysadmin’s own day', async () => {
    const days = await byDate();
    expect(days.get('2027-02-06')).toMatchObject({ name_vi: 'Mùng 1 Tết Đinh Mùi', provisional: true });
    expect(days.get('2027-06-01')).toMatchObject({ provisional: false, kind: 'holiday' });
    const all = await rows();
    for (const row of all.filter((r) => r.date >= '2027-01-01' && r.date !== '2027-06-01')) expect(row.provisional).toBe(true);
    expect(all.filter((r) => r.date < '2027-01-01').every((r) => !r.provisional)).toBe(true);
    expect(all.every((r) => r.kind === 'holiday')).toBe(true);
  });

  it('leaves the untouched years exactly as a new database gets them', async () => {
    const shape = (d: { date: string; name_vi: string; name_en: string; kind: string; provisional: boolean }) => [d.date, d.name_vi, d.name_en, d.kind, d.provisional];
    const years = (d: { date: string }) => d.date >= '2028-01-01';
    expect((await rows()).filter(years).map(shape)).toEqual(VIETNAM_PRELOADED_CALENDAR.filter(years).map(shape));
  });

  it('audits each correction as the system, in chains that verify', async () => {
    const events = await database.sequelize.query<{ action: string; entity_id: string; actor_id: string | null; actor_label: string; actor_roles: string[]; changes: Record<string, unknown>; meta: unknown }>(
      // The trail's first format, as 0004 wrote it (src/db/migrations/lib/auditV1.ts).
      "SELECT action, entity_id, actor_id, actor_label, actor_roles, changes, meta FROM audit_events WHERE entity_type = 'Holiday' ORDER BY occurred_at, seq",
      { type: QueryTypes.SELECT },
    );
    const days = await byDate();
    const dateOf = (id: string) => [...days.values()].find((r) => r.id === id)?.date;
    const created = events.filter((e) => e.action === 'holiday.created').map((e) => dateOf(e.entity_id)).sort();
    expect(created).toEqual(['2024-02-08', '2025-01-25', '2025-01-26', '2025-02-02', '2026-02-14', '2026-02-15', '2026-02-21', '2026-02-22']);
    const updated = events.filter((e) => e.action === 'holiday.updated');
    expect(updated).toHaveLength(1);
    expect(dateOf(updated[0].entity_id)).toBe('2024-02-14');
    expect(updated[0].changes).toEqual({
      before: { nameVi: 'Nghỉ bù Tết Nguyên Đán (10/2)', nameEn: 'Compensatory day off for Lunar New Year (Tết) (2024-02-10)' },
      after: { nameVi: 'Tết Nguyên Đán', nameEn: 'Lunar New Year (Tết)' },
    });
    const deleted = events.filter((e) => e.action === 'holiday.deleted');
    expect(deleted).toHaveLength(1);
    expect(deleted[0].changes).toEqual({
      before: expect.objectContaining({ date: '2025-02-03', nameVi: 'Nghỉ bù Tết Nguyên Đán (1/2)', kind: 'holiday', provisional: false }),
    });
    expect(events).toHaveLength(10);
    for (const e of events) expect(e).toMatchObject({ actor_id: null, actor_label: 'migration', actor_roles: ['system'], meta: { migration: NAME } });

    // The later migrations, 0010 among them: the trail rebuilt in format 2 (signed, content apart),
    // the same ten events, and a baseline for every preloaded day no event touched.
    const later = migrations.slice(migrations.findIndex((m) => m.name === NAME) + 1);
    await database.sequelize.transaction(async () => {
      for (const m of later) await m.up({ context: database.sequelize });
    });
    const rebuilt = await database.sequelize.query<{ action: string; label: string; meta: unknown }>(
      `SELECT e.action, c.content->>'actorLabel' AS label, c.content->'meta' AS meta FROM audit_events e JOIN audit_event_contents c ON c.event_id = e.id
        WHERE e.entity_type = 'Holiday' AND e.action <> 'holiday.baseline' ORDER BY e.occurred_at, e.seq`,
      { type: QueryTypes.SELECT },
    );
    expect(rebuilt.map((e) => e.action)).toEqual(events.map((e) => e.action));
    expect(rebuilt.every((e) => e.label === 'migration')).toBe(true);
    const [{ baselines, holidays }] = await database.sequelize.query<{ baselines: number; holidays: number }>(
      `SELECT (SELECT count(*)::int FROM audit_events WHERE action = 'holiday.baseline') AS baselines,
              (SELECT count(*)::int FROM holidays h WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_key = 'Holiday:' || h.id AND e.action <> 'holiday.baseline')) AS holidays`,
      { type: QueryTypes.SELECT },
    );
    expect(baselines).toBe(holidays);
    const verification = await verifyAuditTrail();
    expect(verification.failures).toEqual([]);
    expect(verification.ok).toBe(true);
  });

  it('holds the new columns to their kinds', async () => {
    await expect(database.sequelize.query("INSERT INTO holidays (date, name_vi, name_en, kind) VALUES ('2031-01-04', 'x', 'x', 'half_day')")).rejects.toThrow(/holidays_kind_check/);
  });
});
