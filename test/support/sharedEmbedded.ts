import type { PGlite } from '@electric-sql/pglite';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded';
import { TemplateFS } from './templateFs';

/**
 * One embedded database per worker process, handed to each test file in turn and put back to the
 * migrated template between two files, instead of a PGlite booted for every file (in a whole run
 * a boot and its garbage cost ~300–450 ms of CPU a file; a reset ~100 ms). jest-light-runner keeps
 * a worker's modules from one file to the next (jest.config.js), so this module's state lives as
 * long as the worker. Each file still gets a Sequelize of its own (`openDatabase({ pglite })`),
 * whose close leaves the PGlite running.
 *
 * Before a file is handed the database:
 * - `DISCARD ALL` drops what the previous file's session left: settings, `SET ROLE`, prepared
 *   statements, temporary tables, session advisory locks, sequence caches. It fails inside a
 *   transaction block, and then the database is replaced.
 * - The catalog's fingerprint (FINGERPRINT) is compared with the template's. A file that changed
 *   anything but rows — a trigger disabled, a function replaced, a role, a column, statistics from
 *   ANALYZE — gets it replaced by a fresh PGlite, as before.
 * - Otherwise every table the template fills, and every other table that now holds a row, is
 *   truncated (with the triggers off: the immutability triggers refuse it otherwise) and the
 *   template's rows put back; every sequence is set to the template's value.
 * After FILES_PER_INSTANCE files the database is replaced anyway, bounding whatever drift a reset
 * cannot see (PGlite's memory, its WAL). CASEBOOK_TEST_SHARE_EMBEDDED=0 boots one per file.
 * test/runner/fileIsolation.test.ts runs files one after the other in one process to check this.
 */

const FILES_PER_INSTANCE = 25;

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;

/** A line for everything in the catalog a test file could change besides rows. */
export const CATALOG_LINES = `SELECT x FROM (
  SELECT concat_ws(' ', 'class', c.oid::regclass, c.relkind, c.relowner::regrole, c.relacl, c.relrowsecurity, c.relforcerowsecurity, c.reloptions, c.relpersistence, c.relreplident)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'column', a.attrelid::regclass, a.attname, a.atttypid::regtype, a.attnotnull, a.attisdropped, a.attidentity, a.attgenerated, a.attacl, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE ${USER_SCHEMAS} AND a.attnum > 0
  UNION ALL SELECT concat_ws(' ', 'trigger', t.tgrelid::regclass, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid)) FROM pg_trigger t
  UNION ALL SELECT concat_ws(' ', 'function', p.oid::regprocedure, md5(coalesce(p.prosrc, '')), p.prosecdef, p.provolatile, p.proowner::regrole, p.proconfig, p.proacl)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'constraint', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'index', i.indexrelid::regclass, pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'statistics', s.starelid::regclass, s.staattnum, s.stainherit)
    FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'type', t.oid::regtype, t.typowner::regrole, t.typacl) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'enum', enumtypid::regtype, enumlabel) FROM pg_enum
  UNION ALL SELECT concat_ws(' ', 'role', r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolbypassrls, r.rolconfig) FROM pg_roles r
  UNION ALL SELECT concat_ws(' ', 'member', m.roleid::regrole, m.member::regrole) FROM pg_auth_members m
  UNION ALL SELECT concat_ws(' ', 'schema', n.nspname, n.nspowner::regrole, n.nspacl) FROM pg_namespace n WHERE ${USER_SCHEMAS}
  UNION ALL SELECT concat_ws(' ', 'extension', extname, extversion) FROM pg_extension
  UNION ALL SELECT concat_ws(' ', 'event trigger', evtname, evtenabled) FROM pg_event_trigger
  UNION ALL SELECT concat_ws(' ', 'rule', ev_class::regclass, rulename, ev_enabled) FROM pg_rewrite WHERE ev_class >= 16384
  UNION ALL SELECT concat_ws(' ', 'policy', polrelid::regclass, polname) FROM pg_policy
  UNION ALL SELECT concat_ws(' ', 'setting', setdatabase, setrole, setconfig) FROM pg_db_role_setting
  UNION ALL SELECT concat_ws(' ', 'sequence', seqrelid::regclass, seqincrement, seqmin, seqmax, seqcycle) FROM pg_sequence
  UNION ALL SELECT concat_ws(' ', 'database', datname, datacl) FROM pg_database
  UNION ALL SELECT concat_ws(' ', 'counts', (SELECT count(*) FROM pg_largeobject_metadata), (SELECT count(*) FROM pg_default_acl),
    (SELECT count(*) FROM pg_cast WHERE oid >= 16384), (SELECT count(*) FROM pg_operator WHERE oid >= 16384), (SELECT count(*) FROM pg_collation WHERE oid >= 16384))
) s(x)`;

/** A digest of CATALOG_LINES. */
const FINGERPRINT = `SELECT md5(string_agg(x, E'\\n' ORDER BY x)) AS fingerprint FROM (${CATALOG_LINES}) lines`;

interface TableRows {
  name: string;
  /** The template's rows as one JSON array (`json_agg`); `[]` when it has none. */
  rows: string;
  /** The columns to insert (generated ones left out). */
  columns: string;
  /** An identity column GENERATED ALWAYS: the insert overrides it with the template's value. */
  identity: boolean;
}

export interface Snapshot {
  fingerprint: string;
  tables: TableRows[];
  sequences: Array<{ name: string; lastValue: string; isCalled: boolean }>;
  /** Finds the tables the template leaves empty that hold a row now. */
  filledSince: string;
}

