import pg from 'pg';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { Sequelize, type Transaction } from 'sequelize';
import { currentTransaction, sequelizeNamespace } from '../lib/context';
import { EMBEDDED_URL, startEmbedded, type EmbeddedServer } from './embedded';
import { PGliteStream } from './pgliteStream';
import { initModels } from '../models';

// Every query inside sequelize.transaction(async () => …) joins the transaction by itself.
Sequelize.useCLS(sequelizeNamespace);

// int8 (bigserial, count(*)) fits a JS number for every table we have; parse it as one.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface Database {
  sequelize: Sequelize;
  url: string;
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

let current: Database | undefined;

/** The embedded database's one connection (see openDatabase). */
export const EMBEDDED_POOL_MAX = 1;

/** The process's database. Throws when none is open: a programming error, never a user's. */
export function db(): Database {
  if (!current) throw new Error('The database is not open.');
  return current;
}

export function sequelize(): Sequelize {
  return db().sequelize;
}

/** Runs `fn` in a transaction (joining the current one, if any). Every audited write goes through here. */
export function transaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
  const s = sequelize();
  const outer = currentTransaction() as Transaction | undefined;
  if (outer) return fn(outer);
  return s.transaction(fn);
}

/** Sequelize on `url`; with `pglite`, its connections are in-process streams into that PGlite (./pgliteStream.ts). */
export function createSequelize(url: string, poolMax: number, pglite?: PGlite): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    dialectModule: pg,
    ...(pglite ? { dialectOptions: { stream: () => new PGliteStream(pglite) } } : {}),
    logging: false,
    pool: { max: poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: true },
    timezone: '+00:00',
  });
}

/**
 * Opens the database: `databaseUrl` when given, otherwise the embedded PGlite in `dataDir`
 * (or in memory when `dataDir` is undefined). Both are reached through `pg`: a server over TCP,
 * the embedded database over an in-process stream (./pgliteStream.ts).
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  poolMax?: number;
  /** The embedded database on this PGlite file system instead of `dataDir` (tests: the migrated template). */
  filesystem?: PGliteOptions['fs'];
  /**
   * The embedded database in this running PGlite, which the caller owns: `close()` leaves it
   * running (the tests hand one to each file of a worker in turn, test/support/sharedEmbedded.ts).
   */
  pglite?: PGlite;
}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = options.pglite
      ? { url: EMBEDDED_URL, db: options.pglite, stop: async () => {} }
      : await startEmbedded({ dataDir: options.dataDir, filesystem: options.filesystem });
    url = embedded.url;
  }
  // PGlite is one PostgreSQL session: two connections' extended-protocol messages
  // (Parse/Bind/Execute/Sync) and transactions would not be kept apart (with pglite-socket's
  // multiplexer, once used here, one connection's unnamed portal was replaced by the other's and
  // a transaction's statements ran inside whatever the other left open). So the embedded
  // database gets exactly one connection, and Sequelize's pool queues every other request's
  // work in Node (a transaction holds the connection until it commits). See
  // docs/ARCHITECTURE.md "Embedded database".
  const s = createSequelize(url, embedded ? EMBEDDED_POOL_MAX : options.poolMax ?? 10, embedded?.db);
  initModels(s);
  const database: Database = {
    sequelize: s,
    url,
    embedded,
    async close() {
      try {
        await s.close();
      } finally {
        await embedded?.stop();
        if (current === database) current = undefined;
      }
    },
  };
  current = database;
  return database;
}
