import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../src/db/embedded';
import { projectRoot } from '../src/paths';
import { pgliteTemplateCachePath, templateKey } from '../test/support/testDatabase';
import { TemplateFS } from '../test/support/templateFs';
import { capture, resetToTemplate } from '../test/support/sharedEmbedded';
import { median, loadAverage } from './lib';

/**
 * `npm run bench -- suite`: the jest suite as `npm test` runs it after its checks
 * (`npm run test:jest`: the embedded database, or DATABASE_URL's server), BENCH_RUNS (1) times —
 * a run takes ~3 minutes on the 2-core machine. Per run: wall time, jest's own figure, the CPU of
 * jest and everything it started (user + sys of the reaped children, from /proc), the load average
 * before and after, tests and files, the sum of the files' times and of the tests' times over the
 * workers, and the slowest files. Then the floor every file that opens a database pays: the
 * worker's PGlite put back to the run's migrated template (test/support/sharedEmbedded.ts;
 * BENCH_BOOTS (10) resets, median, beside as many fresh boots, what each file paid before and
 * each worker's first still pays), times the files that open one, over the workers — the suite's
 * ratio to it is printed. Each run is also split in
 * two: the files that start real server or CLI processes (PROCESS_FILES) and the others, whose
 * time outside their tests (opening the database, hooks, loading the file) is printed per file.
 * BENCH_SUITE=without-processes leaves PROCESS_FILES out of the run, to measure what `npm test`
 * would be without them. Run it alone on the machine: the suite keeps every core busy, so
 * anything beside it changes the figures.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const WITHOUT_PROCESSES = process.env.BENCH_SUITE === 'without-processes';
if (process.env.BENCH_SUITE && !WITHOUT_PROCESSES) throw new Error(`BENCH_SUITE=${process.env.BENCH_SUITE}: only "without-processes" is known.`);

/**
 * The files that start real server or CLI processes, as issues 7 and 8 ask (bench/README.md "test
 * suite"); the others run in the jest workers' own processes. Keep it in step when such a file is added.
 */
export const PROCESS_FILES = [
  'test/server/lifecycle.test.ts',
  'test/server/embeddedLoad.test.ts',
  'test/server/start.test.ts',
  'test/evidence/concurrency.test.ts',
  'test/jobs/cli.test.ts',
  'test/outbox/server.test.ts',
  'test/archive/cli.test.ts',
] as const;
const BOOTS = Number(process.env.BENCH_BOOTS ?? 10);
const TOP = 10;

interface JestJson {
  numTotalTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ duration?: number | null }> }>;
}

const load = () => loadAverage();

type FileResult = JestJson['testResults'][number];
/** A file's own time and its tests' time, in seconds. */
const ownS = (f: FileResult) => (f.endTime - f.startTime) / 1000;
const testsS = (f: FileResult) => f.assertionResults.reduce((t, a) => t + (a.duration ?? 0), 0) / 1000;
const sumOf = (files: readonly FileResult[], of: (f: FileResult) => number) => files.reduce((s, f) => s + of(f), 0);

/** CPU seconds (user + sys) of this process's reaped children and their descendants, from /proc/self/stat. */
function childrenCpu(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5) (cutime, cstime), counted from the state field (3).
  const ticks = Number(fields[13]) + Number(fields[14]);
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return ticks / hz;
}

