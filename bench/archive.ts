import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { generateSigningKeyPem, keyringFrom, setAuditKeyring } from '../src/audit/keys';
import { verifyArchives, type VerifyPhase } from '../src/commands/archiveVerifier';
import { openDatabase, type Database } from '../src/db';
import { manualTick } from '../src/jobs/CronJob';
import { ArchiveSealingJob } from '../src/jobs/archiveSealingJob';
import { resetClock, useFixedClock } from '../src/lib/clock';
import { setLogLevel } from '../src/lib/logger';
import { median, loadAverage } from './lib';
import { benchDatabaseName, createDatabase, databaseUrl, dropDatabase, openMigrated, serverVersion, startApp, userWithToken } from './pg';

/**
 * `npm run bench -- archive` (issue 11 "Performance"): BENCH_ARCHIVES (100,000) archives of closed
 * entries, the first BENCH_SEAL sealed by the real `archive-sealing` job (sealCase, one case per
 * short transaction), then verify them
 * with the real verifier and export the retention report, on a fresh PostgreSQL database.
 *
 * - Seeding (not measured): one customer per entry, the entry closed 60 days before the bench's
 *   "now", four stage visits (intake → investigation → response → closed) and two met clocks,
 *   inserted with SQL (generate_series, batches of 20,000).
 * - Sealing: `ArchiveSealingJob.run()` once over BENCH_SEAL cases (slow: one transaction per case) → archives/s.
 * - Verification: `verifyArchives()` in a forked child process (so its resident set is its own),
 *   BENCH_RUNS (3) times; the archive-chain phase and the audit-trail phase are timed apart from
 *   the verifier's progress callback; the child samples its RSS every 10 ms (and reads VmHWM).
 * - Raw baseline, in the same run: the snapshots read from `archives` over plain `pg` in keyset batches of 1,000
 *   and SHA-256'd in this process (MB/s, archives/s); the ratio is the chain phase's rate over it.
 * - Retention report: `GET /api/v1/reports/retention.xlsx` and `.pdf` through the real app
 *   (createApp) in a forked child, an auditor's bearer token, the body read and discarded; the
 *   child's peak RSS while it serves the file.
 * - Then once more each with V8's old space capped (BENCH_HEAP_CAP, 256 MB; 0 skips it): without
 *   a cap V8 lets the heap grow with garbage far beyond what is live (see bench/README.md).
 * The embedded database is not measured (the children open the database beside the parent, which
 * PGlite's one session and lock file do not allow).
 * BENCH_SEAL (2,000): how many the real job seals; the other archives are copied in bulk from a
 * real snapshot (bulkArchives) — the job seals ~50 a second here, 100,000 would take over half an hour.
 * BENCH_KEEP=1 keeps the database; BENCH_DB=<name> reuses a database a previous run kept (sealed).
 */
