import os from 'node:os';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../src/db';
import { median, loadAverage } from './lib';

/**
 * `npm run bench -- embedded`: the cost of reaching the embedded database through `pg` and
 * Sequelize, as the app does (src/db/pgliteStream.ts), against PGlite's own `query()` on the same
 * database in the same run (the raw baseline: no wire protocol in Node, no Sequelize). One round
 * is BENCH_STATEMENTS (2,000) `SELECT $1::int` and BENCH_TRANSACTIONS (300) transactions of an
 * INSERT and a `count(*)`; BENCH_RUNS (5) rounds of each path, alternating, after one warm-up
 * round each. Prints the median wall time and CPU time (this process: Node and PGlite's
 * WebAssembly alike) per path, the app path's ratio to raw, and the load average before and after.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 2000);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 300);

const load = () => loadAverage();

interface Round {
  wallMs: number;
  cpuMs: number;
}

async function timed(fn: () => Promise<void>): Promise<Round> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function viaApp(database: Database): Promise<void> {
  const s = database.sequelize;
  for (let i = 0; i < STATEMENTS; i++) await s.query('SELECT $1::int AS x', { bind: [i], type: QueryTypes.SELECT });
  for (let i = 0; i < TRANSACTIONS; i++) {
    await s.transaction(async (transaction) => {
      await s.query('INSERT INTO bench_embedded (v) VALUES ($1)', { bind: [`app ${i}`], transaction });
      await s.query('SELECT count(*) FROM bench_embedded', { transaction, type: QueryTypes.SELECT });
    });
  }
}

async function raw(database: Database): Promise<void> {
  const pglite = database.embedded!.db;
  for (let i = 0; i < STATEMENTS; i++) await pglite.query('SELECT $1::int AS x', [i]);
  for (let i = 0; i < TRANSACTIONS; i++) {
    await pglite.transaction(async (tx) => {
      await tx.query('INSERT INTO bench_embedded (v) VALUES ($1)', [`raw ${i}`]);
      await tx.query('SELECT count(*) FROM bench_embedded');
    });
  }
}

export async function run(): Promise<void> {
  console.log(`embedded: ${STATEMENTS} statements + ${TRANSACTIONS} transactions per round, ${RUNS} rounds per path; load average ${load()}; ${os.cpus().length} cores`);
  const database = await openDatabase({});
  try {
    await database.sequelize.query('CREATE TABLE bench_embedded (id serial PRIMARY KEY, v text NOT NULL)');
    await viaApp(database);
    await raw(database);
    const app: Round[] = [];
    const baseline: Round[] = [];
    for (let i = 0; i < RUNS; i++) {
      app.push(await timed(() => viaApp(database)));
      baseline.push(await timed(() => raw(database)));
    }
    const line = (label: string, rounds: Round[]) =>
      `${label.padEnd(34)} wall ${median(rounds.map((r) => r.wallMs)).toFixed(0).padStart(6)} ms  CPU ${median(rounds.map((r) => r.cpuMs)).toFixed(0).padStart(6)} ms  (rounds: ${rounds.map((r) => r.wallMs.toFixed(0)).join(' ')})`;
    console.log(line('pg + Sequelize (the app)', app));
    console.log(line('PGlite query() (raw)', baseline));
    const ratio = median(baseline.map((r) => r.wallMs)) / median(app.map((r) => r.wallMs));
    console.log(`app throughput / raw: ${ratio.toFixed(2)}; per statement through the app: ${((median(app.map((r) => r.wallMs)) * 1000) / (STATEMENTS + 4 * TRANSACTIONS)).toFixed(0)} µs`);
    console.log(`load average after: ${load()}`);
  } finally {
    await database.close();
  }
}
