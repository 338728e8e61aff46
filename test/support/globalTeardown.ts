import fs from 'node:fs';
import { adminQuery, serverUrl, TEMPLATE_ENV } from './testDatabase';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) return;
  const url = serverUrl();
  if (url) await adminQuery(url, `DROP DATABASE IF EXISTS ${template}`);
  else fs.rmSync(template, { force: true });
}
