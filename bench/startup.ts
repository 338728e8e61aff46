import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { projectRoot } from '../src/paths';
import { fmt, median, spawnGroup, stopGroup, waitForOk } from './lib';

/**
 * Time from `npm start` to a live /health on the embedded database.
 *   cold:  empty DATA_DIR (PGlite initdb, migrations, demo seed)
 *   warm:  the same DATA_DIR again (what every later start costs: the build check finds dist/ fresh)
 *   warm with tsc: `npm run -s build && node dist/src/server.js`, what `npm start` was until it
 *          checked the build first (tsc on every start, finding nothing to emit)
 *   raw baseline: PGlite opened on a warm folder plus a bare http server answering /health —
 *   the floor any app on this database pays; measured in the same run.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
let port = 3900;

async function timeStart(cmd: string, args: string[], dataDir: string): Promise<number> {
  const p = port++;
  const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(p), LOG_LEVEL: 'warn' };
  const started = performance.now();
  const child = spawnGroup(cmd, args, env);
  try {
    return await waitForOk(`http://127.0.0.1:${p}/health`, started);
  } finally {
    await stopGroup(child);
  }
}

const BASELINE = `
const { PGlite } = require('@electric-sql/pglite');
const http = require('node:http');
(async () => {
  const db = await PGlite.create({ dataDir: process.argv[1] });
  const server = http.createServer(async (req, res) => { await db.query('select 1'); res.end('{"status":"ok"}'); });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', async () => { server.close(); await db.close(); process.exit(0); });
})();`;

export async function run(): Promise<void> {
  console.log(`startup benchmark: ${RUNS} runs each, median reported (machine: ${os.cpus().length} cores)`);
  execSync('npm run -s build', { cwd: projectRoot, stdio: 'inherit' });
  const cold: number[] = [];
  const warm: number[] = [];
  const withTsc: number[] = [];
  const nodeOnly: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-start-'));
    try {
      cold.push(await timeStart('npm', ['start', '--prefix', projectRoot], dir));
      warm.push(await timeStart('npm', ['start', '--prefix', projectRoot], dir));
      withTsc.push(await timeStart('sh', ['-c', `cd '${projectRoot}' && npm run -s build && node dist/src/server.js`], dir));
      nodeOnly.push(await timeStart(process.execPath, [path.join(projectRoot, 'dist/src/server.js')], dir));
      baseline.push(await timeStart(process.execPath, ['-e', BASELINE, path.join(dir, 'pgdata')], dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`  run ${i + 1}: cold ${fmt(cold[i])}, warm ${fmt(warm[i])}, warm with tsc ${fmt(withTsc[i])}, node only ${fmt(nodeOnly[i])}, raw baseline ${fmt(baseline[i])}`);
  }
  const b = median(baseline);
  console.log('\nmedian time to a live /health (embedded PGlite):');
  console.log(`  npm start, empty data folder (initdb + migrate + seed): ${fmt(median(cold))}`);
  console.log(`  npm start, existing data folder (build fresh, no tsc):  ${fmt(median(warm))}  = ${(median(warm) / b).toFixed(2)}× raw baseline`);
  console.log(`  build + start, existing folder (tsc every start, old):  ${fmt(median(withTsc))}  = ${(median(withTsc) / b).toFixed(2)}× raw baseline`);
  console.log(`  node dist/src/server.js, existing folder:               ${fmt(median(nodeOnly))}  = ${(median(nodeOnly) / b).toFixed(2)}× raw baseline`);
  console.log(`  raw baseline (bare PGlite + http server):               ${fmt(b)}`);
}
