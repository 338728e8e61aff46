import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Where the migrated template lives. With DATABASE_URL: a template database on that server,
 * copied per test file with CREATE DATABASE … TEMPLATE. Without: a dump of a migrated PGlite,
 * loaded into a fresh in-memory PGlite per test file.
 */
export const TEMPLATE_ENV = 'CASEBOOK_TEST_TEMPLATE';

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

export function pgliteTemplatePath(runId: string): string {
  return path.join(os.tmpdir(), `casebook-test-template-${runId}.tar.gz`);
}

export function randomDbName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function readTemplateBlob(file: string): Blob {
  return new Blob([fs.readFileSync(file)]);
}
