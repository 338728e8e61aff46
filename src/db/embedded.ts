import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** The extensions migrations create; PGlite must have them loaded before CREATE EXTENSION. */
export const embeddedExtensions = { pg_trgm, unaccent };

/**
 * The embedded PostgreSQL's settings. Its shared buffers live in PGlite's WebAssembly memory,
 * which never shrinks: PostgreSQL's default 128 MB of buffers is more than one office's database
 * needs and, once touched, stays resident for the life of the server (bench/README.md "evidence":
 * the server sat at 295 MB on an existing folder with the default, 163 MB with 16 MB).
 */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers=16MB'];

/**
 * Creates a new data folder (initdb) in a short-lived child process: initdb's own WebAssembly
 * instance grows to ~600 MB and is never released while the process lives, so the server that
 * then opens the folder does not carry it. An existing folder is left as it is.
 */
async function initializeDataDir(pgliteDir: string): Promise<void> {
  if (fs.existsSync(path.join(pgliteDir, 'PG_VERSION'))) return;
  const script = 'const [pglite, dir] = process.argv.slice(1); require(pglite).PGlite.create({ dataDir: dir }).then((db) => db.close())';
  await promisify(execFile)(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), pgliteDir]);
}

export class EmbeddedDatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by a running Casebook process (pid ${pid}). ` +
        'Stop that process first (Ctrl-C), or set DATABASE_URL to use a PostgreSQL server that many processes can share.',
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

export interface EmbeddedServer {
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

interface LockInfo {
  pid: number;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder's lock file. PGlite is a single process's database: two processes
 * opening the same folder would corrupt it, so the second one is refused with a clear message.
 * A lock left by a process that no longer exists (a crash, kill -9) is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'casebook.lock');
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(info), { flag: 'wx' });
      return () => {
        try {
          const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
          if (current.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new EmbeddedDatabaseInUseError(dataDir, holder.pid);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

/**
 * The URL `pg` is given for the embedded database. Nothing listens there: its connections are
 * in-process streams into PGlite (./pgliteStream.ts), so the host and port are never dialled.
 */
export const EMBEDDED_URL = 'postgres://postgres@embedded.invalid/postgres';

/**
 * Starts PGlite on `dataDir` (or in memory when `dataDir` is undefined, for tests). The
 * application reaches it through `pg`, as it reaches a server, over an in-process stream
 * (src/db/pgliteStream.ts) instead of a socket.
 */
export async function startEmbedded(options: {
  dataDir?: string;
  /** Instead of `dataDir`: PGlite's file system, already holding a data folder (the tests' migrated template). */
  filesystem?: PGliteOptions['fs'];
}): Promise<EmbeddedServer> {
  let release = () => {};
  let pgliteDir: string | undefined;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    release = acquireLock(options.dataDir);
    pgliteDir = path.join(options.dataDir, 'pgdata');
  }
  try {
    if (pgliteDir && !options.filesystem) await initializeDataDir(pgliteDir);
    const db = await PGlite.create({
      dataDir: pgliteDir,
      fs: options.filesystem,
      extensions: embeddedExtensions,
      postgresqlconf: EMBEDDED_POSTGRES_CONF,
    });
    let stopped = false;
    return {
      url: EMBEDDED_URL,
      db,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
