#!/usr/bin/env node
/**
 * `npm test`'s static checks and its build, at the same time: `npm run typecheck`, `npm run lint`
 * and the build `npm start` would make (scripts/build-if-needed.cjs: nothing when dist/ is fresh).
 * The typecheck (TypeScript 7's native tsc, 4.7 s from a fresh clone) and the build cost little
 * beyond the lint on the 2-core development machine: 13.9 s for typecheck and lint, against
 * 17.5 + 11.6 s one after the other with TypeScript 6 (bench/README.md "test suite"). The tests
 * that start real server and CLI processes run them from the fresh dist/, as `npm start` and
 * `npm run cli` do, instead of through tsx (test/support/serverProcess.ts). Each one's output is
 * printed whole when it ends, so they never interleave; the exit status is non-zero when any fails.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');

const STDIO = { stdio: ['ignore', 'pipe', 'pipe'] };
const CHECKS = {
  typecheck: () => npm(['run', '-s', 'typecheck']),
  lint: () => npm(['run', '-s', 'lint']),
  build: () => spawn(process.execPath, [path.join(__dirname, 'build-if-needed.cjs')], STDIO),
};

/** npm itself: the one running this script when there is one, else npm from the PATH. */
function npm(args) {
  const cli = process.env.npm_execpath;
  return cli ? spawn(process.execPath, [cli, ...args], STDIO) : spawn('npm', args, { ...STDIO, shell: process.platform === 'win32' });
}

function run(name) {
  const started = Date.now();
  const child = CHECKS[name]();
  const output = [];
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
  return new Promise((resolve) => {
    let reported = false;
    const report = (ok, why) => {
      if (reported) return;
      reported = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${ok ? '✓' : '✗'} ${name} ${ok ? 'passed' : `failed (${why})`} in ${seconds} s\n${Buffer.concat(output).toString()}`);
      resolve(ok);
    };
    // npm could not be started at all: no 'close' need follow.
    child.on('error', (err) => report(false, err.message));
    child.on('close', (code, signal) => report(code === 0, signal ?? `exit ${code}`));
  });
}

const names = Object.keys(CHECKS);
process.stdout.write(`Checking: ${names.slice(0, -1).join(', ')} and ${names.at(-1)} at the same time…\n`);
Promise.all(names.map(run)).then((results) => {
  process.exitCode = results.every(Boolean) ? 0 : 1;
});
