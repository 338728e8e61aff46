import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminQuery, BLANK_TEMPLATE_ENV, EMBEDDED_TEMPLATE_ENV, serverUrl, TEMPLATE_ENV } from './testDatabase';

export default async function globalTeardown(): Promise<void> {
  // Test files' anchor witnesses (test/support/env.ts) from earlier runs; a run going on beside
  // this one keeps its own.
  const stale = Date.now() - 3600_000;
  for (const f of fs.readdirSync(os.tmpdir())) {
    const file = path.join(os.tmpdir(), f);
    if (f.startsWith('casebook-test-witness-') && (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < stale) fs.rmSync(file, { force: true });
  }
  for (const name of [EMBEDDED_TEMPLATE_ENV, BLANK_TEMPLATE_ENV]) {
    const file = process.env[name];
    if (file) fs.rmSync(file, { force: true });
  }
  const template = process.env[TEMPLATE_ENV];
  const url = serverUrl();
  if (url && template) await adminQuery(url, `DROP DATABASE IF EXISTS ${template}`);
}
