/**
 * What each worker of test/support/jestRunner.mjs runs for a test file: the process-wide state the
 * previous file in this process left behind is reset (`freshFileState`: a witness file of the
 * file's own, no witness mail, the system clock), then jest-light-runner's own worker runs the
 * file. jest-light-runner calls a setup file's default export once per worker process, before its
 * first file only, so the reset cannot live there. Used in band too (one file after another in
 * jest's own process). The embedded database the worker's files share (./sharedEmbedded.ts) is put
 * back to the template when the next file opens it. test/runner/fileIsolation.test.ts runs fixture
 * files one after another in one process to check both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const light = await import(pathToFileURL(path.join(path.dirname(require.resolve('jest-light-runner')), 'worker-runner.js')).href);
// TypeScript: the workers run with tsx's hooks (`node --import tsx`, inherited by the forks).
// The environment first (jest.config.js's setup file, evaluated once), as before any app module loads.
await import('./env.ts');
const { freshFileState } = await import('./fileState.ts');
const { closeSharedEmbedded, shareBetweenFiles } = await import('./sharedEmbedded.ts');
shareBetweenFiles();

export default async function run(testFilePath) {
  freshFileState();
  return light.default(testFilePath);
}

export const setWorkerData = light.setWorkerData;

/** In band (jest's own process, test/support/jestRunner.mjs): the shared embedded database is stopped too. */
export async function cleanup() {
  await closeSharedEmbedded();
  return light.cleanup();
}
