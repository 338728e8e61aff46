import fs from 'node:fs';
import { DEMO_PASSWORD, demoEmail } from '../../seeds/demo';
import { runMixedLoad } from '../support/mixedLoad';
import { migratedDataDir, startServerProcess, type ServerProcess } from '../support/serverProcess';

/**
 * A small team on the embedded database (no DATABASE_URL, the newcomer default): 16 clients
 * for about 10 s mixing intake, the queue, search, cases by API and by page, and web sign-ins,
 * against the real server process on loopback. Nothing may fail, and SIGTERM in the middle of
 * such a load must stop the server cleanly within 10 s. (The 60 s version is `npm run bench -- team`.)
 */
const CLIENTS = 16;
const dataDir = migratedDataDir('casebook-load-');
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const load = (url: string, durationMs: number, signal?: AbortSignal, onRunning?: () => void) =>
  runMixedLoad({ url, clients: CLIENTS, durationMs, intakeEmail: demoEmail('intake'), qualityEmail: demoEmail('quality'), password: DEMO_PASSWORD, signal, onRunning });

describe('the embedded database under a small team', () => {
  it('serves 16 concurrent clients without a 5xx or a wrong 401, then stops on SIGTERM mid-load within 10 s', async () => {
    server = await startServerProcess({ DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'info' });

    const result = await load(server.url, 10_000);
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ serverErrors: 0, wrongUnauthorized: 0, networkErrors: 0, unexpected: 0 });
    // Every kind of work really ran, and intake wrote something to read back.
    for (const op of ['intake', 'list', 'search', 'case', 'case page', 'sign-in']) expect(result.byOperation[op]).toBeGreaterThan(0);
    expect(result.byStatus['201']).toBeGreaterThan(0);

    const stop = new AbortController();
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    const second = load(server.url, 20_000, stop.signal, running);
    // Mid-load: 2 s after all 16 clients have signed in (16 production-cost argon2 checks take
    // more than 2 s on a busy 2-core machine; a stop before them would refuse the sign-ins).
    await Promise.race([isRunning, second]);
    await new Promise((r) => setTimeout(r, 2_000));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([server.exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 10_000)))]);
    clearTimeout(timer);
    const tookMs = Date.now() - signalled;
    stop.abort();
    const during = await second;
    if (code !== 0) throw new Error(`exit ${code} after ${tookMs} ms:\n${server.output().slice(-3000)}`);
    expect(tookMs).toBeLessThan(10_000);
    expect(server.output()).toContain('"message":"stopped"');
    // Requests answered before the stop were answered correctly.
    expect(during.serverErrors).toBe(0);
    expect(during.wrongUnauthorized).toBe(0);
  }, 120_000);
});
