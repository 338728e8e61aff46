import { execFile } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import { openDatabase, type Database } from '../../src/db';
import { migrate } from '../../src/db/migrator';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { auditAppendArgs } from '../../src/models/AuditEvent';
import { readyForDisposal } from '../support/archives';
import { asActor } from '../support/context';
import { buildComplaint, sealCase } from '../support/factories';

/**
 * docs/production-roles.sql against the real PostgreSQL server, in a throwaway database with
 * role names of this run's own (roles are cluster-wide). Not skipped without DATABASE_URL: it
 * then uses postgres@127.0.0.1:5432, and fails saying so when no server answers there.
 */
const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SCRIPT = path.join(__dirname, '../../docs/production-roles.sql');
const run = promisify(execFile);

const suffix = randomBytes(4).toString('hex');
const names = { owner: `cb_owner_${suffix}`, app: `cb_app_${suffix}`, disposal: `cb_disposal_${suffix}` };
const dbName = `casebook_roles_${suffix}`;
const passwords = { owner: randomBytes(12).toString('hex'), app: randomBytes(12).toString('hex') };

function urlFor(database: string, user?: keyof typeof passwords): string {
  const u = new URL(SERVER);
  u.pathname = `/${database}`;
  if (user) {
    u.username = names[user];
    u.password = passwords[user];
  }
  return u.toString();
}

/** One statement on the server as its superuser (or as `user`), in `database`. */
async function sql<T = Record<string, unknown>>(database: string, text: string, values: unknown[] = [], user?: keyof typeof passwords): Promise<T[]> {
  const client = new Client({ connectionString: urlFor(database, user) });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function runScript(): Promise<string> {
  const vars = Object.entries(names).flatMap(([k, v]) => ['-v', `${k}=${v}`]);
  const { stderr } = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...vars, '-d', urlFor(dbName), '-f', SCRIPT]);
  return stderr;
}

let app: Database | undefined;
let created = false;

/** A query as casebook_app, on the app's own pool (which the models and factories use too). */
const asApp = (text: string, bind?: unknown[]) => app!.sequelize.query(text, { bind, type: QueryTypes.SELECT });

