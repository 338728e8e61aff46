import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { BUILT_ENV, EMBEDDED_TEMPLATE_ENV } from './testDatabase';

/**
 * A new DATA_DIR whose embedded database is already migrated: the run's template unpacked as its
 * `pgdata` (GNU tar, ~0.1 s) instead of initdb and every migration in the child (~5 s of CPU).
 * No users, no demo data: what `npm run migrate` leaves. The test removes it (`fs.rmSync`).
 */
export function migratedDataDir(prefix: string): string {
  const template = process.env[EMBEDDED_TEMPLATE_ENV];
  if (!template) throw new Error('The jest global setup did not prepare the embedded template.');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const pgdata = path.join(dataDir, 'pgdata');
  fs.mkdirSync(pgdata);
  // The dump's members are absolute (`/base/…`); tar strips the slash and says so on stderr.
  const untar = spawnSync('tar', ['-xf', template, '-C', pgdata], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar -xf ${template} failed (${untar.status}): ${untar.stderr}`);
  return dataDir;
}

/**
 * `node` arguments that run one of the project's entry points: from dist/, as `npm start` and
 * `npm run cli` do, when the jest global setup found the build fresh (`npm test` builds it beside
 * its checks, scripts/check.cjs); else from source through tsx, as `npm run dev` would — a test
 * file run by itself after an edit never runs a stale build. A process through tsx costs ~0.8 s
 * of CPU more (bench/README.md "test suite").
 */
export function entryArgs(script: 'src/server.ts' | 'src/cli.ts', args: string[] = []): string[] {
  if (process.env[BUILT_ENV] === '1') return [path.join(projectRoot, 'dist', script.replace(/\.ts$/, '.js')), ...args];
  return ['--import', 'tsx', path.join(projectRoot, script), ...args];
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * The real server process as a user runs it (`dist/src/server.js` when `built` and it exists,
 * otherwise as `entryArgs` chooses), on a port of its own; resolves once it prints its URL.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, options: { built?: boolean; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const built = path.join(projectRoot, 'dist/src/server.js');
  const args = options.built && fs.existsSync(built) ? [built] : entryArgs('src/server.ts');
  const child = spawn(process.execPath, args, {
    // Its own anchor witness (in its DATA_DIR, unless the test names one): never the test file's.
    env: { ...process.env, AUDIT_WITNESS_FILE: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    cwd: projectRoot,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (!/running at http:\/\/localhost:\d+/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = /running at http:\/\/localhost:(\d+)/.exec(out)![1];
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}