const N = Number(process.env.BENCH_ARCHIVES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED_BATCH = 20_000;
/** How many the real job seals (the rest are copied in bulk from a sealed snapshot: the job runs at ~30/s here). */
const SEAL = Math.min(N, Number(process.env.BENCH_SEAL ?? 2000));
const NOW = new Date('2026-11-16T03:00:00Z');
const RSS_TARGET_MB = 300;
/** The peaks are measured again once with V8's old space capped (MB; 0: not): live memory, without V8's lazy collection. */
const HEAP_CAP = Number(process.env.BENCH_HEAP_CAP ?? 256);
const MB = 1024 * 1024;

const load = () => loadAverage(1);
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

async function seed(db: Database, n: number): Promise<void> {
  const s = db.sequelize;
  for (let lo = 1; lo <= n; lo += SEED_BATCH) {
    const hi = Math.min(n, lo + SEED_BATCH - 1);
    const bind = [lo, hi, NOW];
    await s.query(
      `INSERT INTO customers (id, code, name, type, phone, address, search_text)
       SELECT md5('u' || g)::uuid, 'KH-' || lpad(g::text, 7, '0'), 'Nguyễn Văn Khách ' || g, 'person', '09' || lpad(g::text, 8, '0'),
              g || ' Lê Lợi, Quận 1, TP. Hồ Chí Minh', 'nguyen van khach ' || g
         FROM generate_series($1::int, $2::int) g`,
      { bind: [lo, hi] },
    );
    // Entry g: received 90 days + g seconds before now, closed 60 days before now (the job's ARCHIVE_AFTER_DAYS is 30).
    await s.query(
      `INSERT INTO complaints (id, reference, kind, ref_year, ref_number, status, customer_id, channel, received_at, incident_date, category, subject, description, severity,
                               time_barred, filing_window_ends_at, regulatory_review_required, meeting_required, recurring, stage_entered_at, closed_at, search_text)
       SELECT md5('c' || g)::uuid, 'KN-2026-' || lpad(g::text, 7, '0'), 'complaint', 2026, g, 'closed', md5('u' || g)::uuid, 'hotline',
              $3::timestamptz - interval '90 days' - g * interval '1 second', date '2026-08-10', 'service_quality', 'Máy lọc nước rò rỉ',
              'Khách hàng báo máy lọc nước rò rỉ sau hai tuần sử dụng; đã kiểm tra tại nhà và thay bộ lõi lọc.', 'medium',
              false, $3::timestamptz, false, false, false, $3::timestamptz - interval '60 days',
              $3::timestamptz - CASE WHEN g <= $4 THEN interval '60 days' ELSE interval '10 days' END,
              'kn-2026 may loc nuoc ro ri'
         FROM generate_series($1::int, $2::int) g`,
      { bind: [...bind, SEAL] },
    );
    await s.query(
      `INSERT INTO complaint_stages (complaint_id, stage, round, entered_at, exited_at, note)
       SELECT md5('c' || g)::uuid, v.stage, 1, $3::timestamptz - v.entered, CASE WHEN v.exited IS NULL THEN NULL ELSE $3::timestamptz - v.exited END, v.note
         FROM generate_series($1::int, $2::int) g
        CROSS JOIN (VALUES ('intake', interval '90 days', interval '89 days', 'Tiếp nhận qua tổng đài'),
                           ('investigation', interval '89 days', interval '80 days', 'Kiểm tra tại nhà khách hàng'),
                           ('response', interval '80 days', interval '60 days', 'Đã gửi thư trả lời'),
                           ('closed', interval '60 days', NULL, NULL)) AS v(stage, entered, exited, note)`,
      { bind },
    );
    await s.query(
      `INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, met_at, outcome, set_by)
       SELECT md5('c' || g)::uuid, k.kind, $3::timestamptz - interval '90 days', $3::timestamptz - interval '90 days' + k.span,
              $3::timestamptz - interval '60 days', 'met', 'bench'
         FROM generate_series($1::int, $2::int) g
        CROSS JOIN (VALUES ('stage', interval '40 days'), ('resolution', interval '45 days')) AS k(kind, span)`,
      { bind },
    );
    process.stdout.write(`  seeded ${hi.toLocaleString('en')}\r`);
  }
  // The log book: every number handed out (as intake's counter would have).
  await s.query(`INSERT INTO reference_counters (kind, year, last_number) VALUES ('complaint', 2026, $1) ON CONFLICT (kind, year) DO UPDATE SET last_number = EXCLUDED.last_number`, { bind: [n] });
  for (const t of ['customers', 'complaints', 'complaint_stages', 'case_clocks']) await s.query(`VACUUM ANALYZE ${t}`);
}

async function count(db: Database, sql: string): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT });
  return row.n;
}

