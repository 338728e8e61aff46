import { spawn } from 'node:child_process';
import { projectRoot } from '../../src/paths';
import { entryArgs } from './serverProcess';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- <args>` as an operator runs it: a process of its own with `env`, its exit code and output. */
export function cliWith(env: NodeJS.ProcessEnv): (args: string[]) => Promise<CliResult> {
  return (args) =>
    new Promise((resolve) => {
      // Its own anchor witness in its DATA_DIR, as the server processes have: never the test file's.
      const child = spawn(process.execPath, entryArgs('src/cli.ts', args), { env: { ...env, AUDIT_WITNESS_FILE: '' }, cwd: projectRoot });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
}
