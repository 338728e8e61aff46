import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase, transaction, type Database } from '../src/db';
import { migrate } from '../src/db/migrator';
import type { RoleKey } from '../src/domain/roles';
import { runWithContext, systemContext } from '../src/lib/context';
import { setLogLevel } from '../src/lib/logger';
import { hashPassword } from '../src/lib/passwords';
import { newToken } from '../src/lib/tokens';
import { AuthToken, User } from '../src/models';
import { generateSigningKeyPem, keyringFrom, setAuditKeyring } from '../src/audit/keys';

/**
 * Benchmarks run against a real PostgreSQL server, on a database of their own that they create
 * (and usually drop). BENCH_PG_URL names the server (any database on it; default the local
 * postgres superuser with trust auth).
 */
export const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const benchDatabaseName = (what: string) => `casebook_bench_${what}_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;

export async function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

export async function createDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0 ENCODING 'UTF8'`));
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
}

export async function databaseComment(name: string): Promise<string | null> {
  return admin(async (c) => {
    const r = await c.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [name],
    );
    return r.rows[0]?.comment ?? null;
  });
}

export async function setDatabaseComment(name: string, comment: string): Promise<void> {
  await admin((c) => c.query(`COMMENT ON DATABASE ${ident(name)} IS ${c.escapeLiteral(comment)}`));
}

export async function serverVersion(): Promise<string> {
  return admin(async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v);
}

/** Opens the app's database module on `name` and applies every migration, as `npm start` does. */
export async function openMigrated(name: string, poolMax = 10): Promise<Database> {
  const database = await openDatabase({ databaseUrl: databaseUrl(name), poolMax });
  await migrate(database.sequelize);
  return database;
}

let passwordHash: Promise<string> | undefined;

/** A user with `roles` made directly (audited, as an admin would create them) and a bearer token for them. */
export async function userWithToken(roles: RoleKey[], name: string): Promise<{ user: User; token: string }> {
  passwordHash ??= hashPassword('casebook-bench-password');
  const hash = await passwordHash;
  const user = await runWithContext(systemContext('bench'), () =>
    transaction(() =>
      User.create({
        email: `${roles.join('-')}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@bench.casebook.local`,
        name,
        roles,
        departmentId: null,
        passwordHash: hash,
        passwordChangedAt: new Date(),
        locale: null,
      }),
    ),
  );
  const { token, hash: tokenHash } = newToken();
  await AuthToken.create({ userId: user.id, kind: 'api', tokenHash, expiresAt: new Date(Date.now() + 86_400_000), revokedAt: null, lastUsedAt: null, ip: null, userAgent: null });
  return { user, token };
}

/** One signing key for the whole bench process: what the bench writes directly and what the app writes verify alike. */
const BENCH_AUDIT_KEY = generateSigningKeyPem();
setAuditKeyring(keyringFrom(process.env.AUDIT_SIGNING_KEY ?? BENCH_AUDIT_KEY));

/** The real app (createApp + loadConfig), in this process, on a free loopback port. */
export async function startApp(name: string): Promise<{ url: string; close: () => Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'casebook-bench-session-secret',
    // The key this process already signs with (the bench's own writes use it too).
    AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY ?? BENCH_AUDIT_KEY,
    SECURE_COOKIES: 'false',
    DATABASE_URL: databaseUrl(name),
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
  });
  setLogLevel(config.logLevel);
  const app = createApp(config);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let clockTicks: number | undefined;

/**
 * CPU milliseconds used so far by each client backend connected to database `name` (autovacuum
 * workers left out), read from /proc (the server runs on this machine). Empty when /proc cannot
 * be read.
 */
export async function backendCpu(name: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const pids = await admin(async (c) => (await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [name])).rows.map((r) => r.pid));
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks);
      } catch {
        // the backend exited meanwhile
      }
    }
  } catch {
    // no /proc, or the server is elsewhere
  }
  return out;
}

/** CPU ms the backends of `name` used since `before` (a backend that appeared meanwhile counts from zero). */
export async function backendCpuSince(name: string, before: Map<number, number>): Promise<number | null> {
  const after = await backendCpu(name);
  if (after.size === 0) return null;
  let ms = 0;
  for (const [pid, v] of after) ms += v - (before.get(pid) ?? 0);
  return ms;
}
