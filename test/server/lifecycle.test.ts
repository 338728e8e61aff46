import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { entryArgs, startServerProcess, type ServerProcess } from '../support/serverProcess';

/**
 * The real processes on the embedded database, as a newcomer runs them: the CLI, `server.ts`,
 * SIGTERM with a request in flight, Ctrl-C, and a restart that finds everything where it was.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-lifecycle-'));
// The one test that starts from an empty folder: the CLI's first `migrate` runs initdb and every migration.
// The CLI's anchor witness is the DATA_DIR's, as the server's is (test/support/serverProcess.ts).
const env = { ...process.env, AUDIT_WITNESS_FILE: '', DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn', TZ: 'UTC' };

function run(script: 'src/cli.ts', args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, entryArgs(script, args), { env, cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const startServer = () => startServerProcess({ DATABASE_URL: '', DATA_DIR: dataDir, TZ: 'UTC' });

async function login(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { status: res.status, body: (await res.json()) as { token?: string } };
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('CLI and server lifecycle on the embedded database', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it('migrates, creates a user and sets a password from the CLI', async () => {
    const migrated = await run('src/cli.ts', ['migrate']);
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/Applied: 0001-platform/);
    const created = await run('src/cli.ts', ['user:create', '--email', 'giamdoc@congty.vn', '--name', 'Trần Quốc Tuấn', '--roles', 'ceo,auditor', '--password', 'first password 1']);
    expect(created.stdout).toContain('Created giamdoc@congty.vn (ceo, auditor)');
    const set = await run('src/cli.ts', ['user:set-password', '--email', 'giamdoc@congty.vn', '--password-stdin'], 'second password 2\n');
    expect(set.code).toBe(0);
    const badRole = await run('src/cli.ts', ['user:create', '--email', 'x@y.vn', '--name', 'X', '--roles', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Unknown roles: boss');
  }, 120_000);

  it('serves, refuses a second process on the same folder, and stops cleanly on SIGTERM with a request in flight', async () => {
    server = await startServer();
    // A database that already has a user is not in demo mode's "empty" state: nothing is seeded.
    expect(server.output()).not.toContain('Demo data loaded');
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });

    const cli = await run('src/cli.ts', ['migrate']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/in use by a running Casebook process \(pid \d+\)/);
    // A weak password is refused for what it is, before the CLI needs the database the server holds.
    const weak = await run('src/cli.ts', ['user:set-password', '--email', 'giamdoc@congty.vn', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 10 characters');
    expect(weak.stderr).not.toContain('in use');

    const inFlight = login(server.url, 'giamdoc@congty.vn', 'second password 2');
    await new Promise((r) => setTimeout(r, 30));
    server.child.kill('SIGTERM');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'casebook.lock'))).toBe(false);
  }, 120_000);

  it('restarts after Ctrl-C with the data intact', async () => {
    server = await startServer();
    const { body } = await login(server.url, 'giamdoc@congty.vn', 'second password 2');
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(await me.json()).toMatchObject({ name: 'Trần Quốc Tuấn', roles: ['ceo', 'auditor'] });
    const verify = await fetch(`${server.url}/api/v1/audit-events/verify`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(await verify.json()).toMatchObject({ ok: true });
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);

    server = await startServer();
    const again = await login(server.url, 'giamdoc@congty.vn', 'second password 2');
    expect(again.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 180_000);
});
