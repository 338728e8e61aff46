import express from 'express';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { errorHandler } from '../../src/lib/errorHandler';
import { requestContext } from '../../src/lib/requestContext';
import { auditAppendArgs } from '../../src/models/AuditEvent';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { useTestApp } from '../support/app';
import { readyForDisposal } from '../support/archives';
import { asActor } from '../support/context';
import { buildComplaint, sealCase, signedIn } from '../support/factories';

/**
 * Migration 0007: refuse_when_locked() and its four modes, attach_lock_trigger(), the locks on
 * complaints / complaint_stages / complaint_holds, and the one sanctioned way past them.
 * Everything here runs as the database superuser (the test databases have no role split): what
 * the roles add is shown by test/db/productionRoles.test.ts against the PostgreSQL server.
 */
const t = useTestApp();

// No `bind` without values: Sequelize would read the `$$` of a function body as an escaped `$`.
const q = <T extends object = Record<string, unknown>>(sql: string, bind?: unknown[]) =>
  sequelize().query<T>(sql, { bind, type: QueryTypes.SELECT });
const exec = (sql: string, bind?: unknown[]) => sequelize().query(sql, { bind });

/** A statement refused by an immutability trigger (SQLSTATE CB001), optionally naming `message`. */
async function expectLocked(work: Promise<unknown>, message?: RegExp): Promise<void> {
  const err = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { parent?: { code?: string; message?: string } } | undefined;
  expect(err?.parent?.code).toBe('CB001');
  if (message) expect(err?.parent?.message).toMatch(message);
}

/** Seals a case the way the archive will (its status set through the audited model). */
const seal = (id: string) => sealCase(id);

async function addHold(complaintId: string): Promise<string> {
  const [row] = await q<{ id: string }>(
    `INSERT INTO complaint_holds (complaint_id, stage, reason, started_at) VALUES ($1, 'intake', 'Chờ khách gửi ảnh', now()) RETURNING id`,
    [complaintId],
  );
  return row.id;
}

const stageOf = async (complaintId: string) => (await q<{ id: string }>('SELECT id FROM complaint_stages WHERE complaint_id = $1', [complaintId]))[0].id;

describe('complaints: a sealed entry (status archived) is locked', () => {
  it('allows UPDATE and DELETE before sealing, and the sealing UPDATE itself', async () => {
    const c = await buildComplaint();
    await exec(`UPDATE complaints SET subject = 'Sửa trước khi niêm phong' WHERE id = $1`, [c.id]);
    await seal(c.id);
    expect((await q<{ status: string; subject: string }>('SELECT status, subject FROM complaints WHERE id = $1', [c.id]))[0]).toEqual({
      status: 'archived',
      subject: 'Sửa trước khi niêm phong',
    });

    const open = await buildComplaint();
    await exec('DELETE FROM complaint_stages WHERE complaint_id = $1', [open.id]);
    await exec('DELETE FROM complaints WHERE id = $1', [open.id]);
    expect(await q('SELECT 1 FROM complaints WHERE id = $1', [open.id])).toHaveLength(0);
  });

  it('refuses UPDATE (un-sealing included) and DELETE once sealed, naming the table and the row', async () => {
    const c = await buildComplaint();
    await seal(c.id);
    await expectLocked(exec(`UPDATE complaints SET subject = 'x' WHERE id = $1`, [c.id]), new RegExp(`^UPDATE on complaints ${c.id} is refused: its status is archived$`));
    await expectLocked(exec(`UPDATE complaints SET status = 'closed', closed_at = now() WHERE id = $1`, [c.id]));
    await expectLocked(exec('DELETE FROM complaints WHERE id = $1', [c.id]), new RegExp(`^DELETE on complaints ${c.id}`));
    // A bulk statement is refused as a whole: the unsealed rows it touched are left as they were too.
    const other = await buildComplaint();
    await expectLocked(exec(`UPDATE complaints SET severity = 'high' WHERE id IN ($1, $2)`, [c.id, other.id]));
    expect((await q<{ severity: string }>('SELECT severity FROM complaints WHERE id = $1', [other.id]))[0].severity).toBe('medium');
  });

  it('refuses TRUNCATE always (locked rows or not)', async () => {
    await expectLocked(exec('TRUNCATE complaints CASCADE'), /^TRUNCATE on complaint/);
    await expectLocked(exec('TRUNCATE complaint_holds'), /^TRUNCATE on complaint_holds is refused/);
  });
});

