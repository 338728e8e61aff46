import fs from 'node:fs';
import { openDatabase } from '../../src/db';
import { migrate } from '../../src/db/migrator';
import { adminQuery, pgliteTemplatePath, randomDbName, serverUrl, TEMPLATE_ENV, withDatabase } from './testDatabase';

/** Builds the migrated template once per `jest` run; every test file copies it. */
export default async function globalSetup(): Promise<void> {
  const url = serverUrl();
  if (url) {
    const template = randomDbName('casebook_tpl');
    await adminQuery(url, `CREATE DATABASE ${template}`);
    const database = await openDatabase({ databaseUrl: withDatabase(url, template), poolMax: 2 });
    try {
      await migrate(database.sequelize);
    } finally {
      await database.close();
    }
    process.env[TEMPLATE_ENV] = template;
    return;
  }
  const database = await openDatabase({});
  try {
    await migrate(database.sequelize);
    await database.sequelize.close();
    const dump = await database.embedded!.db.dumpDataDir('gzip');
    const file = pgliteTemplatePath(String(process.pid));
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env[TEMPLATE_ENV] = file;
  } finally {
    await database.close();
  }
}
