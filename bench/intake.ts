import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import inspector from 'node:inspector';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { createCustomer } from '../src/commands/customers';
import { verifyAuditTrail } from '../src/commands/auditVerifier';
import { transaction, type Database } from '../src/db';
import { auditAppendArgs } from '../src/models/AuditEvent';
import { intakeClocks, nextDueAt } from '../src/domain/clocks';
import { foldText, formatReference } from '../src/domain/entries';
import { runWithContext, systemContext } from '../src/lib/context';
import type { Customer } from '../src/models';
import { projectRoot } from '../src/paths';
import { clockContext, stageTarget } from '../src/queries/policy';
import { memoClocks } from './clocks';
import { pick, rng, sampleCustomer, sampleEntry } from './corpus';
import type { LoadJob, LoadResult } from './intakeLoad';
import { median, percentile } from './lib';
import { backendCpu, backendCpuSince, benchDatabaseName, createDatabase, databaseUrl, dropDatabase, openMigrated, serverVersion, startApp, userWithToken } from './pg';

/**
 * Intake throughput on a PostgreSQL server, in one run on one database:
 *   raw baseline: the rows an intake writes (the gapless counter, the complaint, its first stage
 *     visit, its clocks, and an audit event through `audit_append` for each of those rows) by plain
 *     SQL over `pg`, 4 clients, one transaction per entry, every value precomputed in JS;
 *   the app: POST /api/v1/complaints through the real app (in this process) driven by autocannon
 *     (a forked process) at 4, 8 and 16 connections, every request a distinct valid entry.
 * Rounds alternate baseline and app so both see the same growing tables; medians are reported.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '4,8,16').split(',').map(Number);
/** BENCH_KEEP=1 keeps the database afterwards (to look at plans); by default it is dropped. */
const KEEP = Boolean(process.env.BENCH_KEEP);
/** BENCH_PROFILE=<file.cpuprofile> records a CPU profile of this process during the first API load (open it in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE;
const BASELINE_CLIENTS = 4;
const CUSTOMERS = 20;
const ZONE = 'Asia/Ho_Chi_Minh';

interface Stats {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  non2xx: number;
  /** CPU time of this process per entry written: the app (event loop, GC, libuv threads), or the baseline's JS. */
  cpuMsPerEntry: number;
  /** The same as a share of one core over the run. */
  cpuShare: number;
  /** CPU time of the PostgreSQL backends per entry written (null when /proc cannot be read). */
  pgCpuMsPerEntry: number | null;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

// ---------------------------------------------------------------------------------------------
// Raw baseline

const COMPLAINT_COLUMNS = [
  'id', 'reference', 'kind', 'ref_year', 'ref_number', 'status', 'held_status', 'round', 'customer_id', 'channel',
  'received_at', 'incident_date', 'category', 'subject', 'description', 'severity', 'harm', 'safety_impact',
  'brand_impact', 'product_ref', 'lot_ref', 'supplier_ref', 'time_barred', 'filing_window_ends_at',
  'time_barred_decision', 'time_barred_note', 'regulatory_review_required', 'meeting_required', 'recurring',
  'recurrence', 'next_due_at', 'acknowledged_at', 'acknowledged_via', 'first_replied_at',
  'first_reply_via', 'negotiation_started_at', 'resolved_at', 'closed_at', 'resolution', 'stage_entered_at',
  'assignee_id', 'created_by', 'search_text', 'version', 'created_at', 'updated_at',
] as const;
const STAGE_COLUMNS = [
  'id', 'complaint_id', 'stage', 'round', 'entered_at', 'entered_by', 'exited_at', 'exited_by', 'target_minutes',
  'sla_mode', 'due_at', 'note', 'reason', 'version', 'created_at', 'updated_at',
] as const;
const CLOCK_COLUMNS = [
  'id', 'complaint_id', 'kind', 'started_at', 'due_at', 'met_at', 'outcome', 'paused_minutes', 'set_by', 'version', 'created_at', 'updated_at',
] as const;
/** All of an entry's clocks in one statement (4 or 5 rows), their audit events in another. */
const insertClocksSql = (rows: number) =>
  `INSERT INTO case_clocks (${CLOCK_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, (_, r) => `(${CLOCK_COLUMNS.map((_c, i) => `$${r * CLOCK_COLUMNS.length + i + 1}`).join(', ')})`).join(', ')}`;
