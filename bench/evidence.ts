import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEMO_PASSWORD, demoEmail } from '../seeds/demo';
import { bigJpeg, multipart } from '../test/evidence/helpers';
import { startServerProcess, type ServerProcess } from '../test/support/serverProcess';
import { median, loadAverage } from './lib';
import { benchDatabaseName, createDatabase, databaseUrl, dropDatabase, serverVersion } from './pg';

/**
 * `npm run bench -- evidence`: evidence uploads against the real server process (`node
 * dist/src/server.js` after `npm run build`, else tsx) with demo data, on a fresh PostgreSQL
 * database and on a fresh embedded one.
 *
 * - Throughput: BENCH_UPLOADS_1MB (20) sequential uploads of 1 MB and BENCH_UPLOADS_20MB (4) of
 *   20 MB (distinct random bytes with a JPEG header, so every one is stored), MB/s, against a raw
 *   `INSERT INTO … VALUES ($1::bytea)` of the same sizes over `pg` into a table of its own in the
 *   same PostgreSQL database, in the same run (the ratio).
 * - Memory: the server's resident set (VmRSS, sampled every 20 ms from /proc) while 8 uploads of
 *   20 MB run at once, and its peak (VmHWM); target < 300 MB.
 * - Other users meanwhile: a cs_director's GET of the case every 50 ms while those 8 uploads run —
 *   the worst and the median wait (the test only checks they are answered in between).
 * BENCH_RUNS (3) rounds of each; medians printed with the load average.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const UPLOADS = { 1: Number(process.env.BENCH_UPLOADS_1MB ?? 20), 20: Number(process.env.BENCH_UPLOADS_20MB ?? 4) } as const;
const CONCURRENT = 8;
const MB = 1024 * 1024;

const load = () => loadAverage(1);

function post(url: string, token: string, complaintId: string, content: Buffer): Promise<number> {
  const { body, contentType } = multipart([
    { name: 'description', value: 'Ảnh chụp hiện trường (bench)' },
    { name: 'file', file: { filename: 'ảnh hiện trường.jpg', content, contentType: 'image/jpeg' } },
  ]);
  const u = new URL(`${url}/api/v1/complaints/${complaintId}/evidence`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function token(url: string, role: 'quality' | 'cs_director'): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: demoEmail(role), password: DEMO_PASSWORD }) });
  return ((await login.json()) as { token: string }).token;
}

async function signIn(url: string): Promise<{ token: string; readerToken: string; complaintId: string }> {
  const quality = await token(url, 'quality');
  const list = await fetch(`${url}/api/v1/complaints?limit=1`, { headers: { authorization: `Bearer ${quality}` } });
  const { items } = (await list.json()) as { items: Array<{ id: string }> };
  // Another user, reading the case while the uploads run.
  return { token: quality, readerToken: await token(url, 'cs_director'), complaintId: items[0].id };
}

const procField = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** MB/s of `count` sequential uploads of `sizeMb`, each distinct. */
async function uploadRate(url: string, token: string, complaintId: string, sizeMb: 1 | 20, count: number, seed: number): Promise<number> {
  const files = Array.from({ length: count }, (_, i) => bigJpeg(sizeMb * MB, seed + i));
  const started = process.hrtime.bigint();
  for (const f of files) {
    const status = await post(url, token, complaintId, f);
    if (status !== 201) throw new Error(`upload answered ${status}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (sizeMb * count) / seconds;
}

/** One GET's latency in ms (another user reading the case while the uploads run). */
async function timedGet(url: string, token: string, path: string): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status} during the uploads`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * While 8 uploads of 20 MB run at once: the server's resident memory (before, the peak sampled, and
 * VmHWM after), and another user's `GET /api/v1/complaints/:id` sent every 50 ms — how long each
 * waited (the worst and the median; test/evidence/concurrency.test.ts checks only that they are
 * answered in between, never how fast).
 */
async function concurrentMemory(server: ServerProcess, token: string, readerToken: string, complaintId: string, seed: number) {
  const pid = server.child.pid!;
  const before = procField(pid, 'VmRSS');
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, procField(pid, 'VmRSS'))), 20);
  const files = Array.from({ length: CONCURRENT }, (_, i) => bigJpeg(20 * MB, seed + i));
  const started = Date.now();
  let uploading = true;
  const latencies: number[] = [];
  const other = (async () => {
    while (uploading) {
      latencies.push(await timedGet(server.url, readerToken, `/api/v1/complaints/${complaintId}`));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const statuses = await Promise.all(files.map((f) => post(server.url, token, complaintId, f)));
  uploading = false;
  await other;
  clearInterval(sampler);
  if (statuses.some((s) => s !== 201)) throw new Error(`concurrent uploads answered ${statuses.join(', ')}`);
  return { before, peak, hwm: procField(pid, 'VmHWM'), seconds: (Date.now() - started) / 1000, otherWorstMs: Math.max(...latencies), otherMedianMs: median(latencies), otherCount: latencies.length };
}

/** MB/s of raw INSERTs of the same sizes over pg (one connection, one statement each). */
async function rawRate(dbName: string, sizeMb: 1 | 20, count: number, seed: number): Promise<number> {
  const client = new Client({ connectionString: databaseUrl(dbName) });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bench_raw_blobs (id bigserial PRIMARY KEY, data bytea NOT NULL)');
    const files = Array.from({ length: count }, (_, i) => bigJpeg(sizeMb * MB, seed + i));
    const started = process.hrtime.bigint();
    for (const f of files) await client.query('INSERT INTO bench_raw_blobs (data) VALUES ($1::bytea)', [f]);
    return (sizeMb * count) / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}

interface Round {
  /** The server's RSS once started and signed in to, before any upload (MB). */
  idle: number;
  /** Its peak RSS by then (VmHWM): what starting took (initdb, migrations, demo data on the embedded database). */
  idleHwm: number;
  rate1: number;
  rate20: number;
  raw1?: number;
  raw20?: number;
  memory: { before: number; peak: number; hwm: number; seconds: number; otherWorstMs: number; otherMedianMs: number; otherCount: number };
}

async function round(label: string, env: NodeJS.ProcessEnv, seed: number, dbName?: string): Promise<Round> {
  const server = await startServerProcess({ ...env, DEMO: '1', LOG_LEVEL: 'warn', TZ: 'UTC' }, { built: true, timeoutMs: 180_000 });
  try {
    const { token, readerToken, complaintId } = await signIn(server.url);
    const r: Round = {
      idle: procField(server.child.pid!, 'VmRSS'),
      idleHwm: procField(server.child.pid!, 'VmHWM'),
      rate1: await uploadRate(server.url, token, complaintId, 1, UPLOADS[1], seed),
      rate20: await uploadRate(server.url, token, complaintId, 20, UPLOADS[20], seed + 1000),
      memory: await concurrentMemory(server, token, readerToken, complaintId, seed + 2000),
    };
    if (dbName) {
      r.raw1 = await rawRate(dbName, 1, UPLOADS[1], seed + 3000);
      r.raw20 = await rawRate(dbName, 20, UPLOADS[20], seed + 4000);
    }
    console.log(
      `  ${label}: 1 MB ${r.rate1.toFixed(1)} MB/s${r.raw1 ? ` (raw ${r.raw1.toFixed(1)})` : ''}, 20 MB ${r.rate20.toFixed(1)} MB/s${r.raw20 ? ` (raw ${r.raw20.toFixed(1)})` : ''}, ` +
        `RSS at start ${r.idle.toFixed(0)} MB (VmHWM ${r.idleHwm.toFixed(0)}), 8×20 MB at once: RSS ${r.memory.before.toFixed(0)} → peak ${r.memory.peak.toFixed(0)} MB (VmHWM ${r.memory.hwm.toFixed(0)}) in ${r.memory.seconds.toFixed(1)} s; another user's GET meanwhile: worst ${r.memory.otherWorstMs.toFixed(0)} ms, median ${r.memory.otherMedianMs.toFixed(0)} ms (${r.memory.otherCount})`,
    );
    return r;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

function report(label: string, rounds: Round[]): void {
  const m = (f: (r: Round) => number | undefined) => median(rounds.map(f).filter((v): v is number => v !== undefined));
  const lines = [
    `${label} (median of ${rounds.length}):`,
    `  1 MB uploads    ${m((r) => r.rate1).toFixed(1).padStart(6)} MB/s${rounds[0].raw1 ? `   raw INSERT ${m((r) => r.raw1).toFixed(1).padStart(6)} MB/s   ratio ${(m((r) => r.rate1) / m((r) => r.raw1)).toFixed(2)}` : ''}`,
    `  20 MB uploads   ${m((r) => r.rate20).toFixed(1).padStart(6)} MB/s${rounds[0].raw20 ? `   raw INSERT ${m((r) => r.raw20).toFixed(1).padStart(6)} MB/s   ratio ${(m((r) => r.rate20) / m((r) => r.raw20)).toFixed(2)}` : ''}`,
    `  server RSS at start ${m((r) => r.idle).toFixed(0)} MB (peak so far ${m((r) => r.idleHwm).toFixed(0)} MB); 8 × 20 MB at once: RSS before ${m((r) => r.memory.before).toFixed(0)} MB, peak ${m((r) => r.memory.peak).toFixed(0)} MB (+${m((r) => r.memory.peak - r.memory.before).toFixed(0)} MB), VmHWM after ${m((r) => r.memory.hwm).toFixed(0)} MB`,
    `  another user's GET /api/v1/complaints/:id while 8 × 20 MB uploads run: worst ${m((r) => r.memory.otherWorstMs).toFixed(0)} ms, median ${m((r) => r.memory.otherMedianMs).toFixed(0)} ms`,
    `  target: server RSS < 300 MB while 8 × 20 MB uploads run: peak ${m((r) => r.memory.peak).toFixed(0)} MB → ${m((r) => r.memory.peak) < 300 ? 'met' : 'MISSED'}`,
  ];
  console.log(lines.join('\n'));
}

export async function run(): Promise<void> {
  console.log(`evidence benchmark on ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load average ${load()})`);
  console.log(`${RUNS} rounds of: ${UPLOADS[1]} × 1 MB and ${UPLOADS[20]} × 20 MB uploads one after another, then ${CONCURRENT} × 20 MB at once, on PostgreSQL and on the embedded database`);
  const pg: Round[] = [];
  const embedded: Round[] = [];
  for (let i = 0; i < RUNS; i++) {
    const name = benchDatabaseName(`evidence${i}`);
    await createDatabase(name);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-evidence-'));
    try {
      pg.push(await round(`round ${i + 1} PostgreSQL`, { DATABASE_URL: databaseUrl(name), DATA_DIR: dataDir }, i * 10_000, name));
      const embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-evidence-embedded-'));
      try {
        embedded.push(await round(`round ${i + 1} embedded`, { DATABASE_URL: '', DATA_DIR: embeddedDir }, i * 10_000 + 5_000));
      } finally {
        fs.rmSync(embeddedDir, { recursive: true, force: true });
      }
    } finally {
      await dropDatabase(name);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  report('PostgreSQL', pg);
  report('embedded PGlite', embedded);
  console.log(`(load average at the end: ${load()})`);
}
