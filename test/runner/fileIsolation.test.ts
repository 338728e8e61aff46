import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/paths';

/**
 * The runner's promise to every test file (test/support/jestWorker.mjs): whatever the file before
 * it in the same process left behind, it starts as a new file would. The fixture files of
 * test/runner/fixtures run one after the other in one jest process (`-i`, the path a debugger
 * takes; the pool's workers run the same module for each file), once for both tests below:
 * - two that each look at the clock and the witness, then move the clock and set a witness mail;
 * - three that each record what their embedded database holds (test/support/sharedEmbedded.ts),
 *   then leave rows (some written with the triggers off, an audit event forged), moved sequences,
 *   a time zone, a session lock and a temporary table behind — the second of them also a disabled
 *   trigger, which the next file must not inherit (it gets a fresh PGlite instead).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-runner-'));
const clockLog = path.join(dir, 'seen.jsonl');
const databaseLog = path.join(dir, 'databases.jsonl');
const read = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'node_modules/jest/bin/jest.js', '-c', 'test/runner/fixtures/jest.config.cjs', '-i', '--ci'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      // The embedded template in both modes: in PostgreSQL mode CASEBOOK_TEST_TEMPLATE names a server database.
      DATABASE_URL: '',
      CASEBOOK_TEST_TEMPLATE: process.env.CASEBOOK_TEST_EMBEDDED_TEMPLATE,
      CASEBOOK_TEST_SHARE_EMBEDDED: '1',
      AUDIT_WITNESS_EMAIL: '',
      RUNNER_FIXTURE_LOG: clockLog,
      RUNNER_DATABASE_LOG: databaseLog,
    },
  });
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('resets the clock and the witness between two files run in one process', () => {
  const seen = read(clockLog) as Array<{ pid: number; skewMs: number; witnessFile: string; witnessMail: string[] }>;
  expect(seen).toHaveLength(2);
  expect(seen[0].pid).toBe(seen[1].pid);
  for (const s of seen) {
    expect(Math.abs(s.skewMs)).toBeLessThan(60_000);
    expect(s.witnessMail).toEqual([]);
    expect(path.basename(s.witnessFile)).toMatch(/^casebook-test-witness-/);
  }
  expect(seen[0].witnessFile).not.toBe(seen[1].witnessFile);
});

it('hands each file the embedded database as the migrated template left it, or a fresh one', () => {
  const seen = read(databaseLog);
  expect(seen.map((s) => [s.order, s.handOver])).toEqual([
    [1, 'booted'],
    [2, 'reset'],
    [3, 'booted'],
  ]);
  expect(new Set(seen.map((s) => s.pid)).size).toBe(1);
  for (const s of seen) {
    // The first file's database is a fresh one: the others' must hold exactly what it held.
    expect(s.digest).toBe(seen[0].digest);
    expect(s).toMatchObject({ timezone: seen[0].timezone, replicationRole: 'origin', lockFree: true, tempTables: 0, disabledTriggers: 0 });
  }
  expect(seen[0].timezone).not.toBe('Asia/Ho_Chi_Minh');
});