/** What a reset puts back, read from a PGlite fresh from the template. */
export async function capture(db: PGlite): Promise<Snapshot> {
  const tables = await db.query<{ name: string; columns: string; identity: boolean }>(
    `SELECT c.oid::regclass::text AS name,
            string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '') AS columns,
            bool_or(a.attidentity = 'a') AS identity
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p') GROUP BY c.oid ORDER BY 1`,
  );
  const out: TableRows[] = [];
  for (const t of tables.rows) {
    const { rows } = await db.query<{ rows: string }>(`SELECT coalesce(json_agg(t), '[]')::text AS rows FROM ONLY ${t.name} t`);
    out.push({ ...t, rows: rows[0].rows });
  }
  const sequences = await db.query<{ name: string }>(`SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind = 'S' ORDER BY 1`);
  const values: Snapshot['sequences'] = [];
  for (const s of sequences.rows) {
    const { rows } = await db.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${s.name}`);
    values.push({ name: s.name, lastValue: rows[0].last_value, isCalled: rows[0].is_called });
  }
  const empty = out.filter((t) => t.rows === '[]');
  const filledSince = `SELECT array_remove(ARRAY[${empty.map((t) => `CASE WHEN EXISTS (SELECT 1 FROM ONLY ${t.name}) THEN ${quoteLiteral(t.name)} END`).join(', ')}]::text[], NULL) AS names`;
  return { fingerprint: await fingerprintOf(db), tables: out, sequences: values, filledSince };
}

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function fingerprintOf(db: PGlite): Promise<string> {
  return (await db.query<{ fingerprint: string }>(FINGERPRINT)).rows[0].fingerprint;
}

/** Puts `db` back to the template; false when it cannot be (a transaction left open, a catalog changed). */
export async function resetToTemplate(db: PGlite, snapshot: Snapshot): Promise<boolean> {
  try {
    await db.exec('DISCARD ALL');
  } catch {
    return false;
  }
  if ((await fingerprintOf(db)) !== snapshot.fingerprint) return false;
  const filled = (await db.query<{ names: string[] }>(snapshot.filledSince)).rows[0].names;
  const seeded = snapshot.tables.filter((t) => t.rows !== '[]');
  await db.transaction(async (tx) => {
    // CASCADE: a table the template fills may be referenced by empty ones (TRUNCATE checks that even with the triggers off).
    await tx.exec(`SET LOCAL session_replication_role = replica; TRUNCATE ${[...seeded.map((t) => t.name), ...filled].join(', ')} CASCADE`);
    for (const t of seeded) {
      await tx.query(`INSERT INTO ${t.name} (${t.columns}) ${t.identity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT ${t.columns} FROM json_populate_recordset(NULL::${t.name}, $1::json)`, [t.rows]);
    }
    for (const s of snapshot.sequences) await tx.query('SELECT setval($1::regclass, $2::bigint, $3)', [s.name, s.lastValue, s.isCalled]);
  });
  return true;
}

let current: { server: EmbeddedServer; template: string; files: number; inUse: boolean } | undefined;
const snapshots = new Map<string, Snapshot>();

let runnerKeepsModules = false;

/**
 * Called by test/support/jestWorker.mjs, whose process keeps this module from one file to the
 * next. Under jest's own runner (the browser tests) every file has a module registry of its own,
 * so a PGlite kept here would never be handed on, nor closed: each file boots and closes its own.
 */
export function shareBetweenFiles(): void {
  runnerKeepsModules = true;
}

export function sharingEnabled(): boolean {
  return runnerKeepsModules && !/^(0|false|no|off)$/i.test(process.env.CASEBOOK_TEST_SHARE_EMBEDDED ?? '');
}

let handedOver: 'booted' | 'reset' | undefined;

/** How the last `embeddedForFile` got its database (test/runner/fileIsolation.test.ts reads it). */
export const lastHandOver = () => handedOver;

/**
 * The embedded database for the next test file: this worker's, put back to `template`, or a fresh
 * one; `release()` when the file's database is closed. Undefined while the worker's is still
 * handed out (a second database in one file, or a file whose hooks never finished): the caller
 * then boots one of its own, so no database is reset under a file still using it.
 */
export async function embeddedForFile(template: string): Promise<{ pglite: PGlite; release(): void } | undefined> {
  if (current?.inUse) return undefined;
  const snapshot = snapshots.get(template);
  if (current && snapshot && current.template === template && current.files < FILES_PER_INSTANCE && (await resetOrDiscard(current.server.db, snapshot))) {
    current!.files++;
    handedOver = 'reset';
  } else {
    await closeSharedEmbedded();
    const server = await startEmbedded({ filesystem: await TemplateFS.of(template) });
    if (!snapshot) snapshots.set(template, await capture(server.db));
    current = { server, template, files: 1, inUse: false };
    handedOver = 'booted';
  }
  const lent = current;
  lent.inUse = true;
  return {
    pglite: lent.server.db,
    release: () => {
      lent.inUse = false;
    },
  };
}

/** A reset that fails (a bug here, not a file's doing) fails the file asking, and the next one gets a fresh PGlite. */
async function resetOrDiscard(db: PGlite, snapshot: Snapshot): Promise<boolean> {
  try {
    return await resetToTemplate(db, snapshot);
  } catch (err) {
    await closeSharedEmbedded();
    throw err;
  }
}

/** Stops the worker's embedded database (PGlite keeps a timer that would hold the process open). */
export async function closeSharedEmbedded(): Promise<void> {
  const previous = current;
  current = undefined;
  await previous?.server.stop();
}
