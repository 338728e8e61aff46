import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { entryArgs } from '../support/serverProcess';
import { BUILT_ENV } from '../support/testDatabase';

/**
 * The server and CLI processes the tests start run from dist/ only when the jest global setup
 * found it a fresh build of the sources (`npm test` builds it beside its checks); otherwise from
 * the sources through tsx. Never a stale build: the setup's answer is the one
 * `scripts/build-if-needed.cjs --check` gives now.
 */
describe('the entry point a test process runs', () => {
  const saved = process.env[BUILT_ENV];
  afterEach(() => {
    process.env[BUILT_ENV] = saved;
  });

  it('is the build when the global setup found it fresh, and the source through tsx otherwise', () => {
    process.env[BUILT_ENV] = '1';
    expect(entryArgs('src/cli.ts', ['job:list'])).toEqual([path.join(projectRoot, 'dist/src/cli.js'), 'job:list']);
    expect(entryArgs('src/server.ts')).toEqual([path.join(projectRoot, 'dist/src/server.js')]);
    process.env[BUILT_ENV] = '';
    expect(entryArgs('src/cli.ts', ['job:list'])).toEqual(['--import', 'tsx', path.join(projectRoot, 'src/cli.ts'), 'job:list']);
  });

  it("agrees with the build's own freshness check", () => {
    const check = spawnSync(process.execPath, ['scripts/build-if-needed.cjs', '--check'], { cwd: projectRoot, encoding: 'utf8' });
    expect(check.status === 0).toBe(saved === '1');
    if (saved === '1') {
      for (const entry of ['dist/src/server.js', 'dist/src/cli.js']) expect(fs.existsSync(path.join(projectRoot, entry))).toBe(true);
    }
  });
});
