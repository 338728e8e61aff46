import os from 'node:os';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import type { Database } from '../src/db';
import { foldText } from '../src/domain/entries';
import { presentComplaint } from '../src/presenters/complaints';
import { defineAbilityFor } from '../src/policies/ability';
import { listComplaints, type ComplaintFilter } from '../src/queries/complaints';
import { RARE_TERM } from './corpus';
import { median, percentile } from './lib';
import {
  benchDatabaseName,
  createDatabase,
  databaseComment,
  databaseExists,
  databaseUrl,
  dropDatabase,
  openMigrated,
  serverVersion,
  setDatabaseComment,
  startApp,
  userWithToken,
} from './pg';
import { seedDatabase } from './seed';

/**
 * List queries on a 1,000,000-entry log book (PostgreSQL server): the queue's first page, text
 * searches and the overdue list, each timed through `listComplaints` directly and through
 * GET /api/v1/complaints, with the EXPLAIN (ANALYZE, BUFFERS) of the SQL the app sends.
 *
 * BENCH_DB=<name>: use (or create, seed and keep) that database, so a second run skips seeding.
 * Without it a fresh database is created, seeded and dropped at the end.
 */
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 50_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 3 * 365);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 50);
const WARMUP = 5;
const ZONE = 'Asia/Ho_Chi_Minh';
const TARGET_MS = 50;

interface Case {
  label: string;
  filter: Omit<ComplaintFilter, 'limit'>;
  query: string;
}

const CASES: Case[] = [
  { label: 'queue, first page (sort=due)', filter: { sort: 'due' }, query: 'sort=due' },
  { label: "search q='may loc nuoc'", filter: { sort: 'received', q: 'may loc nuoc' }, query: 'q=may%20loc%20nuoc' },
  { label: `search q='${foldText(RARE_TERM)}' (rare)`, filter: { sort: 'received', q: foldText(RARE_TERM) }, query: `q=${encodeURIComponent(foldText(RARE_TERM))}` },
  { label: "search q='tu lanh da nang' (no match)", filter: { sort: 'received', q: 'tu lanh da nang' }, query: 'q=tu%20lanh%20da%20nang' },
  { label: "search q='nguyen van an' (a customer)", filter: { sort: 'received', q: 'nguyen van an' }, query: 'q=nguyen%20van%20an' },
  { label: "search q='KN-2024-0001' (references)", filter: { sort: 'received', q: 'KN-2024-0001' }, query: 'q=KN-2024-0001' },
  { label: 'overdue=true, first page', filter: { sort: 'received', overdue: true }, query: 'overdue=true' },
  { label: 'overdue=true&sort=due', filter: { sort: 'due', overdue: true }, query: 'overdue=true&sort=due' },
];

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return { p50: median(xs), p95: percentile(xs, 95), max: Math.max(...xs) };
}

async function describe(database: Database, now: Date): Promise<void> {
  const q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) =>
    database.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  const [counts] = await q<{ entries: number; open: number; overdue: number; customers: number; size: string }>(
    `SELECT (SELECT count(*) FROM complaints)::int AS entries,
            (SELECT count(*) FROM complaints WHERE status NOT IN ('closed', 'archived'))::int AS open,
            (SELECT count(*) FROM complaints WHERE status NOT IN ('closed', 'archived') AND next_due_at < :now)::int AS overdue,
            (SELECT count(*) FROM customers)::int AS customers,
            pg_size_pretty(pg_total_relation_size('complaints')) AS size`,
    { now },
  );
  const byStatus = await q<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM complaints GROUP BY 1 ORDER BY 2 DESC');
  console.log(
    `data: ${counts.entries.toLocaleString('en')} entries (${counts.size} with indexes and TOAST), ${counts.customers.toLocaleString('en')} customers; ` +
      `${counts.open.toLocaleString('en')} open, ${counts.overdue.toLocaleString('en')} of them overdue now`,
  );
  console.log(`  by status: ${byStatus.map((s) => `${s.status} ${s.n.toLocaleString('en')}`).join(', ')}`);
  const terms = CASES.filter((c) => c.filter.q).map((c) => foldText(c.filter.q!));
  const matches = await Promise.all(terms.map(async (t) => (await q<{ n: number }>('SELECT count(*)::int AS n FROM complaints WHERE search_text LIKE :p', { p: `%${t}%` }))[0].n));
  console.log(`  search matches: ${terms.map((t, i) => `'${t}' ${matches[i].toLocaleString('en')}`).join(', ')}`);
  const gaps = await q<{ kind: string; year: number; n: number; max: number }>(
    'SELECT kind, ref_year AS year, count(*)::int AS n, max(ref_number) AS max FROM complaints GROUP BY 1, 2 ORDER BY 1, 2',
  );
  console.log(`  numbering: ${gaps.map((g) => `${g.kind} ${g.year} ${g.n}/${g.max}${g.n === g.max ? '' : ' GAP'}`).join(', ')}`);
}

