import os from 'node:os';
import { QueryTypes } from 'sequelize';
import type { Database } from '../src/db';
import { manualTick } from '../src/jobs/CronJob';
import { SlaSweepJob } from '../src/jobs/slaSweepJob';
import { resetClock, useFixedClock } from '../src/lib/clock';
import { setLogLevel } from '../src/lib/logger';
import { median } from './lib';
import { benchDatabaseName, createDatabase, dropDatabase, openMigrated, serverVersion, userWithToken } from './pg';

/**
 * The SLA sweep (src/jobs/slaSweepJob.ts) on 100,000 and 1,000,000 open entries, 1 % of them in
 * breach (PostgreSQL server; issue 12 "one sweep in < 2 s, and its cost grows with the breaches,
 * not with the open entries").
 *
 * Entries and their clocks are inserted with SQL (generate_series), not through intake: each open
 * entry has a running stage clock and a running resolution clock, with due times and marks in the
 * future; 1 % of the entries have a stage clock past its due time (80 % and 100 % reached, 150 %
 * not yet), so a sweep records two breaches per breached entry, notifies the assignee and their
 * department head and e-mails them through the outbox. Per size, each run:
 *   1. "new breaches": the sweep that records and notifies them (then they are deleted again with
 *      their notifications and outbox rows, so the next run finds the same work);
 *   2. "nothing new": a sweep right after, when every breach is already recorded;
 *   3. raw baseline: the three range scans alone (the candidates' SELECT with LIMIT, as SQL), the
 *      floor the sweep's reads cost.
 * BENCH_SWEEP_RUNS runs (default 3), median shown. BENCH_SWEEP_SIZES (default 100000,1000000).
 */
