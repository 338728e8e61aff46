import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db';
import { freshFileState } from './fileState';
import { TemplateFS } from './templateFs';

/**
 * Where the migrated template lives. With DATABASE_URL: a template database on that server,
 * copied per test file with CREATE DATABASE … TEMPLATE. Without: a dump of a migrated PGlite,
 * loaded into a fresh in-memory PGlite per test file.
 */
export const TEMPLATE_ENV = 'CASEBOOK_TEST_TEMPLATE';
/** The embedded template's file in both modes (the server-process tests unpack it as a DATA_DIR). */
export const EMBEDDED_TEMPLATE_ENV = 'CASEBOOK_TEST_EMBEDDED_TEMPLATE';
/** The embedded template right after initdb, unmigrated (`openBlankDatabase` without a server). */
export const BLANK_TEMPLATE_ENV = 'CASEBOOK_TEST_BLANK_TEMPLATE';
/** Set to `1` by the jest global setup when dist/ is a fresh build of the sources (test/support/serverProcess.ts). */
export const BUILT_ENV = 'CASEBOOK_TEST_BUILT';

export function serverUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The two embedded templates, built from one PGlite: `blank` right after initdb (for the
 * migration tests, `openBlankDatabase`), `migrated` after every migration (every other file).
 */
export type TemplateKind = 'migrated' | 'blank';

const kindSuffix = (kind: TemplateKind) => (kind === 'blank' ? '-blank' : '');

export function pgliteTemplatePath(runId: string, kind: TemplateKind = 'migrated'): string {
  return path.join(os.tmpdir(), `casebook-test-template-${runId}${kindSuffix(kind)}.tar`);
}

/**
 * The embedded template is the same for the same inputs, so runs keep it (keyed by `templateKey`)
 * instead of paying initdb and every migration each time (~8 s on 2 cores). Set
 * CASEBOOK_TEST_TEMPLATE_CACHE=0 to migrate afresh.
 */
export const TEMPLATE_CACHE_PREFIX = 'casebook-test-template-cache-';

export function pgliteTemplateCachePath(key: string, kind: TemplateKind = 'migrated'): string {
  return path.join(os.tmpdir(), `${TEMPLATE_CACHE_PREFIX}${key}${kindSuffix(kind)}.tar`);
}

export function templateCacheEnabled(): boolean {
  return !/^(0|false|no|off)$/i.test(process.env.CASEBOOK_TEST_TEMPLATE_CACHE ?? '');
}

/**
 * A digest of everything a migrated template can depend on: every file under src/ (the
 * migrations and whatever they import), the locked dependency versions (PGlite among them),
 * the template-building code itself and the Node version. Any change there means a new template.
 */
export function templateKey(root: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(path.join(root, 'src'));
  files.push(...['package-lock.json', 'test/support/globalSetup.ts', 'test/support/testDatabase.ts', 'test/support/signingKey.ts'].map((f) => path.join(root, f)));
  const hash = createHash('sha256').update(`${process.version}\0`);
  for (const file of files.sort()) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : 'missing');
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

export function randomDbName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** The run's unmigrated embedded template (the jest global setup builds it beside the migrated one). */
function blankTemplate(): string {
  const file = process.env[BLANK_TEMPLATE_ENV];
  if (!file) throw new Error('The jest global setup did not prepare the blank embedded template.');
  return file;
}

/**
 * An empty, unmigrated database of this test file's own (a fresh one on the server, or an
 * in-memory PGlite started on the blank template: initdb in PGlite costs 2.5–4.5 s of CPU and
 * grows the worker to ~800 MB), for tests that run migrations one by one. `close()` also drops it.
 */
export async function openBlankDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  freshFileState();
  const url = serverUrl();
  const name = url ? randomDbName('casebook_mig') : undefined;
  if (url && name) await adminQuery(url, `CREATE DATABASE ${name}`);
  const database = url && name ? await openDatabase({ databaseUrl: withDatabase(url, name), poolMax: 2 }) : await openDatabase({ filesystem: await TemplateFS.of(blankTemplate()) });
  return {
    database,
    async close() {
      await database.close();
      if (url && name) await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
