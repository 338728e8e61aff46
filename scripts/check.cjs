#!/usr/bin/env node
/**
 * `npm test`'s static checks: `npm run typecheck` and `npm run lint` at the same time, so the
 * typecheck (TypeScript 7's native tsc, 4.7 s from a fresh clone) costs nothing beyond the lint
 * on the 2-core development machine: 13.9 s for both, against 17.5 + 11.6 s one after the other
 * with TypeScript 6 (bench/README.md "test suite"). Each one's output is printed whole when it
 * ends, so the two never interleave; the exit status is non-zero when either fails.
 */
const { spawn } = require('node:child_process');

const CHECKS = ['typecheck', 'lint'];

/** npm itself: the one running this script when there is one, else npm from the PATH. */
function npm(args) {
  const cli = process.env.npm_execpath;
  return cli ? spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
}

function run(name) {
  const started = Date.now();
  const child = npm(['run', '-s', name]);
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

process.stdout.write(`Checking: ${CHECKS.join(' and ')} at the same time…\n`);
Promise.all(CHECKS.map(run)).then((results) => {
  process.exitCode = results.every(Boolean) ? 0 : 1;
});
