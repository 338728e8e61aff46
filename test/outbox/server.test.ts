import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, demoEmail } from '../../seeds/demo';
import { migratedDataDir, startServerProcess, type ServerProcess } from '../support/serverProcess';
import { startSmtpPeer, type SmtpPeer } from './support';

/**
 * The real server on its own embedded database: an instance with OUTBOX_WORKER=off logs an entry
 * and leaves its acknowledgment queued; stopped and started again with the worker and an SMTP
 * server, it sends that message (and the demo cases' acknowledgments) at once. Nothing is lost
 * while nobody delivers, and SIGTERM still ends the process promptly with the worker running.
 */
const dataDir = migratedDataDir('casebook-outbox-server-');
const env = { DATABASE_URL: '', DATA_DIR: dataDir, DEMO: '1', TZ: 'UTC', MAIL_FROM: 'Casebook <no-reply@casebook.local>' };

let server: ServerProcess | undefined;
let peer: SmtpPeer | undefined;

afterEach(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = undefined;
});
afterAll(async () => {
  await peer?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function api(url: string, method: string, route: string, body?: unknown, token?: string) {
  const res = await fetch(`${url}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the outbox in the real server', () => {
  it('keeps what an instance without a worker enqueued, and the next instance with one sends it', async () => {
    server = await startServerProcess({ ...env, OUTBOX_WORKER: 'off', SMTP_URL: '' });
    const login = await api(server.url, 'POST', '/auth/login', { email: demoEmail('intake'), password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    const entry = await api(
      server.url,
      'POST',
      '/complaints',
      {
        kind: 'complaint',
        customer: { name: 'Võ Thị Hồng Nhung', type: 'person', email: 'nhung.vo@example.vn' },
        channel: 'web',
        incidentDate: new Date().toISOString().slice(0, 10),
        category: 'service_quality',
        subject: 'Đồng hồ nước chạy khi khóa van',
        description: 'Đồng hồ vẫn quay khi mọi vòi đã khóa.',
        severity: 'high',
      },
      login.body.token as string,
    );
    expect(entry.status).toBe(201);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // No worker, no transport: not even a file was written.
    expect(fs.existsSync(path.join(dataDir, 'outbox'))).toBe(false);

    peer = await startSmtpPeer();
    server = await startServerProcess({ ...env, SMTP_URL: peer.url });
    const mine = await (async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = peer.messages.find((m) => m.subject.startsWith(`[${entry.body.reference as string}]`));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no acknowledgment for ${entry.body.reference as string}; got ${peer.messages.map((m) => m.subject).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    expect(mine.envelopeTo).toEqual(['nhung.vo@example.vn']);
    expect(mine.text).toContain('Kính gửi Võ Thị Hồng Nhung,');
    // The demo cases' customers with an address got theirs too, each once.
    const ids = peer.messages.map((m) => m.outboxId);
    expect(ids.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);

    const stopping = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 180_000);
});
