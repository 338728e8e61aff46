#!/usr/bin/env node
/**
 * Compiles the TypeScript only when the sources changed since the last successful build.
 *
 *   node scripts/build-if-needed.cjs            build if stale, else nothing (exit 0; tsc's status on failure)
 *   node scripts/build-if-needed.cjs --force    always build (what `npm run build` does), then stamp
 *   node scripts/build-if-needed.cjs --check    only say: exit 0 when fresh, 1 when stale (prints the reason)
 *   --root <dir>                                another project folder (the tests use a small one)
 *
 * `npm start`, `npm run cli`, `migrate` and `seed` run this before `node dist/src/….js`: a warm
 * start no longer pays for `tsc` checking that nothing changed (~2 s, far more on a busy machine).
 *
 * Fresh means: `dist/.build-stamp.json` holds the fingerprint of the inputs as they were when the
 * last successful build started, the inputs still have that fingerprint, and the entry points
 * exist. The fingerprint is a SHA-256 over every input file's path, size and mtime (src/, seeds/,
 * reports/, tsconfig*.json, package-lock.json): an edit, a touch, a new, removed or renamed file,
 * or a file put back with an older mtime all change it. It is taken *before* tsc runs, so an edit
 * made during a build makes the next start build again.
 *
 * Plain CommonJS with no dependencies: it must run before anything is compiled.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const INPUT_DIRS = ['src', 'seeds', 'reports'];
const INPUT_FILES = ['package-lock.json'];
const ENTRY_POINTS = ['dist/src/server.js', 'dist/src/cli.js'];
const STAMP = 'dist/.build-stamp.json';
const BUILD_INFO = 'dist/.tsbuildinfo';

/** Every input file under `root`, as sorted relative paths. */
function inputFiles(root) {
  const files = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) files.push(child);
    }
  };
  INPUT_DIRS.forEach(walk);
  for (const name of fs.readdirSync(root)) if (/^tsconfig.*\.json$/.test(name)) files.push(name);
  for (const name of INPUT_FILES) if (fs.existsSync(path.join(root, name))) files.push(name);
  return files.sort();
}

/** SHA-256 of (path, size, mtime) of every input: cheap (stat only), and any change to the set shows. */
function fingerprint(root) {
  const hash = createHash('sha256');
  const files = inputFiles(root);
  for (const rel of files) {
    const st = fs.statSync(path.join(root, rel));
    hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return { hash: hash.digest('hex'), files: files.length };
}

/** `{fresh: true}` or `{fresh: false, reason}`. */
function checkFresh(root) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP), 'utf8'));
  } catch {
    return { fresh: false, reason: 'no build stamp (never built with this script)' };
  }
  const missing = ENTRY_POINTS.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) return { fresh: false, reason: `missing ${missing.join(', ')}` };
  if (stamp.fingerprint !== fingerprint(root).hash) return { fresh: false, reason: 'sources changed since the last build' };
  return { fresh: true };
}

/**
 * Runs tsc (the project's own: TypeScript 7's native compiler, the `typescript7` alias in
 * package.json — it emits the same JavaScript as TypeScript 6 byte for byte, in a third of the
 * time) and stamps the inputs as they were before it started. Returns tsc's exit status.
 */
function build(root) {
  const before = fingerprint(root);
  const outputsMissing = ENTRY_POINTS.some((f) => !fs.existsSync(path.join(root, f)));
  // An incremental build info that outlived its outputs would make tsc emit nothing.
  if (outputsMissing) fs.rmSync(path.join(root, BUILD_INFO), { force: true });
  fs.rmSync(path.join(root, STAMP), { force: true });
  const tsc = path.join(path.dirname(require.resolve('typescript7/package.json', { paths: [root, __dirname] })), 'bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const status = result.status ?? 1;
  if (status === 0) {
    fs.mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
    fs.writeFileSync(path.join(root, STAMP), `${JSON.stringify({ fingerprint: before.hash, files: before.files, builtAt: new Date().toISOString() })}\n`);
  }
  return status;
}

/** Builds when stale. Returns 0 when the build is (now) fresh, else tsc's exit status. */
function buildIfNeeded(root, { force = false, log = (m) => console.error(m) } = {}) {
  const state = force ? { fresh: false, reason: 'forced' } : checkFresh(root);
  if (state.fresh) return 0;
  if (!force) log(`casebook: compiling TypeScript (${state.reason})…`);
  return build(root);
}

module.exports = { checkFresh, buildIfNeeded, fingerprint, inputFiles };

if (require.main === module) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = path.resolve(rootAt >= 0 ? args[rootAt + 1] : path.join(__dirname, '..'));
  if (args.includes('--check')) {
    const state = checkFresh(root);
    console.log(state.fresh ? 'fresh' : `stale: ${state.reason}`);
    process.exit(state.fresh ? 0 : 1);
  }
  process.exit(buildIfNeeded(root, { force: args.includes('--force') }));
}
