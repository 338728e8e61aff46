import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/paths';

/**
 * The runner's promise to every test file (test/support/jestWorker.mjs): whatever the file before
 * it in the same process left behind, it starts with the system clock, a witness file of its own
 * and no witness mail. Two fixture files that each look, then move the clock and set a witness
 * mail, run one after the other in one process (`-i`, the path a debugger takes; the pool's
 * workers run the same module for each file).
 */
it('resets the clock and the witness between two files run in one process', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-runner-'));
  const log = path.join(dir, 'seen.jsonl');
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'node_modules/jest/bin/jest.js', '-c', 'test/runner/fixtures/jest.config.cjs', '-i', '--ci'], {
      cwd: projectRoot,
      env: { ...process.env, RUNNER_FIXTURE_LOG: log, AUDIT_WITNESS_EMAIL: '' },
    });
    const seen = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; skewMs: number; witnessFile: string; witnessMail: string[] });
    expect(seen).toHaveLength(2);
    expect(seen[0].pid).toBe(seen[1].pid);
    for (const s of seen) {
      expect(Math.abs(s.skewMs)).toBeLessThan(60_000);
      expect(s.witnessMail).toEqual([]);
      expect(path.basename(s.witnessFile)).toMatch(/^casebook-test-witness-/);
    }
    expect(seen[0].witnessFile).not.toBe(seen[1].witnessFile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
