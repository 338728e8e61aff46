/**
 * The jest runner of `npm run test:jest` (jest.config.js): jest-light-runner's worker
 * (node_modules/jest-light-runner/src/worker-runner.js, unchanged, behind ./jestWorker.mjs's reset
 * before each file) in a pool of child processes that keep their loaded modules from one test file
 * to the next.
 *
 * Why not `jest-light-runner/child-process` itself: 0.8.2 hands every task the same message
 * channel, and a worker asking for its setup data answers every listener registered so far and
 * forgets them; when two workers start together, the second one's request finds no listener left
 * and that worker waits forever on its first file (seen here: one of two workers idle, the run
 * never ending). Here each task has a channel of its own, which answers only the worker running
 * that task. Worker threads are no way out: on Node 20 they do not inherit tsx's loader hooks.
 *
 * Tests run in band (`-i`, or one file with `--maxWorkers=1`) in jest's own process, for a debugger.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import Tinypool from 'tinypool';

/** jest-light-runner's worker behind a per-file reset of process-wide state (./jestWorker.mjs). */
const workerRunner = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'jestWorker.mjs')).href;

/** One task's channel: it answers the setup-data request of the worker that runs this task. */
function taskChannel(workerData) {
  let listener;
  return {
    onMessage(fn) {
      listener = fn;
    },
    postMessage(message) {
      if (message === 'jest-light-runner-get-worker-data' && listener) listener({ type: 'jest-light-runner-worker-data', workerData });
    },
  };
}

export default class ChildProcessRunner {
  #globalConfig;
  #pools = new Map();

  constructor(globalConfig) {
    this.#globalConfig = globalConfig;
  }

  async runTests(tests, _watcher, onStart, onResult, onFailure) {
    const inBand = this.#globalConfig.maxWorkers === 1;
    const limit = pLimit(this.#globalConfig.maxWorkers);
    try {
      await Promise.all(
        tests.map((test) =>
          limit(() =>
            onStart(test)
              .then(() => (inBand ? this.#runInBand(test) : this.#run(test)))
              .then((result) => onResult(test, result))
              .catch((error) => onFailure(test, error)),
          ),
        ),
      );
    } finally {
      await Promise.all([...this.#pools.values()].map(({ pool }) => pool.destroy()));
      this.#pools.clear();
    }
  }

  #entry(test) {
    const projectConfig = test.context.config;
    let entry = this.#pools.get(projectConfig);
    if (!entry) {
      const workerData = { globalConfig: this.#globalConfig, projectConfig, runtime: 'child_process' };
      const { maxWorkers } = this.#globalConfig;
      const pool = new Tinypool({
        filename: workerRunner,
        runtime: 'child_process',
        minThreads: maxWorkers,
        maxThreads: maxWorkers,
        env: process.env,
        trackUnmanagedFds: false,
        workerData,
      });
      entry = { pool, workerData };
      this.#pools.set(projectConfig, entry);
    }
    return entry;
  }

  #run(test) {
    const { pool, workerData } = this.#entry(test);
    return pool.run(test.path, { channel: taskChannel(workerData) });
  }

  /** jest-light-runner's main-thread mode: the worker module imported here, run file by file. */
  async #runInBand(test) {
    const projectConfig = test.context.config;
    let entry = this.#pools.get(projectConfig);
    if (!entry) {
      const module = await import(workerRunner);
      module.setWorkerData({ globalConfig: this.#globalConfig, projectConfig, runtime: 'main_thread' });
      entry = { pool: { destroy: () => module.cleanup?.() }, module };
      this.#pools.set(projectConfig, entry);
    }
    return entry.module.default(test.path);
  }
}
