/**
 * One scheduler instance in a process of its own, for the two-instance tests: runs one tick of a
 * job of `allJobs` against DATABASE_URL once a "go" file exists (so two of these, each started
 * up and connected, begin together), and prints its outcome as one JSON line. It prints `ready`
 * when it waits for the file.
 *
 *   node --import tsx test/support/runJobTick.ts <job> <tick ISO> <go file>
 */
import fs from 'node:fs';
import { installAuditKeys } from '../../src/audit/install';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { allJobs } from '../../src/jobs/scheduler';

async function main(): Promise<void> {
  const [name, tick, goFile] = process.argv.slice(2);
  const config = loadConfig();
  installAuditKeys(config);
  if (!config.databaseUrl) throw new Error('runJobTick runs against DATABASE_URL only');
  const db = await openDatabase({ databaseUrl: config.databaseUrl, poolMax: 4 });
  try {
    const job = allJobs(config).find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    // Connected before the start: the pool's first connection is not part of the race.
    await db.sequelize.query('SELECT 1');
    process.stdout.write('ready\n');
    while (!fs.existsSync(goFile)) await new Promise((r) => setTimeout(r, 2));
    const outcome = await job.run(new Date(tick));
    process.stdout.write(`${JSON.stringify({ ran: outcome.ran, status: outcome.status ?? null, counts: outcome.counts ?? {}, error: outcome.error ?? null })}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
