import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMixedLoad, type MixedLoadResult } from '../test/support/mixedLoad';
import { startServerProcess } from '../test/support/serverProcess';
import { median, percentile } from './lib';

/**
 * `npm run bench -- team`: a team of BENCH_CLIENTS (16) using Casebook at once for
 * BENCH_DURATION seconds (60) — intake, queue, search, case by API and by page, web sign-ins —
 * against the real server process (`node dist/src/server.js` after `npm run build`, or tsx) on
 * the embedded database (fresh DATA_DIR, demo data) and, when BENCH_PG_URL is reachable, on a
 * fresh PostgreSQL database. BENCH_RUNS (3) rounds each; prints the median throughput, latency
 * percentiles, every 5xx and wrong 401, the load average, and the ratio embedded / PostgreSQL.
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 60) * 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function round(label: string, env: NodeJS.ProcessEnv): Promise<MixedLoadResult> {
  const server = await startServerProcess(env, { built: true });
  try {
    return await runMixedLoad({
      url: server.url,
      clients: CLIENTS,
      durationMs: DURATION,
      intakeEmail: 'intake@demo.casebook.local',
      qualityEmail: 'quality@demo.casebook.local',
      password: 'casebook-demo',
    });
  } finally {
    server.child.kill('SIGTERM');
    const code = await server.exited;
    if (code !== 0) console.error(`${label}: server exited with ${code} after SIGTERM`);
  }
}

async function pgReachable(): Promise<boolean> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: PG_URL });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function admin(sql: string): Promise<void> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function summary(label: string, runs: MixedLoadResult[]): number {
  const rps = runs.map((r) => (r.requests / r.elapsedMs) * 1000);
  const all = runs.flatMap((r) => r.latenciesMs);
  const sum = (f: (r: MixedLoadResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  console.log(
    `${label.padEnd(22)} ${median(rps).toFixed(1).padStart(7)} req/s  p50 ${percentile(all, 50).toFixed(1)} ms  p95 ${percentile(all, 95).toFixed(1)} ms  p99 ${percentile(all, 99).toFixed(1)} ms` +
      `  5xx ${sum((r) => r.serverErrors)}  wrong 401 ${sum((r) => r.wrongUnauthorized)}  network ${sum((r) => r.networkErrors)}  unexpected ${sum((r) => r.unexpected)}`,
  );
  for (const r of runs) for (const f of r.failures.slice(0, 3)) console.log(`    ${f}`);
  return median(rps);
}

export async function run(): Promise<void> {
  console.log(`team: ${CLIENTS} clients × ${DURATION / 1000} s × ${RUNS} runs; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cores`);
  const embedded: MixedLoadResult[] = [];
  const server: MixedLoadResult[] = [];
  const withPg = await pgReachable();
  for (let i = 0; i < RUNS; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-team-'));
    try {
      embedded.push(await round('embedded', { DATABASE_URL: '', DATA_DIR: dir }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (withPg) {
      const name = `casebook_bench_team_${Date.now()}`;
      await admin(`CREATE DATABASE ${name}`);
      try {
        const u = new URL(PG_URL);
        u.pathname = `/${name}`;
        server.push(await round('postgresql', { DATABASE_URL: u.toString(), DEMO: '1' }));
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
  }
  const e = summary('embedded (PGlite)', embedded);
  if (withPg) {
    const p = summary('PostgreSQL server', server);
    console.log(`ratio embedded / PostgreSQL: ${(e / p).toFixed(2)}`);
  } else console.log(`PostgreSQL at ${PG_URL} not reachable: embedded only`);
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