const SIZES = (process.env.BENCH_SWEEP_SIZES ?? '100000,1000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3);
const BREACHED = 0.01;
const SEED_BATCH = 100_000;
const TARGET_MS = 2000;

const NOW = new Date('2026-11-16T03:00:00Z');

async function seed(db: Database, from: number, to: number, ids: { customer: string; assignees: string[] }) {
  const s = db.sequelize;
  for (let lo = from; lo < to; lo += SEED_BATCH) {
    const hi = Math.min(to, lo + SEED_BATCH) - 1;
    // Entry g is in breach when g % 100 = 0: received 13 h before now, its stage SLA (12 h) gone, 150 % (18 h) not yet; the others received 1 h before now.
    await s.query(
      `INSERT INTO complaints (id, reference, kind, ref_year, ref_number, status, customer_id, channel, received_at, incident_date, category, subject, description, severity,
                               time_barred, filing_window_ends_at, regulatory_review_required, meeting_required, recurring, stage_entered_at, search_text, assignee_id)
       SELECT md5('c' || g)::uuid, 'KN-2026-' || lpad(g::text, 7, '0'), 'complaint', 2026, g, 'investigation', $3::uuid, 'hotline',
              $4::timestamptz - CASE WHEN g % 100 = 0 THEN interval '13 hours' ELSE interval '1 hour' END,
              date '2026-11-10', 'service_quality', 'Máy lọc nước rò rỉ', 'Khách hàng báo máy lọc nước rò rỉ.', 'medium',
              false, $4::timestamptz + interval '80 days', false, false, false,
              $4::timestamptz - CASE WHEN g % 100 = 0 THEN interval '13 hours' ELSE interval '1 hour' END, 'kn-2026 may loc nuoc ro ri',
              ($5::uuid[])[1 + g % array_length($5::uuid[], 1)]
         FROM generate_series($1::int, $2::int) g`,
      { bind: [lo, hi, ids.customer, NOW, ids.assignees] },
    );
    await s.query(
      `INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, warn_at, escalate_at, set_by)
       SELECT md5('c' || g)::uuid, k.kind, k.started, k.started + k.span, k.started + k.span * 0.8, k.started + k.span * 1.5, 'bench'
         FROM generate_series($1::int, $2::int) g
        CROSS JOIN LATERAL (VALUES
          ('stage', $3::timestamptz - CASE WHEN g % 100 = 0 THEN interval '13 hours' ELSE interval '1 hour' END, interval '12 hours'),
          ('resolution', $3::timestamptz - CASE WHEN g % 100 = 0 THEN interval '13 hours' ELSE interval '1 hour' END, interval '20 days')) AS k(kind, started, span)`,
      { bind: [lo, hi, NOW] },
    );
    process.stdout.write(`  seeded ${hi.toLocaleString('en')}\r`);
  }
  await s.query('VACUUM ANALYZE complaints');
  await s.query('VACUUM ANALYZE case_clocks');
}

/** Forgets the breaches (and what they caused), so the next run records the same ones again. */
async function forget(db: Database) {
  const s = db.sequelize;
  await s.query("DELETE FROM outbox WHERE dedupe_key LIKE 'notification.created:sla.%'");
  await s.query("DELETE FROM notifications WHERE kind LIKE 'sla.%'");
  // The breaches' audit events stay (the trail is append-only); only the rows go.
  await s.query('DELETE FROM sla_breaches');
  await s.query("DELETE FROM job_runs WHERE job = 'sla-sweep'");
  await s.query('VACUUM ANALYZE sla_breaches');
}

async function sweepOnce(db: Database): Promise<{ ms: number; recorded: number }> {
  await db.sequelize.query("DELETE FROM job_runs WHERE job = 'sla-sweep'");
  const job = new SlaSweepJob();
  const t0 = performance.now();
  const out = await job.run(manualTick(NOW));
  const ms = performance.now() - t0;
  if (out.status !== 'succeeded') throw new Error(`sweep failed: ${out.error}`);
  const c = out.counts ?? {};
  return { ms, recorded: (c.level80 ?? 0) + (c.level100 ?? 0) + (c.level150 ?? 0) };
}

/** The sweep's reads without the sweep: each level's candidate scan, as one SQL statement each. */
async function rawScans(db: Database): Promise<number> {
  const t0 = performance.now();
  for (const mark of ['warn_at', 'due_at', 'escalate_at']) {
    await db.sequelize.query(
      `SELECT count(*) FROM (SELECT k.id FROM case_clocks k JOIN complaints c ON c.id = k.complaint_id
         WHERE k.outcome IS NULL AND k.${mark} <= $1 AND NOT EXISTS (SELECT 1 FROM sla_breaches b WHERE b.clock_id = k.id AND b.clock_started_at = k.started_at)) x`,
      { bind: [NOW], type: QueryTypes.SELECT },
    );
  }
  return performance.now() - t0;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

export async function run(): Promise<void> {
  setLogLevel('warn');
  console.log(`sweep benchmark on PostgreSQL ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  const name = benchDatabaseName('sweep');
  await createDatabase(name);
  let db: Database | undefined;
  const rows: string[] = [];
  try {
    db = await openMigrated(name);
    const dept = await db.sequelize.query<{ id: string }>(`INSERT INTO departments (code, name) VALUES ('BENCH', 'Phòng Chăm sóc khách hàng') RETURNING id`, { type: QueryTypes.SELECT });
    const assignees: string[] = [];
    for (const n of ['Trần Văn Minh', 'Phạm Ngọc Hải', 'Vũ Thị Hạnh', 'Đỗ Quốc Bảo']) {
      const { user } = await userWithToken(['quality'], n);
      await db.sequelize.query('UPDATE users SET department_id = $1 WHERE id = $2', { bind: [dept[0].id, user.id] });
      assignees.push(user.id);
    }
    const { user: head } = await userWithToken(['dept_head'], 'Nguyễn Thị Lan');
    await db.sequelize.query('UPDATE users SET department_id = $1 WHERE id = $2', { bind: [dept[0].id, head.id] });
    const [customer] = await db.sequelize.query<{ id: string }>(`INSERT INTO customers (code, name, type) VALUES ('KH-BENCH', 'Công ty TNHH Bench', 'person') RETURNING id`, { type: QueryTypes.SELECT });
    useFixedClock(NOW);
    let seeded = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      await seed(db, seeded + 1, size + 1, { customer: customer.id, assignees });
      seeded = size;
      console.log(`\n${size.toLocaleString('en')} open entries (${(2 * size).toLocaleString('en')} running clocks, ${Math.round(size * BREACHED).toLocaleString('en')} in breach): seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const fresh: number[] = [];
      const idle: number[] = [];
      const raw: number[] = [];
      let recorded = 0;
      for (let i = 0; i < RUNS; i++) {
        await forget(db);
        const first = await sweepOnce(db);
        recorded = first.recorded;
        fresh.push(first.ms);
        idle.push((await sweepOnce(db)).ms);
        raw.push(await rawScans(db));
        console.log(`  run ${i + 1}: new breaches ${ms(first.ms)} (${first.recorded} recorded), nothing new ${ms(idle[i])}, raw scans ${ms(raw[i])}`);
      }
      const [{ notices }] = await db.sequelize.query<{ notices: number }>("SELECT count(*)::int AS notices FROM notifications WHERE kind LIKE 'sla.%'", { type: QueryTypes.SELECT });
      rows.push(
        `| ${size.toLocaleString('en')} | ${recorded.toLocaleString('en')} | ${notices.toLocaleString('en')} | ${ms(median(fresh))} (${(median(fresh) / recorded).toFixed(3)} ms/breach) | ${ms(median(idle))} | ${ms(median(raw))} | ${(median(idle) / median(raw)).toFixed(1)}× | ${median(fresh) < TARGET_MS ? 'met' : 'MISSED'} |`,
      );
    }
    console.log(`\nmedian of ${RUNS} runs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}:`);
    console.log('| open entries | breaches recorded | notifications | sweep, new breaches | sweep, nothing new | raw scans | nothing new / raw | < 2 s |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
  } finally {
    resetClock();
    await db?.close();
    await dropDatabase(name);
  }
}
