import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

export interface TickOutcome {
  ran: boolean;
  status: string | null;
  counts: Record<string, number>;
  error: string | null;
}

let runs = 0;

/**
 * Runs one tick of `job` per entry of `ticks`, each in a real process of its own against `url`
 * (test/support/runJobTick.ts): every process connects first, then a "go" file starts them all
 * at the same moment. Resolves with each process's outcome, in the order of `ticks`.
 */
export async function runTicksInProcesses(url: string, job: string, ticks: readonly Date[], env: NodeJS.ProcessEnv = {}): Promise<TickOutcome[]> {
  const go = path.join(os.tmpdir(), `casebook-go-${process.pid}-${Date.now()}-${++runs}`);
  let ready = 0;
  const children = ticks.map(
    (tick) =>
      new Promise<TickOutcome>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'test/support/runJobTick.ts'), job, tick.toISOString(), go], {
          env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', AUDIT_WITNESS_FILE: '', ...env },
          cwd: projectRoot,
        });
        let out = '';
        child.stdout.on('data', (d) => {
          const before = out;
          out += d;
          if (!before.includes('ready\n') && out.includes('ready\n') && ++ready === ticks.length) fs.writeFileSync(go, '');
        });
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => {
          const line = out.split('\n').find((l) => l.startsWith('{"ran"'));
          if (code !== 0 || !line) reject(new Error(`runJobTick exited ${code}:\n${out}`));
          else resolve(JSON.parse(line) as TickOutcome);
        });
      }),
  );
  try {
    return await Promise.all(children);
  } finally {
    fs.rmSync(go, { force: true });
  }
}
