import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** The machine's load average (1, 5 and 15 minutes), as every bench prints it beside its figures. */
export const loadAverage = (digits = 2) => os.loadavg().map((l) => l.toFixed(digits)).join(' ');

export const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Spawns `cmd` in its own process group (so `npm start`'s node child can be signalled with it). */
export function spawnGroup(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** Polls `url` until it answers 200; returns the elapsed milliseconds since `started`. */
export async function waitForOk(url: string, started: number, timeoutMs = 180_000): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
