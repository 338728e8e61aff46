import { openDatabase, type Database } from '../../src/db';
import { freshFileState } from './fileState';
import { adminQuery, randomDbName, serverUrl, TEMPLATE_ENV, withDatabase } from './testDatabase';
import { TemplateFS } from './templateFs';
import { embeddedForFile, sharingEnabled } from './sharedEmbedded';

/**
 * Gives the calling test file a database of its own, copied from the migrated template, and
 * drops it afterwards. Files run in parallel workers without seeing each other's rows. On the
 * embedded database the worker's one PGlite is put back to the template instead (./sharedEmbedded.ts).
 */
export function useTestDatabase(): { get(): Database } {
  let database: Database | undefined;
  let dropName: string | undefined;
  let release: (() => void) | undefined;
  beforeAll(async () => {
    freshFileState();
    const template = process.env[TEMPLATE_ENV];
    if (!template) throw new Error('The jest global setup did not prepare a template database.');
    const url = serverUrl();
    if (url) {
      dropName = randomDbName('casebook_test');
      await createFromTemplate(url, dropName, template);
      database = await openDatabase({ databaseUrl: withDatabase(url, dropName), poolMax: 5 });
    } else {
      // The worker's embedded database, put back to the template (./sharedEmbedded.ts), or one of the file's own.
      const shared = sharingEnabled() ? await embeddedForFile(template) : undefined;
      release = shared?.release;
      database = await openDatabase(shared ? { pglite: shared.pglite } : { filesystem: await TemplateFS.of(template) });
    }
  });
  afterAll(async () => {
    await database?.close();
    release?.();
    const url = serverUrl();
    if (url && dropName) await adminQuery(url, `DROP DATABASE IF EXISTS ${dropName} WITH (FORCE)`);
  });
  return {
    get() {
      if (!database) throw new Error('useTestDatabase(): the database is not ready yet (use it inside a test or hook).');
      return database;
    },
  };
}

async function createFromTemplate(url: string, name: string, template: string): Promise<void> {
  // Two workers copying the template at the same moment can collide; a short retry absorbs it.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(url, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (err) {
      if (attempt >= 5 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}