export async function run(): Promise<void> {
  const keep = process.env.BENCH_DB;
  const name = keep ?? benchDatabaseName('queries');
  const marker = `casebook bench seed: ${ENTRIES} entries, ${CUSTOMERS} customers`;
  console.log(`queries benchmark on PostgreSQL ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  let reuse = false;
  let seeded = false;
  if (keep && (await databaseExists(name))) {
    const comment = await databaseComment(name);
    if (!comment?.startsWith(marker)) {
      throw new Error(`Database ${name} exists but is not a bench database seeded with ${ENTRIES} entries (its comment: ${comment ?? 'none'}). Drop it or choose another BENCH_DB.`);
    }
    console.log(`database ${name}: reusing (${comment})`);
    reuse = seeded = true;
  } else {
    await createDatabase(name);
    console.log(`database ${name}: created${keep ? ' (kept afterwards: BENCH_DB)' : ' (dropped afterwards; set BENCH_DB=<name> to keep a seeded one)'}`);
  }
  let database: Database | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    database = await openMigrated(name);
    if (!reuse) {
      const users = async (role: 'intake' | 'quality', names: string[]) => Promise.all(names.map(async (n) => (await userWithToken([role], n)).user.id));
      const intake = await users('intake', ['Nguyễn Thị Lan', 'Trần Thu Trang', 'Lê Minh Khánh']);
      const quality = await users('quality', ['Trần Văn Minh', 'Phạm Ngọc Hải', 'Vũ Thị Hạnh', 'Đỗ Quốc Bảo']);
      const seededAt = new Date();
      console.log(`seeding ${ENTRIES.toLocaleString('en')} entries over ${DAYS} days and ${CUSTOMERS.toLocaleString('en')} customers:`);
      const s = await seedDatabase(databaseUrl(name), { entries: ENTRIES, customers: CUSTOMERS, days: DAYS, now: seededAt, zone: ZONE, userIds: { intake, quality } });
      console.log(`seeded in ${s.seconds.toFixed(0)} s (${Math.round(s.entries / s.seconds).toLocaleString('en')} entries/s overall, indexes and VACUUM ANALYZE included)`);
      await setDatabaseComment(name, `${marker}, seeded ${seededAt.toISOString()}`);
      seeded = true;
    }
    const now = new Date();
    await describe(database, now);

    const { user, token } = await userWithToken(['auditor'], 'Bùi Thị Mai');
    const ability = defineAbilityFor(user);
    app = await startApp(name);
    const headers = { authorization: `Bearer ${token}` };

    // The SQL each case sends, captured from Sequelize, then explained on the same data.
    // Sequelize reads its `logging` option at every query; its typings do not expose `options`.
    const options = (database.sequelize as unknown as { options: { logging: false | ((sql: string) => void) } }).options;
    const captured: string[] = [];
    const explain = new pg.Client({ connectionString: databaseUrl(name) });
    await explain.connect();
    const results: Array<{ label: string; rows: number; direct: Awaited<ReturnType<typeof time>>; http: Awaited<ReturnType<typeof time>>; sqlMs: number; scan: string }> = [];
    try {
      for (const c of CASES) {
        const filter: ComplaintFilter = { ...c.filter, limit: 50 };
        captured.length = 0;
        options.logging = (sql: string) => {
          captured.push(sql.replace(/^Executing \([^)]*\): /, ''));
        };
        const page = await listComplaints(ability, filter, (x) => presentComplaint(x, now), now);
        options.logging = false;
        const sql = captured.find((s) => s.startsWith('SELECT'))!;
        const direct = await time(() => listComplaints(ability, filter, (x) => presentComplaint(x), new Date()));
        const http = await time(async () => {
          const res = await fetch(`${app!.url}/api/v1/complaints?${c.query}&limit=50`, { headers });
          if (!res.ok) throw new Error(`${c.query}: ${res.status} ${await res.text()}`);
          await res.json();
        });
        // Explained after the timed runs, i.e. on warm caches like the runs themselves.
        const { rows } = await explain.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
        const plan = rows.map((r) => r['QUERY PLAN']);
        const sqlMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
        // The index (or scan) that finds the entries: "Index Scan using complaints_queue_idx", "Bitmap Index Scan on complaints_search_idx"…
        const scan =
          plan
            .map((l) => /((?:Bitmap )?Index (?:Only )?Scan(?: Backward)? (?:using|on) \S+|Seq Scan on \S+)/.exec(l)?.[1])
            .find((x) => x && !/customers/.test(x)) ?? '?';
        results.push({ label: c.label, rows: page.items.length, direct, http, sqlMs, scan });
        console.log(`\n--- ${c.label}: ${page.items.length} rows; listComplaints p50 ${ms(direct.p50)} p95 ${ms(direct.p95)}; HTTP p50 ${ms(http.p50)} p95 ${ms(http.p95)}`);
        console.log(sql);
        console.log(plan.join('\n'));
      }
    } finally {
      await explain.end();
    }

    console.log(`\np50 / p95 of ${RUNS} runs each (after ${WARMUP} warm-up runs), limit 50, auditor:`);
    console.log('  case                                      rows    SQL   listComplaints p50 / p95    HTTP p50 / p95   p95 < 50 ms   main scan');
    for (const r of results) {
      const worst = Math.max(r.direct.p95, r.http.p95);
      console.log(
        `  ${r.label.padEnd(40)} ${String(r.rows).padStart(5)} ${ms(r.sqlMs).padStart(9)}  ${ms(r.direct.p50).padStart(9)} / ${ms(r.direct.p95).padStart(9)}   ${ms(r.http.p50).padStart(8)} / ${ms(r.http.p95).padStart(8)}   ${(worst < TARGET_MS ? 'met' : 'MISSED').padEnd(11)}   ${r.scan}`,
      );
    }
    console.log('  (SQL: execution time of EXPLAIN ANALYZE of the same statement, warm; listComplaints adds Sequelize and the presenter; HTTP adds auth, routing, JSON)');
  } finally {
    await app?.close();
    await database?.close();
    // A kept database is kept only once fully seeded: a half-seeded one would be refused next time.
    if (!keep || !seeded) await dropDatabase(name);
  }
}