describe('complaint_stages and complaint_holds: locked when their case is sealed', () => {
  it('allows UPDATE, INSERT and DELETE while the case is open', async () => {
    const c = await buildComplaint();
    const hold = await addHold(c.id);
    await exec(`UPDATE complaint_stages SET note = 'Đã gọi khách' WHERE complaint_id = $1`, [c.id]);
    await exec('UPDATE complaint_holds SET ended_at = now() WHERE id = $1', [hold]);
    await exec('DELETE FROM complaint_holds WHERE id = $1', [hold]);
    expect(await q('SELECT 1 FROM complaint_holds WHERE complaint_id = $1', [c.id])).toHaveLength(0);
  });

  it('refuses UPDATE and DELETE of a sealed case’s stages and holds, and adding to the case', async () => {
    const c = await buildComplaint();
    const hold = await addHold(c.id);
    const stage = await stageOf(c.id);
    await seal(c.id);
    await expectLocked(exec(`UPDATE complaint_stages SET note = 'x' WHERE id = $1`, [stage]), new RegExp(`^UPDATE on complaint_stages ${stage} is refused: its case ${c.id} is sealed$`));
    await expectLocked(exec('DELETE FROM complaint_stages WHERE id = $1', [stage]));
    await expectLocked(exec(`UPDATE complaint_holds SET reason = 'x' WHERE id = $1`, [hold]), new RegExp(`complaint_holds ${hold}`));
    await expectLocked(exec('DELETE FROM complaint_holds WHERE id = $1', [hold]));
    await expectLocked(addHold(c.id), /takes nothing new/);

    // Moving an open case's row into the sealed case is adding to it; moving one out is changing it.
    const open = await buildComplaint();
    const openHold = await addHold(open.id);
    await expectLocked(exec('UPDATE complaint_holds SET complaint_id = $1 WHERE id = $2', [c.id, openHold]), /takes nothing new/);
    await expectLocked(exec('UPDATE complaint_holds SET complaint_id = $1 WHERE id = $2', [open.id, hold]), /is sealed$/);
  });
});