beforeAll(async () => {
  try {
    await sql('postgres', 'SELECT 1');
  } catch (err) {
    throw new Error(
      `productionRoles.test.ts needs a PostgreSQL server to run docs/production-roles.sql against: ` +
        `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_URL is unset and postgres@127.0.0.1:5432'} did not answer (${String(err)}).`,
      { cause: err },
    );
  }
  await run('psql', ['--version']).catch((err: unknown) => {
    throw new Error(`productionRoles.test.ts runs the script with psql, which is not on PATH (${String(err)}).`, { cause: err });
  });
  await sql('postgres', `CREATE DATABASE ${dbName}`);
  created = true;
  // Before the first migration: the roles, the database and the schema handed to the owner.
  expect(await runScript()).toMatch(/casebook roles: owner cb_owner_/);
  await sql(dbName, `ALTER ROLE ${names.owner} PASSWORD '${passwords.owner}'`);
  await sql(dbName, `ALTER ROLE ${names.app} PASSWORD '${passwords.app}'`);
  // Migrations as the owner, then the script again: grants, and the disposal function to its role.
  const owner = await openDatabase({ databaseUrl: urlFor(dbName, 'owner'), poolMax: 1 });
  try {
    await migrate(owner.sequelize);
  } finally {
    await owner.close();
  }
  await runScript();
  app = await openDatabase({ databaseUrl: urlFor(dbName, 'app'), poolMax: 2 });
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (created) await sql('postgres', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  for (const role of [names.app, names.disposal, names.owner]) await sql('postgres', `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  const left = await sql<{ rolname: string }>('postgres', 'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [Object.values(names)]);
  expect(left).toEqual([]);
});

async function sealedComplaint() {
  const c = await buildComplaint();
  // The app may seal (the archive command will run as the app); it may not unseal.
  await asApp(`SELECT 1 FROM complaints WHERE id = $1 FOR UPDATE`, [c.id]);
  await sealCase(c.id);
  return c;
}

async function refusal(work: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  const err = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { parent?: { code?: string; message?: string }; code?: string; message?: string } | undefined;
  if (!err) throw new Error('the statement was not refused');
  return err.parent ?? err;
}

describe('docs/production-roles.sql', () => {
  it('leaves the app owning nothing, with plain DML only, and EXECUTE only on what it calls', async () => {
    const owners = await sql<{ kind: string; owner: string }>(
      dbName,
      `SELECT DISTINCT 'relation' AS kind, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace
       UNION SELECT DISTINCT 'function ' || proname, pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = pg_proc.oid AND d.deptype = 'e')
         AND proname IN ('dispose_case_content', 'audit_append', 'refuse_when_locked')
       ORDER BY 1`,
    );
    expect(owners).toEqual([
      { kind: 'function audit_append', owner: names.owner },
      { kind: 'function dispose_case_content', owner: names.disposal },
      { kind: 'function refuse_when_locked', owner: names.owner },
      { kind: 'relation', owner: names.owner },
    ]);
    const [privileges] = await sql<Record<string, boolean>>(
      dbName,
      `SELECT bool_or(has_table_privilege($1, c.oid, 'TRUNCATE') OR has_table_privilege($1, c.oid, 'TRIGGER') OR has_table_privilege($1, c.oid, 'REFERENCES')) AS more_than_dml,
              bool_and(has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE')) FILTER (WHERE c.relname NOT IN ('schema_migrations', 'audit_events', 'audit_anchors', 'audit_event_contents')) AS dml,
              bool_or(has_table_privilege($1, c.oid, 'UPDATE') OR has_table_privilege($1, c.oid, 'DELETE')) FILTER (WHERE c.relname IN ('schema_migrations', 'audit_events', 'audit_anchors', 'audit_event_contents')) AS edits_trail,
              has_schema_privilege($1, 'public', 'CREATE') AS creates, has_database_privilege($1, current_database(), 'TEMP') AS temp,
              (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = $1) AS super
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
      [names.app],
    );
    expect(privileges).toEqual({ more_than_dml: false, dml: true, edits_trail: false, creates: false, temp: false, super: false });
    const functions = await sql<{ fn: string; app: boolean }>(
      dbName,
      `SELECT proname AS fn, has_function_privilege($1, oid, 'EXECUTE') AS app FROM pg_proc
        WHERE pronamespace = 'public'::regnamespace AND proname IN ('audit_append', 'dispose_case_content', 'refuse_change', 'refuse_when_locked', 'attach_lock_trigger', 'lock_trigger_column')
        ORDER BY proname`,
      [names.app],
    );
    expect(functions).toEqual([
      { fn: 'attach_lock_trigger', app: false },
      { fn: 'audit_append', app: true },
      { fn: 'dispose_case_content', app: true },
      { fn: 'lock_trigger_column', app: false },
      { fn: 'refuse_change', app: false },
      { fn: 'refuse_when_locked', app: false },
    ]);
  });

  it('lets the app do its work: intake writes the entry, its stage and their audit events', async () => {
    const c = await buildComplaint();
    const [event] = await asApp(`SELECT count(*)::int AS n FROM audit_events WHERE chain_key = $1`, [`Complaint:${c.id}`]);
    expect(event).toEqual({ n: 1 });
  });

  it('as the app: a sealed complaint is refused with CB001, and no way around the trigger is open', async () => {
    const c = await sealedComplaint();
    expect(await refusal(asApp(`UPDATE complaints SET subject = 'x' WHERE id = $1`, [c.id]))).toMatchObject({ code: 'CB001' });
    expect(await refusal(asApp('DELETE FROM complaint_stages WHERE complaint_id = $1', [c.id]))).toMatchObject({ code: 'CB001' });

    expect(await refusal(asApp('ALTER TABLE complaints DISABLE TRIGGER ALL'))).toMatchObject({ code: '42501', message: 'must be owner of table complaints' });
    expect(await refusal(asApp('ALTER TABLE complaints DISABLE TRIGGER complaints_lock_column'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp('DROP TRIGGER complaints_lock_column ON complaints'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp('SET session_replication_role = replica'))).toMatchObject({ code: '42501', message: 'permission denied to set parameter "session_replication_role"' });
    expect(await refusal(asApp('TRUNCATE complaint_holds'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp('CREATE TEMP TABLE complaints (id uuid, status text)'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp('CREATE TABLE sneaky (id int)'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp(`SELECT attach_lock_trigger('complaints', 'column', 'subject')`))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp(`UPDATE audit_events SET action = 'x'`))).toMatchObject({ code: '42501' });

    // The disposal flag set by hand is ignored: the app is not the role that owns the disposal function.
    const byHand = app!.sequelize.transaction(async (tx) => {
      await app!.sequelize.query(`SET LOCAL casebook.disposal = '${c.id}'`, { transaction: tx });
      await app!.sequelize.query(`UPDATE complaints SET description = '' WHERE id = $1`, { bind: [c.id], transaction: tx });
    });
    expect(await refusal(byHand)).toMatchObject({ code: 'CB001' });
  });

  it('as the app: dispose_case_content works, as the disposal role, and its audit event verifies', async () => {
    const c = await sealedComplaint();
    const meta = await readyForDisposal(c.id);
    const [, ...args] = await asActor(async () => auditAppendArgs({ action: 'complaint.disposed', entityType: 'Complaint', entityId: c.id, complaintId: c.id, meta }));
    await app!.sequelize.transaction(() => app!.sequelize.query('SELECT dispose_case_content($1, $2, $3, $4, $5)', { bind: [c.id, ...args] }));
    const [after] = await asApp('SELECT subject, description, status FROM complaints WHERE id = $1', [c.id]);
    expect(after).toEqual({ subject: '', description: '', status: 'archived' });
    const events = await asApp('SELECT action FROM audit_events WHERE chain_key = $1 ORDER BY seq', [`Complaint:${c.id}`]);
    expect(events).toEqual([{ action: 'complaint.created' }, { action: 'complaint.archived' }, { action: 'complaint.disposed' }]);
    expect(await verifyAuditTrail()).toMatchObject({ ok: true, failures: [] });
  });

  it('is idempotent, and what a later migration creates is usable by the app at once (tables) or not at all (functions)', async () => {
    expect(await runScript()).toMatch(/casebook roles/);
    await sql(dbName, 'CREATE TABLE later_table (id int PRIMARY KEY); CREATE FUNCTION later_internal() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', [], 'owner');
    await asApp('INSERT INTO later_table (id) VALUES (1)');
    expect(await asApp('SELECT id FROM later_table')).toEqual([{ id: 1 }]);
    expect(await refusal(asApp('SELECT later_internal()'))).toMatchObject({ code: '42501' });
    expect(await refusal(asApp('TRUNCATE later_table'))).toMatchObject({ code: '42501' });
  });

  it('grants the app EXECUTE on the predicate a lock trigger calls as the app', async () => {
    await sql(
      dbName,
      `CREATE TABLE later_letters (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), state text NOT NULL DEFAULT 'draft');
       CREATE FUNCTION later_letter_issued(r jsonb) RETURNS boolean LANGUAGE sql AS $$ SELECT r->>'state' = 'issued' $$;
       SELECT attach_lock_trigger('later_letters', 'predicate', 'later_letter_issued')`,
      [],
      'owner',
    );
    const [{ id }] = (await asApp(`INSERT INTO later_letters DEFAULT VALUES RETURNING id`)) as Array<{ id: string }>;
    // Before the script runs again, the app cannot call the predicate: its UPDATE fails closed.
    expect(await refusal(asApp(`UPDATE later_letters SET state = 'issued' WHERE id = $1`, [id]))).toMatchObject({ code: '42501' });
    await runScript();
    await asApp(`UPDATE later_letters SET state = 'issued' WHERE id = $1`, [id]);
    expect(await refusal(asApp(`UPDATE later_letters SET state = 'draft' WHERE id = $1`, [id]))).toMatchObject({ code: 'CB001' });
  });
});