/** One `npm run test:jest` with --json; a line per finished file as progress. */
async function runSuite(outputFile: string): Promise<{ wallS: number; cpuS: number; code: number | null }> {
  const cpuBefore = childrenCpu();
  const started = performance.now();
  // --testPathIgnorePatterns replaces jest.config.js's list, so its two entries come first.
  const ignore = WITHOUT_PROCESSES ? ['--testPathIgnorePatterns', '/node_modules/', '<rootDir>/test/browser/', ...PROCESS_FILES.map((f) => `<rootDir>/${f}`)] : [];
  const args = ['--import', 'tsx', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${outputFile}`, ...ignore];
  const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let files = 0;
  let pending = '';
  child.stderr.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!/^(PASS|FAIL) /.test(line)) continue;
      const done = `${++files} files done (${((performance.now() - started) / 1000).toFixed(0)} s)`;
      // One line rewritten on a terminal; a line every 25 files in a log.
      if (process.stdout.isTTY) process.stdout.write(`\r  ${done}`);
      else if (files % 25 === 0) process.stdout.write(`  ${done}\n`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (process.stdout.isTTY) process.stdout.write('\n');
  return { wallS: (performance.now() - started) / 1000, cpuS: childrenCpu() - cpuBefore, code };
}

/**
 * Median milliseconds to boot a PGlite from the migrated template, as a file did before stop 23
 * (test/support/templateFs.ts) and as each worker's first file still does, and to put one back to
 * the template as every other file now gets it (test/support/sharedEmbedded.ts), after a few
 * writes such as a file leaves: a department, a sequence moved on, an audit event rewritten with
 * the triggers off.
 */
async function bootAndResetMs(template: string): Promise<{ boot: number; reset: number }> {
  const boots: number[] = [];
  const resets: number[] = [];
  // As a test file's database opens (test/support/sharedEmbedded.ts): the app's PGlite options, on the template.
  const boot = async () => startEmbedded({ filesystem: await TemplateFS.of(template) });
  for (let i = 0; i < BOOTS + 1; i++) {
    const started = performance.now();
    const server = await boot();
    await server.db.query('select 1');
    if (i > 0) boots.push(performance.now() - started); // the first warms the process up
    await server.stop();
  }
  const server = await boot();
  const db = server.db;
  const snapshot = await capture(db);
  for (let i = 0; i < BOOTS + 1; i++) {
    await db.exec(`INSERT INTO departments (code, name) VALUES ('BENCH${i}', 'Phòng đo'); SELECT nextval('customer_code_seq');
      SET session_replication_role = replica; UPDATE audit_events SET action = 'bench.forged' WHERE position = (SELECT min(position) FROM audit_events);
      SET session_replication_role = origin;`);
    const started = performance.now();
    if (!(await resetToTemplate(db, snapshot))) throw new Error('The reset refused: the bench changed the catalog.');
    if (i > 0) resets.push(performance.now() - started);
  }
  await server.stop();
  return { boot: median(boots), reset: median(resets) };
}

export async function run(): Promise<void> {
  const workers = os.availableParallelism();
  const which = WITHOUT_PROCESSES ? `, without the ${PROCESS_FILES.length} files that start processes` : '';
  console.log(`suite: ${RUNS} run(s) of npm run test:jest on ${process.env.DATABASE_URL ? 'the DATABASE_URL server' : 'the embedded database'}${which}, ${workers} cores, Node ${process.version}`);
  const missing = PROCESS_FILES.filter((f) => !fs.existsSync(path.join(projectRoot, f)));
  if (missing.length) console.log(`  PROCESS_FILES lists files that are gone: ${missing.join(', ')}`);
  const walls: number[] = [];
  let last: JestJson | undefined;
  for (let r = 1; r <= RUNS; r++) {
    const out = path.join(os.tmpdir(), `casebook-suite-bench-${process.pid}-${r}.json`);
    const before = load();
    const { wallS, cpuS, code } = await runSuite(out);
    const json = JSON.parse(fs.readFileSync(out, 'utf8')) as JestJson;
    fs.rmSync(out, { force: true });
    last = json;
    walls.push(wallS);
    const fileS = sumOf(json.testResults, ownS);
    const testS = sumOf(json.testResults, testsS);
    console.log(
      `  run ${r}: ${wallS.toFixed(1)} s wall (exit ${code}), CPU ${cpuS.toFixed(0)} s (${(cpuS / wallS).toFixed(2)} cores), load ${before} → ${load()}; ` +
        `${json.numTotalTests} tests (${json.numFailedTests} failed) in ${json.testResults.length} files, ${((wallS / json.numTotalTests) * 1000).toFixed(0)} ms a test; ` +
        `files' own times ${fileS.toFixed(0)} s, tests' ${testS.toFixed(0)} s`,
    );
    console.log(`    ${split(json)}`);
  }
  if (!last) return;
  console.log(`  median wall ${median(walls).toFixed(1)} s; slowest files (own time, tests):`);
  const rows = last.testResults.map((f) => ({ s: ownS(f), n: f.assertionResults.length, name: path.relative(projectRoot, f.name) }));
  for (const f of rows.sort((a, b) => b.s - a.s).slice(0, TOP)) console.log(`    ${f.s.toFixed(1).padStart(6)} s  ${String(f.n).padStart(3)}  ${f.name}`);

  const template = pgliteTemplateCachePath(templateKey(projectRoot));
  if (!fs.existsSync(template)) {
    console.log('  (no cached template to boot: CASEBOOK_TEST_TEMPLATE_CACHE=0?) — floor not measured');
    return;
  }
  const { boot, reset } = await bootAndResetMs(template);
  const withDb = countFilesOpeningADatabase();
  const floorS = (withDb * reset) / 1000 / workers;
  console.log(
    `  floor: a PGlite booted from the template ${boot.toFixed(0)} ms, put back to it ${reset.toFixed(0)} ms (medians of ${BOOTS}); ` +
      `${withDb} files open a database: ${floorS.toFixed(1)} s of resets over ${workers} workers — the suite is ${(median(walls) / floorS).toFixed(1)}× that; load ${load()}`,
  );
}

/** The run's time split between PROCESS_FILES and the other files, and the others' time outside their tests. */
function split(json: JestJson): string {
  const isProcess = (f: FileResult) => (PROCESS_FILES as readonly string[]).includes(path.relative(projectRoot, f.name));
  const processes = json.testResults.filter(isProcess);
  const others = json.testResults.filter((f) => !isProcess(f));
  const outside = sumOf(others, ownS) - sumOf(others, testsS);
  return (
    `${processes.length} files that start processes: ${sumOf(processes, ownS).toFixed(1)} s of their own; ` +
    `${others.length} others: ${sumOf(others, ownS).toFixed(1)} s, of which tests ${sumOf(others, testsS).toFixed(1)} s and outside them ${outside.toFixed(1)} s ` +
    `(${others.length ? ((outside / others.length) * 1000).toFixed(0) : 0} ms a file)`
  );
}

/** Test files that open a database of their own (useTestDatabase / useTestApp / openBlankDatabase). */
function countFilesOpeningADatabase(): number {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'browser' && e.name !== 'support') walk(full);
      } else if (e.name.endsWith('.test.ts')) files.push(full);
    }
  };
  walk(path.join(projectRoot, 'test'));
  return files.filter((f) => /\b(useTestDatabase|useTestApp|openBlankDatabase)\(/.test(fs.readFileSync(f, 'utf8'))).length;
}
