import 'dotenv/config';
import { Command, Option } from 'commander';
import { loadConfig, ConfigError } from './config';
import { openDatabase, sequelize, type Database } from './db';
import { EmbeddedDatabaseInUseError } from './db/embedded';
import { migrate } from './db/migrator';
import { anchorAuditTrail } from './commands/auditAnchorer';
import { manualTick } from './jobs/CronJob';
import { allJobs } from './jobs/scheduler';
import { recentJobRuns } from './queries/jobRuns';
import { verifyAuditTrail } from './commands/auditVerifier';
import { verifyAndRecord } from './commands/archiveVerifications';
import cliProgress from 'cli-progress';
import { auditKeyring, generateSigningKeyPem } from './audit/keys';
import { installAuditKeys } from './audit/install';
import { createUser, setPassword } from './commands/users';
import { ROLE_KEYS, isRoleKey } from './domain/roles';
import { runWithContext, systemContext } from './lib/context';
import { AppError, validationFailed } from './lib/errors';
import { passwordProblems } from './lib/passwords';
import { Department, User } from './models';
import { seedDemo } from '../seeds/demo';
import { seedDemoCases } from '../seeds/demoCases';

/** Opens the configured database, migrates it, runs `fn` as the CLI actor, and closes it. */
async function withDatabase<T>(fn: (db: Database) => Promise<T>, options = { migrate: true }): Promise<T> {
  const config = loadConfig();
  installAuditKeys(config);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    if (options.migrate) await migrate(db.sequelize);
    return await runWithContext(systemContext('cli'), () => fn(db));
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function passwordFrom(opts: { password?: string; passwordStdin?: boolean }): Promise<string | undefined> {
  if (opts.passwordStdin) return readStdin();
  return opts.password ?? process.env.CASEBOOK_PASSWORD;
}

/**
 * The password rules that need no database, checked before it is opened: a weak password is
 * refused at once, and with its reason even while a server holds the embedded database (which
 * would otherwise be all the CLI could say). The command checks everything again.
 */
function refuseWeakPassword(password: string | undefined, who: { email: string; name?: string }): void {
  const problems = password === undefined ? [] : passwordProblems(password, who);
  if (problems.length) throw validationFailed(problems);
}

async function userByEmail(email: string): Promise<User> {
  const s = sequelize();
  const user = await User.findOne({ where: s.where(s.fn('lower', s.col('email')), email.trim().toLowerCase()) });
  if (!user) throw new AppError(404, 'not_found', `No user with email ${email}.`);
  return user;
}

/** `a=1 b=2`, keys sorted (jsonb keeps its own key order). */
const formatCounts = (counts: Record<string, number>) =>
  Object.keys(counts).sort().map((k) => `${k}=${counts[k]}`).join(' ');

const program = new Command('casebook').description('Casebook administration commands').showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const applied = await withDatabase((db) => migrate(db.sequelize), { migrate: false });
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  });

program
  .command('seed')
  .description('load the demo organisation (departments, one user per role, customers and cases); existing rows are kept')
  .action(async () => {
    const zone = loadConfig().timezone;
    const [users, cases] = await withDatabase(async () => [await seedDemo(), await seedDemoCases(zone)]);
    console.log(users ? `Created ${users} demo users.` : 'The demo users already exist.');
    console.log(cases ? `Logged ${cases} demo entries.` : 'The log book already has entries: no demo cases added.');
  });

program
  .command('user:create')
  .description('create a user')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .addOption(new Option('--roles <roles>', `comma-separated: ${ROLE_KEYS.join(', ')}`).makeOptionMandatory())
  .option('--department <code>', 'department code, e.g. QA')
  .option('--password <password>', 'initial password (or CASEBOOK_PASSWORD, or --password-stdin)')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (opts: { email: string; name: string; roles: string; department?: string; password?: string; passwordStdin?: boolean }) => {
    const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean);
    const bad = roles.filter((r) => !isRoleKey(r));
    if (bad.length || roles.length === 0) throw new AppError(400, 'validation_failed', `Unknown roles: ${bad.join(', ') || '(none)'}. Use: ${ROLE_KEYS.join(', ')}`);
    const password = await passwordFrom(opts);
    refuseWeakPassword(password, { email: opts.email, name: opts.name });
    const user = await withDatabase(async () => {
      let departmentId: string | null = null;
      if (opts.department) {
        const dept = await Department.findOne({ where: { code: opts.department } });
        if (!dept) throw new AppError(404, 'not_found', `No department with code ${opts.department}.`);
        departmentId = dept.id;
      }
      return createUser({ email: opts.email, name: opts.name, roles: roles.filter(isRoleKey), departmentId, password });
    });
    console.log(`Created ${user.email} (${user.roles.join(', ')})${password ? '' : ' without a password: set one with user:set-password'}.`);
  });

program
  .command('user:set-password')
  .description("set a user's password (signs them out everywhere)")
  .requiredOption('--email <email>')
  .option('--password <password>')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (opts: { email: string; password?: string; passwordStdin?: boolean }) => {
    const password = await passwordFrom(opts);
    if (!password) throw new AppError(400, 'validation_failed', 'Give --password, --password-stdin or CASEBOOK_PASSWORD.');
    refuseWeakPassword(password, { email: opts.email });
    await withDatabase(async () => setPassword((await userByEmail(opts.email)).id, password));
    console.log(`Password set for ${opts.email}.`);
  });