const appendEventsSql = (events: number) =>
  `SELECT ${Array.from({ length: events }, (_, i) => `audit_append(${[1, 2, 3, 4, 5].map((j) => `$${5 * i + j}`).join(', ')})`).join(', ')}`;
const insertSql = (table: string, cols: readonly string[]) =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
const INSERT_COMPLAINT = insertSql('complaints', COMPLAINT_COLUMNS);
const INSERT_STAGE = insertSql('complaint_stages', STAGE_COLUMNS);
const TAKE_NUMBER = `INSERT INTO reference_counters (kind, year, last_number) VALUES ($1, $2, 1)
  ON CONFLICT (kind, year) DO UPDATE SET last_number = reference_counters.last_number + 1 RETURNING last_number AS n`;

const camel = (col: string) => col.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const AUDIT_IGNORED = new Set(['created_at', 'updated_at', 'version', 'search_text']);

/** What an intake writes, computed before the clock starts; only the number is taken inside the transaction. */
interface Prepared {
  complaint: Record<string, unknown>;
  stage: Record<string, unknown>;
  clocks: Array<Record<string, unknown>>;
  foldedRest: string;
  year: number;
}

let memo: ReturnType<typeof memoClocks> | undefined;

async function prepare(r: () => number, customers: Customer[], userId: string, count: number): Promise<Prepared[]> {
  memo ??= memoClocks(await clockContext(ZONE));
  const out: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const e = sampleEntry(r);
    const customer = pick(r, customers);
    const now = new Date();
    const local = DateTime.fromJSDate(now, { zone: ZONE });
    const incidentDate = local.minus({ days: e.incidentDaysBefore }).toISODate()!;
    const legal = memo.legal({ receivedAt: now, incidentDate, category: e.category, customerType: customer.type });
    const target = (await stageTarget('intake', e.severity, customer.tier))!;
    const ack = memo.stageDue(now, target)!;
    const clocks = intakeClocks(now, ack, legal);
    const id = randomUUID();
    out.push({
      // complaintSearchText = foldText(`${reference} ${subject} ${description} ${name}`); the reference is plain ASCII.
      foldedRest: foldText(`${e.subject} ${e.description} ${customer.name}`),
      year: local.year,
      complaint: {
        id, reference: null, kind: e.kind, ref_year: null, ref_number: null, status: 'intake', held_status: null, round: 1,
        customer_id: customer.id, channel: e.channel, received_at: now, incident_date: incidentDate, category: e.category,
        subject: e.subject, description: e.description, severity: e.severity, harm: e.harm, safety_impact: e.safetyImpact,
        brand_impact: e.brandImpact, product_ref: e.productRef, lot_ref: e.lotRef, supplier_ref: e.supplierRef,
        time_barred: legal.timeBarred, filing_window_ends_at: legal.filingWindowEndsAt, time_barred_decision: null,
        time_barred_note: null, regulatory_review_required: e.harm === 'serious_injury' || e.harm === 'death',
        meeting_required: e.safetyImpact || e.brandImpact, recurring: false, recurrence: null,
        next_due_at: nextDueAt({ status: 'intake', clocks }),
        acknowledged_at: null, acknowledged_via: null, first_replied_at: null, first_reply_via: null,
        negotiation_started_at: null, resolved_at: null, closed_at: null, resolution: null, stage_entered_at: now,
        assignee_id: null, created_by: userId, search_text: null, version: 0, created_at: now, updated_at: now,
      },
      stage: {
        id: randomUUID(), complaint_id: id, stage: 'intake', round: 1, entered_at: now, entered_by: userId, exited_at: null,
        exited_by: null, target_minutes: target.minutes, sla_mode: target.mode, due_at: ack, note: null, reason: null,
        version: 0, created_at: now, updated_at: now,
      },
      clocks: clocks.map((k) => ({
        id: randomUUID(), complaint_id: id, kind: k.kind, started_at: k.startedAt, due_at: k.dueAt, met_at: k.metAt, outcome: k.outcome,
        paused_minutes: k.pausedMinutes, set_by: k.setBy, version: 0, created_at: now, updated_at: now,
      })),
    });
  }
  return out;
}