/** Sealing with the real job, once; a line every 10 s. */
async function seal(db: Database): Promise<{ ms: number; sealed: number }> {
  useFixedClock(NOW);
  const job = new ArchiveSealingJob(30);
  const t0 = performance.now();
  const timer = setInterval(() => {
    void count(db, 'SELECT count(*)::int AS n FROM archives').then((n) => {
      const s = (performance.now() - t0) / 1000;
      console.log(`  sealing: ${n.toLocaleString('en')} after ${s.toFixed(0)} s (${(n / s).toFixed(0)}/s), load ${load()}`);
    });
  }, 10_000);
  try {
    const out = await job.run(manualTick(NOW));
    if (out.status !== 'succeeded') throw new Error(`sealing failed: ${out.error}`);
    return { ms: performance.now() - t0, sealed: out.counts?.sealed ?? 0 };
  } finally {
    clearInterval(timer);
    resetClock();
  }
}

/**
 * Archives SEAL+1..N without the job: the snapshot of archive 1 (a real one, canonical, from
 * sealCase) with the case's ids, reference and customer substituted, hashed and chained as sealCase
 * does, inserted 1,000 per statement. Same size and shape as a sealed case's; no audit events.
 */
async function bulkArchives(db: Database): Promise<void> {
  const s = db.sequelize;
  const [first] = await s.query<{ complaintId: string; snapshot: string }>('SELECT complaint_id AS "complaintId", snapshot FROM archives WHERE position = 1', { type: QueryTypes.SELECT });
  const [head] = await s.query<{ position: string; sha256: string }>('SELECT position, sha256 FROM archives ORDER BY position DESC LIMIT 1', { type: QueryTypes.SELECT });
  const parsed = JSON.parse(first.snapshot) as { complaint: { reference: string; customer_id: string }; customer: { code: string; name: string; phone: string } };
  const swaps = (g: number, c: { id: string; customerId: string }) => [
    [first.complaintId, c.id],
    [parsed.complaint.customer_id, c.customerId],
    [parsed.complaint.reference, `KN-2026-${String(g).padStart(7, '0')}`],
    [parsed.customer.code, `KH-${String(g).padStart(7, '0')}`],
    [parsed.customer.name, `Nguyễn Văn Khách ${g}`],
    [parsed.customer.phone, `09${String(g).padStart(8, '0')}`],
  ];
  let prev = head.sha256;
  let position = Number(head.position);
  for (let lo = SEAL + 1; lo <= N; lo += 1000) {
    const hi = Math.min(N, lo + 999);
    const cases = await s.query<{ id: string; customerId: string; closedAt: Date; g: number }>(
      `SELECT id, customer_id AS "customerId", closed_at AS "closedAt", ref_number AS g FROM complaints WHERE ref_number BETWEEN $1 AND $2 ORDER BY ref_number`,
      { bind: [lo, hi], type: QueryTypes.SELECT },
    );
    const rows = cases.map((c) => {
      let text = first.snapshot;
      for (const [from, to] of swaps(Number(c.g), c)) text = text.split(from).join(to);
      const sha256 = createHash('sha256').update(text).digest('hex');
      const row = { complaint_id: c.id, position: ++position, sha256, prev_sha256: prev, snapshot: text, sealed_at: NOW, closed_at: c.closedAt, retention_until: new Date(c.closedAt.getTime() + 5 * 365.25 * 86_400_000) };
      prev = sha256;
      return row;
    });
    await s.query(
      `INSERT INTO archives (complaint_id, position, sha256, prev_sha256, snapshot, sealed_at, closed_at, retention_class, retention_until)
       SELECT complaint_id, position, sha256, prev_sha256, snapshot, sealed_at, closed_at, 'default', retention_until
         FROM json_to_recordset($1::json) AS x(complaint_id uuid, position bigint, sha256 text, prev_sha256 text, snapshot text, sealed_at timestamptz, closed_at timestamptz, retention_until timestamptz)`,
      { bind: [JSON.stringify(rows)] },
    );
    if (hi % 10_000 === 0 || hi === N) process.stdout.write(`  bulk archives ${hi.toLocaleString('en')}\r`);
  }
}