describe('attach_lock_trigger: the other modes, on test-only tables', () => {
  beforeAll(async () => {
    await exec(`
      CREATE TABLE test_minutes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL, approved_at timestamptz, signed boolean NOT NULL DEFAULT false);
      SELECT attach_lock_trigger('test_minutes', 'column', 'approved_at');
      CREATE TABLE test_decisions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL, signed boolean NOT NULL DEFAULT false);
      SELECT attach_lock_trigger('test_decisions', 'column', 'signed');
      CREATE TABLE test_letters (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), state text NOT NULL DEFAULT 'draft', body text NOT NULL);
      CREATE FUNCTION test_letter_issued(r jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT r->>'state' IN ('issued', 'withdrawn') $$;
      SELECT attach_lock_trigger('test_letters', 'predicate', 'test_letter_issued');
      -- A record shared by several cases (an action answering several complaints).
      CREATE TABLE test_actions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL);
      CREATE TABLE test_action_cases (action_id uuid NOT NULL REFERENCES test_actions (id), complaint_id uuid NOT NULL REFERENCES complaints (id), PRIMARY KEY (action_id, complaint_id));
      SELECT attach_lock_trigger('test_actions', 'cases', 'test_action_cases', 'action_id', 'complaint_id');
      SELECT attach_lock_trigger('test_action_cases', 'case');
    `);
  });

  it('column (timestamp): editable until approved; the approving UPDATE is allowed; then neither changed, un-approved nor deleted', async () => {
    const [m] = await q<{ id: string }>(`INSERT INTO test_minutes (body) VALUES ('Biên bản họp') RETURNING id`);
    await exec(`UPDATE test_minutes SET body = 'Biên bản họp (sửa)' WHERE id = $1`, [m.id]);
    await exec(`UPDATE test_minutes SET body = 'Biên bản họp (chốt)', approved_at = now() WHERE id = $1`, [m.id]);
    await expectLocked(exec(`UPDATE test_minutes SET body = 'x' WHERE id = $1`, [m.id]), /is refused: it is locked \(approved_at is set\)$/);
    await expectLocked(exec('UPDATE test_minutes SET approved_at = NULL WHERE id = $1', [m.id]));
    await expectLocked(exec('DELETE FROM test_minutes WHERE id = $1', [m.id]));
    const [draft] = await q<{ id: string }>(`INSERT INTO test_minutes (body) VALUES ('Nháp') RETURNING id`);
    await exec('DELETE FROM test_minutes WHERE id = $1', [draft.id]);
    // Inserting an already approved row is not refused: the mode guards changes to what exists.
    await exec(`INSERT INTO test_minutes (body, approved_at) VALUES ('Đã duyệt', now())`);
  });

  it('column (boolean): false does not lock, true does', async () => {
    const [d] = await q<{ id: string }>(`INSERT INTO test_decisions (body) VALUES ('Quyết định') RETURNING id`);
    await exec(`UPDATE test_decisions SET body = 'Quyết định (sửa)' WHERE id = $1`, [d.id]);
    await exec('UPDATE test_decisions SET signed = true WHERE id = $1', [d.id]);
    await expectLocked(exec('UPDATE test_decisions SET signed = false WHERE id = $1', [d.id]));
    await expectLocked(exec('DELETE FROM test_decisions WHERE id = $1', [d.id]));
  });

  it('predicate: the function decides on OLD', async () => {
    const [l] = await q<{ id: string }>(`INSERT INTO test_letters (body) VALUES ('Thư trả lời') RETURNING id`);
    await exec(`UPDATE test_letters SET body = 'Thư trả lời (sửa)', state = 'issued' WHERE id = $1`, [l.id]);
    await expectLocked(exec(`UPDATE test_letters SET state = 'draft' WHERE id = $1`, [l.id]), /is refused: public\.test_letter_issued says it is locked$/);
    await expectLocked(exec('DELETE FROM test_letters WHERE id = $1', [l.id]));
    const [d] = await q<{ id: string }>(`INSERT INTO test_letters (body) VALUES ('Nháp') RETURNING id`);
    await exec('DELETE FROM test_letters WHERE id = $1', [d.id]);
  });

  it('cases: a shared record locks only when every case it answers is sealed', async () => {
    const [a, b] = [await buildComplaint(), await buildComplaint()];
    const [action] = await q<{ id: string }>(`INSERT INTO test_actions (title) VALUES ('Thay lô lõi lọc') RETURNING id`);
    await exec('INSERT INTO test_action_cases (action_id, complaint_id) VALUES ($1, $2), ($1, $3)', [action.id, a.id, b.id]);
    await exec(`UPDATE test_actions SET title = 'Thay lô lõi lọc L-77' WHERE id = $1`, [action.id]);

    await seal(a.id);
    // One of its two cases is sealed: the action still answers an open case and stays editable…
    await exec(`UPDATE test_actions SET title = 'Thay lô lõi lọc L-77 (xong)' WHERE id = $1`, [action.id]);
    // …but the sealed case's link to it is under a sealed case.
    await expectLocked(exec('DELETE FROM test_action_cases WHERE action_id = $1 AND complaint_id = $2', [action.id, a.id]));

    await seal(b.id);
    await expectLocked(exec(`UPDATE test_actions SET title = 'x' WHERE id = $1`, [action.id]), new RegExp(`^UPDATE on test_actions ${action.id} is refused: every case it answers is sealed$`));
    await expectLocked(exec('DELETE FROM test_actions WHERE id = $1', [action.id]));
    await expectLocked(exec('INSERT INTO test_action_cases (action_id, complaint_id) VALUES ($1, $2)', [action.id, b.id]));

    // An action answering no case, and one whose only case is open, are not locked.
    const [lone] = await q<{ id: string }>(`INSERT INTO test_actions (title) VALUES ('Chưa gắn hồ sơ') RETURNING id`);
    await exec(`UPDATE test_actions SET title = 'Chưa gắn (sửa)' WHERE id = $1`, [lone.id]);
    const open = await buildComplaint();
    await exec('INSERT INTO test_action_cases (action_id, complaint_id) VALUES ($1, $2)', [lone.id, open.id]);
    await exec(`UPDATE test_actions SET title = 'Gắn hồ sơ mở' WHERE id = $1`, [lone.id]);
    await exec('DELETE FROM test_action_cases WHERE action_id = $1', [lone.id]);
    await exec('DELETE FROM test_actions WHERE id = $1', [lone.id]);
  });

  it('refuses arguments that would lock nothing', async () => {
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'column', 'aproved_at')`)).rejects.toMatchObject({ parent: { code: '42703' } });
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'column')`)).rejects.toThrow(/name the column/);
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'case')`)).rejects.toThrow(/has no column complaint_id/);
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'case', 'body')`)).rejects.toThrow(/not a uuid column/);
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'predicate', 'no_such_fn')`)).rejects.toThrow(/no function no_such_fn\(jsonb\)/);
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'cases', 'test_action_cases', 'action_id')`)).rejects.toThrow(/name the link table/);
    await expect(exec(`SELECT attach_lock_trigger('test_minutes', 'sometimes')`)).rejects.toThrow(/unknown lock mode sometimes/);
    const triggers = await q<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'test_minutes'::regclass ORDER BY tgname`);
    expect(triggers.map((r) => r.tgname)).toEqual(['test_minutes_lock_column', 'test_minutes_lock_truncate']);
  });
});

describe('the API', () => {
  it('PATCH of a sealed entry is 409: the command refuses a finished entry before the database would', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint();
    await seal(c.id);
    const res = await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).set('If-Match', String(c.version)).send({ subject: 'Sửa sau niêm phong' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect((await q<{ subject: string }>('SELECT subject FROM complaints WHERE id = $1', [c.id]))[0].subject).toBe(c.subject);
  });

  it('renaming a customer refreshes the search of their open entries and leaves a sealed one as it was sealed', async () => {
    const { auth } = await signedIn(['quality']);
    const sealed = await buildComplaint();
    const open = await buildComplaint({ customerId: sealed.customerId });
    await seal(sealed.id);
    const customer = await t.request().get(`/api/v1/customers/${sealed.customerId}`).set(auth);
    const res = await t.request().patch(`/api/v1/customers/${sealed.customerId}`).set(auth).send({ name: 'Trần Thị Đổi Tên', version: customer.body.version });
    expect(res.status).toBe(200);
    const rows = await q<{ id: string; search_text: string }>('SELECT id, search_text FROM complaints WHERE id IN ($1, $2)', [sealed.id, open.id]);
    expect(rows.find((r) => r.id === open.id)!.search_text).toContain('tran thi doi ten');
    expect(rows.find((r) => r.id === sealed.id)!.search_text).not.toContain('doi ten');
  });

  it('maps the database’s refusal (CB001) to 409 immutable_record problem+json', async () => {
    // The app's own error handler and request context in front of a route that reaches the trigger.
    const app = express();
    app.use(requestContext);
    app.patch('/api/v1/test-sealed/:id', async (req, res) => {
      await transaction(() => sequelize().query(`UPDATE complaints SET subject = 'x' WHERE id = $1`, { bind: [req.params.id] }));
      res.json({ ok: true });
    });
    app.use(errorHandler(() => undefined));
    const c = await buildComplaint();
    expect((await request(app).patch(`/api/v1/test-sealed/${c.id}`)).status).toBe(200);
    await seal(c.id);
    const res = await request(app).patch(`/api/v1/test-sealed/${c.id}`);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'immutable_record', type: '/problems/immutable_record', detail: 'This record is sealed and cannot be changed.' });
  });
});

describe('disposal: the one way past the lock', () => {
  // The event's body, signature, salt and content: dispose_case_content's arguments after the id.
  const disposalBody = (complaintId: string, action = 'complaint.disposed', meta: object = { reason: 'retention_ended' }) =>
    asActor(async () => auditAppendArgs({ action, entityType: 'Complaint', entityId: complaintId, meta }).slice(1));

  it('setting casebook.disposal by hand does not unlock anything, not even for the superuser', async () => {
    const c = await buildComplaint();
    await seal(c.id);
    await expectLocked(
      sequelize().transaction(async (tx) => {
        await sequelize().query(`SET LOCAL casebook.disposal = '${c.id}'`, { transaction: tx });
        await sequelize().query(`UPDATE complaints SET description = '' WHERE id = $1`, { bind: [c.id], transaction: tx });
      }),
    );
    // Nor from another SECURITY DEFINER function that sets it: only dispose_case_content's stack counts.
    await exec(`
      CREATE FUNCTION test_fake_disposal(p uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        PERFORM set_config('casebook.disposal', p::text, true);
        UPDATE complaints SET description = '' WHERE id = p;
      END $$`);
    await expectLocked(exec('SELECT test_fake_disposal($1)', [c.id]));
  });

  it('dispose_case_content purges a sealed case’s content through the lock and appends its audit event', async () => {
    const c = await buildComplaint();
    const hold = await addHold(c.id);
    await exec(`UPDATE complaint_stages SET note = 'Khách: Nguyễn Văn A, 0912…' WHERE complaint_id = $1`, [c.id]);
    await seal(c.id);
    const body = await disposalBody(c.id, 'complaint.disposed', await readyForDisposal(c.id));

    await sequelize().transaction(async (tx) => {
      const [{ seq }] = await sequelize().query<{ seq: number }>('SELECT dispose_case_content($1, $2, $3, $4, $5) AS seq', { bind: [c.id, ...body], type: QueryTypes.SELECT, transaction: tx });
      expect(seq).toBe(3);
      // The bypass ended with the function, even inside the same transaction.
      const [{ flag }] = await sequelize().query<{ flag: string | null }>(`SELECT current_setting('casebook.disposal', true) AS flag`, { type: QueryTypes.SELECT, transaction: tx });
      expect(flag ?? '').toBe('');
      await sequelize().query('SAVEPOINT after_disposal', { transaction: tx });
      await expectLocked(sequelize().query(`UPDATE complaints SET subject = 'again' WHERE id = $1`, { bind: [c.id], transaction: tx }));
      await sequelize().query('ROLLBACK TO SAVEPOINT after_disposal', { transaction: tx });
    });

    const [after] = await q<Record<string, unknown>>('SELECT status, subject, description, search_text, reference FROM complaints WHERE id = $1', [c.id]);
    expect(after).toEqual({ status: 'archived', subject: '', description: '', search_text: '', reference: c.reference });
    expect((await q<{ note: string | null }>('SELECT note FROM complaint_stages WHERE complaint_id = $1', [c.id])).map((r) => r.note)).toEqual([null]);
    expect((await q<{ reason: string }>('SELECT reason FROM complaint_holds WHERE id = $1', [hold]))[0].reason).toBe('');
    // Still sealed afterwards.
    await expectLocked(exec(`UPDATE complaints SET subject = 'x' WHERE id = $1`, [c.id]));

    const events = await q<{ action: string; seq: number }>(`SELECT action, seq FROM audit_events WHERE chain_key = $1 ORDER BY seq`, [`Complaint:${c.id}`]);
    expect(events.map((e) => e.action)).toEqual(['complaint.created', 'complaint.archived', 'complaint.disposed']);
    // The case's chains verify; its one finding is the hold this test inserted by hand, outside the
    // app (the database also holds this file's earlier tampering, with other cases).
    const ours = new Set(
      (await q<{ key: string; id: string }>(`SELECT chain_key AS key, id::text AS id FROM audit_events WHERE complaint_id = $1`, [c.id])).flatMap((e) => [e.key, e.id]),
    );
    ours.add(`ComplaintHold:${hold}`);
    const findings = (await verifyAuditTrail()).failures.filter((f) => ours.has(f.id) || f.id.includes(c.id));
    expect(findings).toEqual([{ id: `ComplaintHold:${hold}`, reason: expect.stringMatching(/no audit trail/) }]);
  });

  it('refuses a case that is not sealed and an audit event that is not this case’s disposal', async () => {
    const open = await buildComplaint();
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [open.id, ...(await disposalBody(open.id))])).rejects.toMatchObject({ parent: { code: '55000' } });
    const sealed = await buildComplaint();
    await seal(sealed.id);
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [sealed.id, ...(await disposalBody(open.id))])).rejects.toMatchObject({ parent: { code: '22023' } });
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [sealed.id, ...(await disposalBody(sealed.id, 'complaint.updated'))])).rejects.toMatchObject({ parent: { code: '22023' } });
    // The database's own checks: an archive, a disposal approved by a second person and named by the event, not held.
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [sealed.id, ...(await disposalBody(sealed.id))])).rejects.toMatchObject({ parent: { message: expect.stringMatching(/has no archive/) } });
    const meta = await readyForDisposal(sealed.id);
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [sealed.id, ...(await disposalBody(sealed.id))])).rejects.toMatchObject({ parent: { code: '22023', message: expect.stringMatching(/approved disposal/) } });
    await exec(`UPDATE archives SET legal_hold = true, legal_hold_reason = 'Tranh chấp', legal_hold_at = now() WHERE complaint_id = $1`, [sealed.id]);
    await expect(exec('SELECT dispose_case_content($1, $2, $3, $4, $5)', [sealed.id, ...(await disposalBody(sealed.id, 'complaint.disposed', meta))])).rejects.toMatchObject({ parent: { code: '55000', message: expect.stringMatching(/legal hold/) } });
    expect((await q<{ subject: string }>('SELECT subject FROM complaints WHERE id = $1', [sealed.id]))[0].subject).toBe(sealed.subject);
  });
});