/**
 * The audit event the model hooks write for a created row — every column but the ignored ones,
 * dates as ISO strings — as `audit_append`'s five arguments: signed and with its content apart,
 * exactly the work the app does (src/models/AuditEvent.ts).
 */
function createdEvent(entityType: string, action: string, row: Record<string, unknown>, userId: string, complaintId: string): string[] {
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!AUDIT_IGNORED.has(k)) after[camel(k)] = v instanceof Date ? v.toISOString() : v;
  return auditAppendArgs({
    action,
    entityType,
    entityId: row.id as string,
    complaintId,
    op: 'create',
    changes: { after },
    actor: { userId, roles: ['intake'], label: undefined },
  });
}

let lastRate = 500;

async function rawBaseline(name: string, customers: Customer[], userId: string, seconds: number, seed: number): Promise<Stats> {
  const url = databaseUrl(name);
  const r = rng(seed);
  // Half as much again as the last round needed; refilled (outside any transaction) should a run need more.
  let queue = await prepare(r, customers, userId, Math.ceil(Math.max(1000, lastRate * seconds * 1.5)));
  // The app's recurrence lists up to 20 earlier entries; the baseline writes a list of that shape from the last ones it wrote.
  const recent: Array<{ id: string; reference: string; receivedAt: string; matchedBy: string[] }> = [];
  const clients = await Promise.all(Array.from({ length: BASELINE_CLIENTS }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const latencies: number[] = [];
  const pg0 = await backendCpu(name);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      clients.map(async (c) => {
        while (performance.now() < deadline) {
          if (queue.length === 0) queue = await prepare(r, customers, userId, 1000);
          const p = queue.pop()!;
          const t0 = performance.now();
          const row = p.complaint;
          const stage = p.stage;
          const year = p.year;
          await c.query('BEGIN');
          const { rows } = await c.query<{ n: number }>(TAKE_NUMBER, [row.kind, year]);
          const reference = formatReference(row.kind as 'complaint' | 'feedback', year, rows[0].n);
          Object.assign(row, {
            reference,
            ref_year: year,
            ref_number: rows[0].n,
            search_text: `${reference.toLowerCase()} ${p.foldedRest}`,
            recurring: recent.length > 0,
            recurrence: recent.length ? { periodDays: 90, matchedBy: ['category'], earlier: [...recent] } : null,
          });
          await c.query(INSERT_COMPLAINT, COMPLAINT_COLUMNS.map((k) => (k === 'recurrence' && row[k] ? JSON.stringify(row[k]) : row[k])));
          await c.query(appendEventsSql(1), createdEvent('Complaint', 'complaint.created', row, userId, row.id as string));
          await c.query(INSERT_STAGE, STAGE_COLUMNS.map((k) => stage[k]));
          await c.query(appendEventsSql(1), createdEvent('ComplaintStage', 'complaint_stage.created', stage, userId, row.id as string));
          await c.query(insertClocksSql(p.clocks.length), p.clocks.flatMap((k) => CLOCK_COLUMNS.map((col) => k[col])));
          await c.query(appendEventsSql(p.clocks.length), p.clocks.flatMap((k) => createdEvent('CaseClock', 'case_clock.created', k, userId, row.id as string)));
          await c.query('COMMIT');
          latencies.push(performance.now() - t0);
          if (row.kind === 'complaint') {
            recent.unshift({ id: row.id as string, reference, receivedAt: (row.received_at as Date).toISOString(), matchedBy: ['category'] });
            if (recent.length > 20) recent.pop();
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const pgMs = await backendCpuSince(name, pg0);
    const n = latencies.length;
    lastRate = n / elapsed;
    return {
      perSecond: n / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), count: n, non2xx: 0,
      cpuMsPerEntry: cpuMs / n, cpuShare: cpuMs / (elapsed * 1000), pgCpuMsPerEntry: pgMs === null ? null : pgMs / n,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

// ---------------------------------------------------------------------------------------------
// The app, driven by autocannon in a forked process

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // fork() keeps this process's execArgv, i.e. tsx's loader: the child runs the .ts file as is.
    const child = fork(path.join(projectRoot, 'bench', 'intakeLoad.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.once('message', (m) => (result = m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))));
    child.send(job);
  });
}

/**
 * Waits until no session of the app is inside a query or a transaction: autocannon drops the
 * requests in flight when its time is up, but the app still finishes (and commits) them, and
 * they must neither overlap the next measurement nor race the numbering check.
 */
/** The V8 profiler of this process (the app) through the inspector; `stop` writes the profile. */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the app at ${CONNECTIONS[0]} connections written to ${file}`);
    },
  };
}

async function quiesce(database: Database, name: string): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 300 && quiet < 3; i++) {
    const [{ busy }] = await database.sequelize.query<{ busy: number }>(
      "SELECT count(*)::int AS busy FROM pg_stat_activity WHERE datname = :name AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'",
      { type: QueryTypes.SELECT, replacements: { name } },
    );
    quiet = busy === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------

async function gapless(database: Database): Promise<boolean> {
  const rows = await database.sequelize.query<{ kind: string; year: number; count: number; min: number; max: number; counter: number }>(
    `SELECT c.kind, c.ref_year AS year, count(*)::int AS count, min(c.ref_number) AS min, max(c.ref_number) AS max, rc.last_number AS counter
       FROM complaints c JOIN reference_counters rc ON rc.kind = c.kind AND rc.year = c.ref_year
      GROUP BY c.kind, c.ref_year, rc.last_number ORDER BY 1, 2`,
    { type: QueryTypes.SELECT },
  );
  let ok = true;
  console.log('\nnumbering (every entry written by this run, baseline and app):');
  for (const r of rows) {
    const good = r.min === 1 && r.max === r.count && r.counter === r.max;
    ok &&= good;
    console.log(`  ${r.kind.padEnd(9)} ${r.year}: ${r.count} entries, numbers ${r.min}..${r.max}, counter ${r.counter} → ${good ? 'gapless' : 'GAP OR DUPLICATE'}`);
  }
  return ok;
}

export async function run(): Promise<void> {
  const name = benchDatabaseName('intake');
  const load1 = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`intake benchmark on PostgreSQL ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load average ${load1()})`);
  console.log(`database ${name}; ${RUNS} rounds of: raw baseline (${BASELINE_CLIENTS} clients) + API at ${CONNECTIONS.join('/')} connections, ${DURATION_S} s each`);
  await createDatabase(name);
  let database: Database | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    database = await openMigrated(name);
    const { user, token } = await userWithToken(['intake'], 'Nguyễn Thị Lan');
    const cr = rng(7);
    const customers: Customer[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const c = sampleCustomer(cr, i + 1);
      customers.push(await runWithContext(systemContext('bench'), () => transaction(() => createCustomer({ ...c, contacts: [] }))));
    }
    const customerIds = customers.map((c) => c.id);
    app = await startApp(name);
    const job = (connections: number, durationS: number, seed: number): LoadJob => ({ url: app!.url, token, customerIds, connections, durationS, seed, zone: ZONE });

    // Warm-up: JIT, pools, caches, and a first sanity check that entries are accepted.
    const warm = await load(job(4, WARMUP_S, 1));
    await quiesce(database, name);
    await rawBaseline(name, customers, user.id, Math.min(WARMUP_S, 2), 2);
    console.log(`warm-up: ${warm.ok} entries in ${WARMUP_S} s, non-2xx ${warm.non2xx}${warm.firstError ? ` (${warm.firstError})` : ''}`);

    const base: Stats[] = [];
    const api = new Map<number, Stats[]>(CONNECTIONS.map((c) => [c, []]));
    for (let round = 0; round < RUNS; round++) {
      // Statistics as autovacuum keeps them on a live database. Without any (a database created a
      // minute ago) the planner estimates a handful of rows and runs intake's recurrence query as a
      // bitmap scan plus sort of every entry in the 90-day window: its cost then grows with the table.
      await database.sequelize.query('ANALYZE');
      const b = await rawBaseline(name, customers, user.id, DURATION_S, 100 + round);
      base.push(b);
      const line = [`  round ${round + 1}: baseline ${b.perSecond.toFixed(0)}/s`];
      for (const c of CONNECTIONS) {
        const pg0 = await backendCpu(name);
        const profiling = PROFILE && round === 0 && c === CONNECTIONS[0] ? await startProfile() : null;
        const cpu0 = process.cpuUsage();
        const res = await load(job(c, DURATION_S, 1000 * (round + 1) + c));
        const cpu = process.cpuUsage(cpu0);
        if (profiling) await profiling.stop(PROFILE!);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        await quiesce(database, name);
        const pgMs = await backendCpuSince(name, pg0);
        if (res.firstError) console.log(`    non-2xx at ${c} connections, e.g. ${res.firstError}`);
        api.get(c)!.push({
          perSecond: res.perSecond, p50: res.p50, p95: res.p95, p99: res.p99, count: res.ok, non2xx: res.non2xx + res.errors + res.timeouts,
          cpuMsPerEntry: cpuMs / Math.max(1, res.ok), cpuShare: cpuMs / (res.seconds * 1000), pgCpuMsPerEntry: pgMs === null ? null : pgMs / Math.max(1, res.ok),
        });
        line.push(`api@${c} ${res.perSecond.toFixed(0)}/s p99 ${ms(res.p99)}${res.non2xx ? ` non-2xx ${res.non2xx}` : ''}`);
      }
      console.log(line.join(', '));
    }

    const med = (xs: Stats[], k: 'perSecond' | 'p50' | 'p95' | 'p99') => median(xs.map((x) => x[k]));
    const baseRate = med(base, 'perSecond');
    console.log(`\nmedian of ${RUNS} runs of ${DURATION_S} s:`);
    console.log('  path                          entries/s     p50       p95       p99   non-2xx   ratio to baseline');
    const row = (label: string, xs: Stats[]) =>
      console.log(
        `  ${label.padEnd(28)} ${med(xs, 'perSecond').toFixed(0).padStart(9)} ${ms(med(xs, 'p50')).padStart(9)} ${ms(med(xs, 'p95')).padStart(9)} ${ms(med(xs, 'p99')).padStart(9)} ${String(xs.reduce((s, x) => s + x.non2xx, 0)).padStart(8)}   ${(med(xs, 'perSecond') / baseRate).toFixed(2)}`,
      );
    row(`raw SQL, ${BASELINE_CLIENTS} clients`, base);
    for (const c of CONNECTIONS) row(`POST /api/v1/complaints, ${c}`, api.get(c)!);
    console.log('\nCPU per entry (median), this process (the app, or the baseline\'s JS) and the PostgreSQL backends:');
    const cpuRow = (label: string, xs: Stats[]) => {
      const pgs = xs.map((x) => x.pgCpuMsPerEntry).filter((x): x is number => x !== null);
      console.log(
        `  ${label.padEnd(28)} node ${median(xs.map((x) => x.cpuMsPerEntry)).toFixed(1).padStart(5)} ms (${(median(xs.map((x) => x.cpuShare)) * 100).toFixed(0).padStart(3)} % of a core)   postgres ${pgs.length ? `${median(pgs).toFixed(1).padStart(5)} ms` : '  n/a'}`,
      );
    };
    cpuRow(`raw SQL, ${BASELINE_CLIENTS} clients`, base);
    for (const c of CONNECTIONS) cpuRow(`POST /api/v1/complaints, ${c}`, api.get(c)!);

    const at4 = api.get(4);
    if (at4) {
      const ratio = med(at4, 'perSecond') / baseRate;
      console.log(`\ntarget (issue 8): API intake ≥ 60 % of raw baseline at 4 clients: ${(ratio * 100).toFixed(0)} % → ${ratio >= 0.6 ? 'met' : 'MISSED'}`);
      console.log(`target: p99 < 100 ms at 4 clients: ${ms(med(at4, 'p99'))} → ${med(at4, 'p99') < 100 ? 'met' : 'MISSED'}`);
    }

    console.log(`(load average at the end: ${load1()})`);
    await app.close();
    app = undefined;
    const ok = await gapless(database);
    const [{ complaints, events }] = await database.sequelize.query<{ complaints: number; events: number }>(
      "SELECT (SELECT count(*) FROM complaints)::int AS complaints, (SELECT count(*) FROM audit_events WHERE action = 'complaint.created')::int AS events",
      { type: QueryTypes.SELECT },
    );
    const verification = await verifyAuditTrail();
    console.log(`audit: ${events} complaint.created events for ${complaints} entries; chain verification ${verification.ok ? 'ok' : 'FAILED'} (${verification.checked} events)`);
    if (!ok || events !== complaints || !verification.ok) process.exitCode = 1;
  } finally {
    await app?.close();
    await database?.close();
    if (KEEP) console.log(`kept database ${name} (BENCH_KEEP)`);
    else await dropDatabase(name);
  }
}