/** Raw baseline: every snapshot read over plain `pg` by keyset batches of 1,000 (chain order) and SHA-256'd here. */
async function rawHash(name: string): Promise<{ ms: number; hashMs: number; bytes: number; archives: number }> {
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  let after = 0;
  let bytes = 0;
  let archives = 0;
  let hashMs = 0;
  try {
    const t0 = performance.now();
    for (;;) {
      const { rows } = await client.query<{ position: string; snapshot: string; sha256: string }>(
        'SELECT position, snapshot, sha256 FROM archives WHERE position > $1 ORDER BY position LIMIT 1000',
        [after],
      );
      const h0 = performance.now();
      for (const r of rows) {
        const buf = Buffer.from(r.snapshot, 'utf8');
        if (createHash('sha256').update(buf).digest('hex') !== r.sha256) throw new Error(`raw baseline: archive ${r.position} does not match`);
        bytes += buf.length;
      }
      hashMs += performance.now() - h0;
      archives += rows.length;
      if (rows.length < 1000) break;
      after = Number(rows[rows.length - 1].position);
    }
    return { ms: performance.now() - t0, hashMs, bytes, archives };
  } finally {
    await client.end();
  }
}

// ---- The child processes (verification, report), each measuring its own resident set ----

interface ChildResult {
  ms: number;
  peakRss: number;
  hwm: number;
  startRss: number;
  phases?: Partial<Record<VerifyPhase, number>>;
  chainPeakRss?: number;
  ok?: boolean;
  checked?: number;
  failures?: number;
  firstFailures?: unknown[];
  bytes?: number;
  status?: number;
}

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function child(what: string): Promise<void> {
  setLogLevel('warn');
  const db = await openDatabase({ databaseUrl: databaseUrl(process.env.BENCH_ARCHIVE_DB!), poolMax: 4 });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  try {
    global.gc?.();
    const startRss = process.memoryUsage().rss;
    peakRss = startRss;
    let result: ChildResult;
    if (what === 'verify') {
      const phases: Partial<Record<VerifyPhase, number>> = {};
      let phase = null as VerifyPhase | null;
      let chainPeakRss = 0;
      let since = performance.now();
      const t0 = since;
      const out = await verifyArchives((p) => {
        if (p === phase) return;
        const now = performance.now();
        if (phase) phases[phase] = now - since;
        if (phase === 'archives') chainPeakRss = Math.max(peakRss, process.memoryUsage().rss);
        phase = p;
        since = now;
      });
      const ms = performance.now() - t0;
      const last = phase as VerifyPhase | null;
      if (last) phases[last] = performance.now() - since;
      // The seeded rows (SQL, not the app) have no audit trail: the only failures expected, 100 per table at most.
      const unexpected = out.failures.filter((f) => !f.reason.includes('has no audit trail'));
      result = { ms, peakRss, hwm: vmHwm(), startRss, phases, chainPeakRss, ok: unexpected.length === 0, checked: out.checked, failures: out.failures.length, firstFailures: unexpected.slice(0, 3) };
    } else {
      const app = await startApp(process.env.BENCH_ARCHIVE_DB!);
      try {
        global.gc?.();
        const before = process.memoryUsage().rss;
        peakRss = before;
        const t0 = performance.now();
        const res = await fetch(`${app.url}/api/v1/reports/retention.${what}`, { headers: { authorization: `Bearer ${process.env.BENCH_ARCHIVE_TOKEN}` } });
        let bytes = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
        result = { ms: performance.now() - t0, peakRss, hwm: vmHwm(), startRss: before, bytes, status: res.status };
      } finally {
        await app.close();
      }
    }
    result.peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.send!(result);
  } finally {
    clearInterval(sampler);
    await db.close();
  }
}

function runChild(what: string, env: NodeJS.ProcessEnv, heapCapMb?: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // The execArgv keeps tsx's loader (the child runs this .ts file as is); a cap on V8's old space when asked.
    const execArgv = [...process.execArgv, ...(heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : [])];
    const c = fork(__filename, ['--archive-child', what], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: ChildResult | undefined;
    c.on('message', (m) => (got = m as ChildResult));
    c.on('error', reject);
    c.on('exit', (code) => (got && code === 0 ? resolve(got) : reject(new Error(`child ${what} exited ${code}`))));
  });
}