program
  .command('audit:verify')
  .description('recompute every audit chain and anchor; exits 1 when anything was tampered with')
  .action(async () => {
    const report = await withDatabase(() => verifyAuditTrail());
    console.log(`Checked ${report.checked} events in ${report.chains} chains, ${report.records} records and ${report.anchors} anchors.`);
    for (const f of report.failures) console.log(`  FAIL ${f.id}: ${f.reason}`);
    console.log(report.ok ? 'OK: the audit trail is intact.' : `TAMPERED: ${report.failures.length} problems.`);
    if (!report.ok) process.exitCode = 1;
  });

program
  .command('archive:verify')
  .description("recompute every archive's hash and the archive chain, every evidence blob and letter PDF, and the audit trail; exits 1 when anything was tampered with")
  .action(async () => {
    const bar = new cliProgress.SingleBar({ format: '{phase} [{bar}] {value}/{total}', hideCursor: true, noTTYOutput: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
    let phase = '';
    const report = await withDatabase(() =>
      verifyAndRecord('cli', null, (p, done, total) => {
        if (p !== phase) {
          if (phase) bar.stop();
          phase = p;
          bar.start(Math.max(total, 1), 0, { phase: p.padEnd(8) });
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { phase: p.padEnd(8) });
      }),
    );
    if (phase) bar.stop();
    console.log(`Checked ${report.checked} items (archives, evidence blobs, letter PDFs, audit events).`);
    for (const f of report.failures) console.log(`  FAIL ${f.id}: ${f.reason}`);
    console.log(report.ok ? 'OK: every archive, file and audit chain is intact.' : `TAMPERED: ${report.failures.length} problems.`);
    if (!report.ok) process.exitCode = 1;
  });

program
  .command('audit:public-key')
  .description('print the public keys that sign the audit trail (give them to the auditors)')
  .action(() => {
    installAuditKeys(loadConfig());
    for (const k of auditKeyring().trusted()) console.log(`${k.keyId}  Ed25519  ${k.publicKey}${k.current ? '  (current)' : ''}`);
  });

program
  .command('audit:keygen')
  .description('print a new Ed25519 signing key (PKCS#8 PEM) for AUDIT_SIGNING_KEY; see docs/ARCHITECTURE.md for rotation')
  .action(() => {
    process.stdout.write(generateSigningKeyPem());
  });

program
  .command('audit:anchor')
  .description('seal the audit events written since the last anchor')
  .action(async () => {
    const anchor = await withDatabase(() => anchorAuditTrail());
    console.log(anchor ? `Anchor ${anchor.id} sealed ${anchor.eventCount} events (${anchor.hash}).` : 'Nothing new to anchor.');
  });

program
  .command('job:list')
  .description('list the scheduled jobs with their last runs (tick, status, duration, counts)')
  .option('--runs <n>', 'runs to show per job', '5')
  .action(async (opts: { runs: string }) => {
    const jobs = allJobs(loadConfig());
    const limit = Math.max(1, Number.parseInt(opts.runs, 10) || 5);
    const runs = await withDatabase(() => recentJobRuns(jobs.map((j) => j.name), limit));
    for (const job of jobs) {
      console.log(`${job.name}  (${job.schedule}, keeps ${job.keepRuns} runs)`);
      const list = runs.get(job.name) ?? [];
      if (list.length === 0) console.log('  no runs yet');
      for (const r of list) {
        const duration = r.finishedAt ? `${r.finishedAt.getTime() - r.startedAt.getTime()} ms` : '-';
        const counts = formatCounts(r.counts) || '-';
        console.log(`  ${r.tick.toISOString()}  ${r.status.padEnd(9)}  ${duration.padStart(9)}  ${counts}${r.error ? `  error: ${r.error}` : ''}`);
      }
    }
  });

program
  .command('job:run <names...>')
  .description('run one tick of each job named now, in the order given (its own tick: it never collides with a scheduled one)')
  .action(async (names: string[]) => {
    const jobs = allJobs(loadConfig());
    const unknown = [...new Set(names)].filter((name) => !jobs.some((j) => j.name === name));
    if (unknown.length > 0) throw new AppError(404, 'not_found', `No job named ${unknown.join(', ')}. Jobs: ${jobs.map((j) => j.name).join(', ')}`);
    // Outside the CLI's context: each job runs in a system context of its own, no transaction held.
    await withDatabase(async () => {
      for (const name of names) {
        const job = jobs.find((j) => j.name === name)!;
        const outcome = await job.run(manualTick());
        const counts = formatCounts(outcome.counts ?? {}) || '-';
        if (!outcome.ran) console.log(`${name}: this tick was already run.`);
        else console.log(`${name}: ${outcome.status} (${counts})${outcome.error ? `: ${outcome.error}` : ''}`);
        if (outcome.status === 'failed') process.exitCode = 1;
      }
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof EmbeddedDatabaseInUseError || err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  if (err instanceof AppError) {
    console.error(`Error: ${err.message}`);
    for (const e of err.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
