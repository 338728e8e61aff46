import 'dotenv/config';
import type { Server, ServerResponse } from 'node:http';
import { createApp } from './app';
import { installAuditKeys } from './audit/install';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase, type Database } from './db';
import { EmbeddedDatabaseInUseError } from './db/embedded';
import { migrate } from './db/migrator';
import { allJobs, startScheduler } from './jobs/scheduler';
import { startOutboxWorker } from './outbox/worker';
import { logger, setLogLevel } from './lib/logger';
import { DEMO_PASSWORD, DEMO_USERS, demoEmail, isEmpty, seedDemo } from '../seeds/demo';
import { seedDemoCases } from '../seeds/demoCases';

/** How long requests in flight may take to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 7_000;

function banner(config: Config, database: Database, url: string, seeded: boolean): string {
  const lines = [
    '',
    `  Casebook is running at ${url}`,
    database.embedded
      ? `  Database: embedded PostgreSQL (PGlite) in ${config.dataDir} — set DATABASE_URL to use a PostgreSQL server`
      : '  Database: PostgreSQL (DATABASE_URL)',
  ];
  if (config.demo) {
    lines.push(
      seeded ? '  Demo data loaded. Sign in as any of these (one per role):' : '  Demo mode. Sign in as any of these (one per role):',
      ...DEMO_USERS.map((u) => `    ${demoEmail(u.role).padEnd(38)} ${u.role}`),
      `  Password for every demo account: ${DEMO_PASSWORD}`,
    );
  }
  lines.push('  API docs: ' + url + '/api/docs    Stop: Ctrl-C', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  // Before any write: migrations and commands sign audit events with it.
  installAuditKeys(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax });
  await migrate(database.sequelize);
  let seeded = false;
  if (config.demo && (await isEmpty())) {
    seeded = (await seedDemo()) > 0;
    await seedDemoCases(config.timezone);
  }

  const app = createApp(config);
  const server: Server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(banner(config, database, `http://localhost:${port}`, seeded));
  // JOBS=off: this instance runs no schedule (another instance does; `job:run` still runs one by hand).
  const stopScheduler = config.jobs ? startScheduler(config.timezone, allJobs(config)) : async () => {};
  // Delivers what commits enqueued (src/outbox/): woken after each commit, polling meanwhile.
  const stopOutbox = config.outboxWorker ? startOutboxWorker(config) : async () => {};

  let stopping = false;
  // Once stopping, every answer tells its client to close the connection: a busy keep-alive
  // connection would otherwise carry new requests forever and hold the shutdown open.
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close');
  });
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // The outbox worker stops alongside the HTTP server (its round in flight gets at most 5 s); what
    // requests still enqueue stays queued for the next start or another instance.
    const outboxStopped = stopOutbox();
    // Stop accepting; requests in flight finish. Connections are closed as soon as they are idle.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearInterval(sweep);
    clearTimeout(forced);
    await stopScheduler();
    await outboxStopped;
    // Closes the pool, then PGlite, which flushes its folder: a Ctrl-C leaves no corrupted data.
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbeddedDatabaseInUseError) {
    console.error(`\n  ${err.message.replace(/\n/g, '\n  ')}\n`);
    process.exit(2);
  }
  if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    console.error(`\n  Port ${(err as { port?: number }).port ?? ''} is already in use. Set PORT to another number (e.g. PORT=3001 npm start).\n`);
    process.exit(2);
  }
  logger.error('failed to start', { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