export async function run(): Promise<void> {
  setLogLevel('warn');
  console.log(`archive benchmark on PostgreSQL ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load ${load()}), ${N.toLocaleString('en')} archives`);
  // One signing key for this process and its children: the audit trail they verify is signed with it.
  const key = process.env.AUDIT_SIGNING_KEY ?? generateSigningKeyPem();
  setAuditKeyring(keyringFrom(key));
  const reuse = process.env.BENCH_DB;
  const name = reuse ?? benchDatabaseName('archive');
  if (!reuse) await createDatabase(name);
  let db: Database | undefined;
  try {
    db = await openMigrated(name);
    const { token } = await userWithToken(['auditor'], 'Lê Thị Kiểm Toán');
    if (!reuse) {
      const t0 = performance.now();
      await seed(db, N);
      console.log(`\nseeded ${N.toLocaleString('en')} closed entries in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const sealed = await seal(db);
      console.log(`sealing (archive-sealing job, once): ${sealed.sealed.toLocaleString('en')} in ${(sealed.ms / 1000).toFixed(1)} s = ${((sealed.sealed * 1000) / sealed.ms).toFixed(1)} archives/s (${(sealed.ms / sealed.sealed).toFixed(1)} ms each), load ${load()}`);
      if (N > SEAL) {
        const t1 = performance.now();
        await bulkArchives(db);
        console.log(`\n${(N - SEAL).toLocaleString('en')} more archives copied in bulk in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
      }
      await db.sequelize.query('VACUUM ANALYZE archives');
      await db.sequelize.query('VACUUM ANALYZE audit_events');
    }
    const archives = await count(db, 'SELECT count(*)::int AS n FROM archives');
    const events = await count(db, 'SELECT count(*)::int AS n FROM audit_events');
    const env = { BENCH_ARCHIVE_DB: name, BENCH_ARCHIVE_TOKEN: token, AUDIT_SIGNING_KEY: key };
    const raw: Array<Awaited<ReturnType<typeof rawHash>>> = [];
    const verify: ChildResult[] = [];
    const reports: Record<'xlsx' | 'pdf', ChildResult[]> = { xlsx: [], pdf: [] };
    for (let i = 0; i < RUNS; i++) {
      const r = await rawHash(name);
      raw.push(r);
      const v = await runChild('verify', env);
      if (!v.ok) throw new Error(`verification failed: ${v.failures} failures, e.g. ${JSON.stringify(v.firstFailures)}`);
      verify.push(v);
      for (const f of ['xlsx', 'pdf'] as const) {
        const rep = await runChild(f, env);
        if (rep.status !== 200) throw new Error(`retention.${f}: HTTP ${rep.status}`);
        reports[f].push(rep);
      }
      const ph = v.phases ?? {};
      console.log(
        `  run ${i + 1} (load ${load()}): raw ${(r.ms / 1000).toFixed(2)} s (hash alone ${(r.hashMs / 1000).toFixed(2)} s, ${mb(r.bytes)}); verify ${(v.ms / 1000).toFixed(2)} s ` +
          `(archives ${((ph.archives ?? 0) / 1000).toFixed(2)} s, audit ${((ph.audit ?? 0) / 1000).toFixed(2)} s; ${v.checked} checked), peak RSS ${mb(v.peakRss)} (chain phase ${mb(v.chainPeakRss ?? 0)}, HWM ${mb(v.hwm)}, start ${mb(v.startRss)}, ${v.failures} expected failures); ` +
          `xlsx ${(reports.xlsx[i].ms / 1000).toFixed(2)} s ${mb(reports.xlsx[i].bytes ?? 0)} peak ${mb(reports.xlsx[i].peakRss)}; pdf ${(reports.pdf[i].ms / 1000).toFixed(2)} s ${mb(reports.pdf[i].bytes ?? 0)} peak ${mb(reports.pdf[i].peakRss)}`,
      );
    }
    const capped: Array<[string, ChildResult]> = [];
    if (HEAP_CAP > 0)
      for (const what of ['verify', 'xlsx', 'pdf']) {
        const c = await runChild(what, env, HEAP_CAP);
        capped.push([what, c]);
        console.log(`  --max-old-space-size=${HEAP_CAP}: ${what} ${(c.ms / 1000).toFixed(2)} s, peak RSS ${mb(Math.max(c.peakRss, c.hwm))} (start ${mb(c.startRss)})`);
      }
    const bytes = raw[0].bytes;
    const rawMs = median(raw.map((r) => r.ms));
    const hashMs = median(raw.map((r) => r.hashMs));
    const chainMs = median(verify.map((v) => v.phases?.archives ?? v.ms));
    const auditMs = median(verify.map((v) => v.phases?.audit ?? 0));
    const allMs = median(verify.map((v) => v.ms));
    const rate = (ms: number) => `${((archives * 1000) / ms).toFixed(0)} archives/s`;
    const peak = (rs: ChildResult[]) => Math.max(...rs.map((r) => Math.max(r.peakRss, r.hwm)));
    console.log(`\n${archives.toLocaleString('en')} archives (${mb(bytes)} of snapshots, ${(bytes / archives / 1024).toFixed(1)} KB each), ${events.toLocaleString('en')} audit events; median of ${RUNS} runs, load ${load()}:`);
    console.log('| measurement | median | rate | ratio to raw | target |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| raw: read snapshots + SHA-256 in-process | ${(rawMs / 1000).toFixed(2)} s | ${rate(rawMs)}, ${((bytes / MB) / (rawMs / 1000)).toFixed(0)} MB/s | 1.00 | |`);
    console.log(`| raw: SHA-256 alone | ${(hashMs / 1000).toFixed(2)} s | ${rate(hashMs)}, ${((bytes / MB) / (hashMs / 1000)).toFixed(0)} MB/s | | |`);
    console.log(`| verifier, archive chain | ${(chainMs / 1000).toFixed(2)} s | ${rate(chainMs)} | ${(rawMs / chainMs).toFixed(2)} | ≥ 0.30: ${rawMs / chainMs >= 0.3 ? 'met' : 'MISSED'} |`);
    console.log(`| verifier, audit trail (${events.toLocaleString('en')} events) | ${(auditMs / 1000).toFixed(2)} s | | | |`);
    console.log(`| verifyArchives, all | ${(allMs / 1000).toFixed(2)} s | ${rate(allMs)} | ${(rawMs / allMs).toFixed(2)} | ≥ 0.30: ${rawMs / allMs >= 0.3 ? 'met' : 'MISSED'} |`);
    for (const [what, rs] of [['verification', verify], ['retention.xlsx', reports.xlsx], ['retention.pdf', reports.pdf]] as const)
      console.log(`| peak RSS, ${what} | ${mb(peak(rs))} (max of ${RUNS}; ${rs.map((r) => mb(Math.max(r.peakRss, r.hwm))).join(' / ')}) | ${(median(rs.map((r) => r.ms)) / 1000).toFixed(2)} s | | < ${RSS_TARGET_MB} MB: ${peak(rs) < RSS_TARGET_MB * MB ? 'met' : 'MISSED'} |`);
    for (const [what, c] of capped)
      console.log(`| peak RSS, ${what}, old space capped at ${HEAP_CAP} MB | ${mb(Math.max(c.peakRss, c.hwm))} (one run) | ${(c.ms / 1000).toFixed(2)} s | | < ${RSS_TARGET_MB} MB: ${Math.max(c.peakRss, c.hwm) < RSS_TARGET_MB * MB ? 'met' : 'MISSED'} |`);
  } finally {
    await db?.close();
    if (!reuse && !process.env.BENCH_KEEP) await dropDatabase(name);
    else console.log(`kept database ${name} (BENCH_DB=${name} reuses it)`);
  }
}

if (process.argv[2] === '--archive-child') {
  child(process.argv[3]).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
