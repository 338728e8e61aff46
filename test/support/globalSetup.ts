import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/db';
import { migrate } from '../../src/db/migrator';
import { projectRoot } from '../../src/paths';
import { TEST_AUDIT_SIGNING_KEY } from './signingKey';
import {
  adminQuery,
  pgliteTemplateCachePath,
  pgliteTemplatePath,
  randomDbName,
  serverUrl,
  TEMPLATE_CACHE_PREFIX,
  templateCacheEnabled,
  templateKey,
  TEMPLATE_ENV,
  EMBEDDED_TEMPLATE_ENV,
  BUILT_ENV,
  BLANK_TEMPLATE_ENV,
  type TemplateKind,
  withDatabase,
} from './testDatabase';

/**
 * Builds the migrated templates once per `jest` run; every test file copies one. The embedded
 * template (a PGlite data folder as a tar) is built in both modes: the server-process tests
 * unpack it as their DATA_DIR instead of paying initdb and every migration in each child.
 */
export default async function globalSetup(): Promise<void> {
  process.env.AUDIT_SIGNING_KEY = TEST_AUDIT_SIGNING_KEY;
  process.env[BUILT_ENV] = buildIsFresh() ? '1' : '';
  const { migrated: embedded, blank } = await embeddedTemplates();
  process.env[EMBEDDED_TEMPLATE_ENV] = embedded;
  process.env[BLANK_TEMPLATE_ENV] = blank;
  const url = serverUrl();
  if (!url) {
    process.env[TEMPLATE_ENV] = embedded;
    return;
  }
  const template = randomDbName('casebook_tpl');
  await adminQuery(url, `CREATE DATABASE ${template}`);
  const database = await openDatabase({ databaseUrl: withDatabase(url, template), poolMax: 2 });
  try {
    await migrate(database.sequelize);
  } finally {
    await database.close();
  }
  process.env[TEMPLATE_ENV] = template;
}

/**
 * Whether dist/ is a build of the sources as they are (scripts/build-if-needed.cjs --check: a
 * stat of every input, ~20 ms): the server and CLI processes then run from it.
 */
function buildIsFresh(): boolean {
  return spawnSync(process.execPath, [path.join(projectRoot, 'scripts/build-if-needed.cjs'), '--check'], { cwd: projectRoot, stdio: 'ignore' }).status === 0;
}

/**
 * This run's own files (removed by the teardown): hard links to the cached templates when there
 * are both. Otherwise one in-memory PGlite makes them: slimmed and dumped right after initdb (the
 * blank template), then migrated and dumped again.
 */
async function embeddedTemplates(): Promise<Record<TemplateKind, string>> {
  // A hard link lets the cache be pruned without pulling the template from under a running suite.
  const files = { migrated: pgliteTemplatePath(String(process.pid)), blank: pgliteTemplatePath(String(process.pid), 'blank') };
  for (const kind of KINDS) fs.rmSync(files[kind], { force: true });
  const key = templateCacheEnabled() ? templateKey(projectRoot) : undefined;
  const cached = key ? { migrated: pgliteTemplateCachePath(key), blank: pgliteTemplateCachePath(key, 'blank') } : undefined;
  if (cached && KINDS.every((kind) => fs.existsSync(cached[kind]))) {
    const now = new Date();
    for (const kind of KINDS) {
      linkOrCopy(cached[kind], files[kind]);
      fs.utimesSync(cached[kind], now, now);
    }
  } else {
    // No URL: the embedded database, even when the suite runs against a server.
    const database = await openDatabase({});
    try {
      const pglite = database.embedded!.db;
      await slimForTests(pglite);
      await writeDump(pglite, files.blank);
      await migrate(database.sequelize);
      await database.sequelize.close();
      await pglite.exec('CHECKPOINT');
      await writeDump(pglite, files.migrated);
    } finally {
      await database.close();
    }
    // Kept only if the inputs did not change while they were being built (others edit the tree too).
    if (cached && templateKey(projectRoot) === key) {
      for (const kind of KINDS) {
        const partial = `${cached[kind]}.${process.pid}.partial`;
        try {
          linkOrCopy(files[kind], partial);
          fs.renameSync(partial, cached[kind]);
        } catch {
          // Best effort: this run has its templates either way.
          fs.rmSync(partial, { force: true });
        }
      }
    }
  }
  pruneTemplateCache();
  return files;
}

const KINDS: readonly TemplateKind[] = ['migrated', 'blank'];

/** PGlite's data folder as an uncompressed tar: each test file loads one, and gunzip cost ~0.5 s of CPU per file. */
async function writeDump(pglite: PGlite, file: string): Promise<void> {
  const dump = await pglite.dumpDataDir('none');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/**
 * Keeps the three most recently used cached pairs of templates (~30 and ~20 MB; every change
 * under src/ makes a new pair) and none unused for a week. A running suite reads its own hard
 * links, never the cache.
 */
function pruneTemplateCache(): void {
  const cutoff = Date.now() - 7 * 86_400_000;
  const entries = fs
    .readdirSync(os.tmpdir())
    .filter((name) => name.startsWith(TEMPLATE_CACHE_PREFIX))
    .flatMap((name) => {
      const full = path.join(os.tmpdir(), name);
      try {
        return [{ full, used: fs.statSync(full).mtimeMs }];
      } catch {
        return []; // Another run pruned it first.
      }
    })
    .sort((a, b) => b.used - a.used);
  // A `.partial` is another run's template on its way into the cache: left alone unless stale.
  const kept: string[] = [];
  for (const { full, used } of entries.filter(({ full }) => /\.tar(\.gz)?$/.test(full))) {
    // .tar.gz: earlier runs' gzipped format. A pair shares its key: `<key>.tar` and `<key>-blank.tar`.
    const key = path.basename(full).slice(TEMPLATE_CACHE_PREFIX.length).replace(/(-blank)?\.tar(\.gz)?$/, '');
    if (!kept.includes(key) && kept.length < 3) kept.push(key);
    if (!kept.includes(key) || used < cutoff) fs.rmSync(full, { force: true });
  }
  for (const { full, used } of entries) if (full.endsWith('.partial') && used < cutoff) fs.rmSync(full, { force: true });
}

/**
 * Drops `template0` and `template1` (17 MB and 600 of the 1,300 files, which every test file's
 * PGlite unpacks into its in-memory file system: ~0.3 s of CPU each). Nothing in the embedded
 * tests creates a database; the server-process tests' DATA_DIRs come from this template too and
 * only ever connect to `postgres`.
 */
async function slimForTests(db: PGlite): Promise<void> {
  for (const name of ['template0', 'template1']) {
    await db.exec(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
    await db.exec(`DROP DATABASE ${name}`);
  }
  await db.exec('CHECKPOINT');
}
