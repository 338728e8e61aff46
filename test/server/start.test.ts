import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

/**
 * `npm start` (and cli, migrate, seed) run scripts/build-if-needed.cjs before node: it compiles
 * only when the inputs changed since the last successful build. Exercised here on a small project
 * of its own (the real tree is shared and its dist/ is someone's running build).
 */
const SCRIPT = path.join(projectRoot, 'scripts/build-if-needed.cjs');

function run(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, '--root', root, ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const check = (root: string) => run(root, '--check');

let root: string;
/** Whole seconds, one apart per write, so moving an mtime there and back restores it exactly. */
let clock = Math.floor(Date.now() / 1000) - 86_400;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
  clock += 1;
  fs.utimesSync(path.join(root, rel), clock, clock);
};
const mtime = (rel: string) => fs.statSync(path.join(root, rel)).mtimeMs;
/** Moves a file's mtime by `seconds` (a touch, without waiting for the clock to tick). */
const touch = (rel: string, seconds: number) => {
  const t = new Date(fs.statSync(path.join(root, rel)).mtimeMs + seconds * 1000);
  fs.utimesSync(path.join(root, rel), t, t);
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-start-'));
  // skipLibCheck as the project's own tsconfig.json has it: each of the seven builds below takes
  // 0.6 s instead of 2 s checking TypeScript's own lib files.
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', strict: true, types: [], skipLibCheck: true, noEmit: true } }));
  write('tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: false, rootDir: '.', outDir: 'dist', incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' }, include: ['src', 'seeds'] }));
  write('package-lock.json', '{}\n');
  write('src/server.ts', 'export const port: number = 3000;\n');
  write('src/cli.ts', "export const name: string = 'cli';\n");
  write('seeds/demo.ts', 'export const seeded = 1;\n');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('scripts/build-if-needed.cjs', () => {
  it('is stale before the first build, fresh after it, and then starts without compiling', () => {
    expect(check(root)).toEqual({ status: 1, out: expect.stringContaining('no build stamp') });
    const built = run(root);
    expect(built.status).toBe(0);
    expect(built.out).toContain('compiling TypeScript');
    expect(fs.existsSync(path.join(root, 'dist/src/server.js'))).toBe(true);
    expect(check(root)).toEqual({ status: 0, out: 'fresh\n' });
    // Fresh: nothing is compiled, nothing rewritten.
    const before = mtime('dist/src/server.js');
    expect(run(root)).toEqual({ status: 0, out: '' });
    expect(mtime('dist/src/server.js')).toBe(before);
  });

  it('is stale after a source file is touched, and fresh again after the rebuild', () => {
    expect(check(root).status).toBe(0);
    touch('src/server.ts', 5);
    expect(check(root)).toEqual({ status: 1, out: expect.stringContaining('sources changed') });
    expect(run(root).status).toBe(0);
    expect(check(root).status).toBe(0);
    // An older mtime (a file put back from a backup) counts as a change too.
    touch('src/cli.ts', -3600);
    expect(check(root).status).toBe(1);
    expect(run(root).status).toBe(0);
  });

  it('notices new and removed files, tsconfig and lockfile changes, and missing output', () => {
    // Each change makes it stale; undoing it exactly (same files, sizes, mtimes) makes it fresh again without a build.
    const staleUntilUndone = (change: () => void, undo: () => void) => {
      expect(check(root).status).toBe(0);
      change();
      expect(check(root).status).toBe(1);
      undo();
      expect(check(root).status).toBe(0);
    };
    staleUntilUndone(() => write('seeds/more.ts', 'export const more = 2;\n'), () => fs.rmSync(path.join(root, 'seeds/more.ts')));
    const seed = fs.readFileSync(path.join(root, 'seeds/demo.ts'), 'utf8');
    const seedTime = fs.statSync(path.join(root, 'seeds/demo.ts')).mtime;
    staleUntilUndone(
      () => fs.rmSync(path.join(root, 'seeds/demo.ts')),
      () => {
        write('seeds/demo.ts', seed);
        fs.utimesSync(path.join(root, 'seeds/demo.ts'), seedTime, seedTime);
      },
    );
    staleUntilUndone(() => touch('tsconfig.build.json', 5), () => touch('tsconfig.build.json', -5));
    staleUntilUndone(() => touch('package-lock.json', 5), () => touch('package-lock.json', -5));
    // dist/ removed by hand while its incremental build info survived: the entry points are rebuilt.
    fs.rmSync(path.join(root, 'dist/src'), { recursive: true });
    expect(check(root)).toEqual({ status: 1, out: expect.stringContaining('missing dist/src/server.js') });
    expect(run(root).status).toBe(0);
    expect(fs.existsSync(path.join(root, 'dist/src/cli.js'))).toBe(true);
    expect(check(root).status).toBe(0);
  });

  it('leaves the build stale and exits non-zero when tsc fails, and --force always compiles', () => {
    write('src/server.ts', 'export const port: number = "not a number";\n');
    const failed = run(root);
    expect(failed.status).not.toBe(0);
    expect(failed.out).toContain('TS2322');
    expect(check(root).status).toBe(1);
    write('src/server.ts', 'export const port: number = 3001;\n');
    expect(run(root).status).toBe(0);
    const stamp = () => JSON.parse(fs.readFileSync(path.join(root, 'dist/.build-stamp.json'), 'utf8')) as { builtAt: string };
    const before = stamp().builtAt;
    expect(run(root, '--force').status).toBe(0);
    expect(stamp().builtAt > before).toBe(true);
    expect(check(root).status).toBe(0);
  });
});

describe('package.json', () => {
  it('starts the server as `node dist/src/server.js` after the build check (what the CI smoke test signals)', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe('node scripts/build-if-needed.cjs && node dist/src/server.js');
    for (const name of ['cli', 'migrate', 'seed']) expect(scripts[name]).toMatch(/^node scripts\/build-if-needed\.cjs && node dist\/src\/cli\.js/);
    expect(scripts.build).toBe('node scripts/build-if-needed.cjs --force');
  });
});
