import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { useTestApp } from '../support/app';
import { buildComplaint, sealCase, signedIn } from '../support/factories';
import { PNG, uploadVia } from './helpers';

const t = useTestApp();
const withdraw = (auth: Record<string, string>, id: string, body: unknown) => t.request().post(`/api/v1/evidence/${id}/withdraw`).set(auth).send(body as object);

describe('POST /evidence/:id/withdraw', () => {
  it('marks the evidence withdrawn with its reason: still listed and readable, audited on the case; a second time is 409', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const up = await uploadVia(t.app, quality.auth, c.id, 'nham-file.png', PNG);
    expect(up.status).toBe(201);
    const res = await withdraw(quality.auth, up.body.id, { reason: 'Tải nhầm ảnh của hồ sơ khác.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: up.body.id, withdrawn: true, withdrawalReason: 'Tải nhầm ảnh của hồ sơ khác.', withdrawnBy: { id: quality.user.id, name: quality.user.name }, withdrawnAt: expect.any(String) });

    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth);
    expect(detail.body.evidence).toEqual([expect.objectContaining({ id: up.body.id, withdrawn: true })]);
    expect((await t.request().get(`/api/v1/evidence/${up.body.id}/content`).set(quality.auth)).status).toBe(200);

    const again = await withdraw(quality.auth, up.body.id, { reason: 'Lần nữa' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    const events = await sequelize().query<{ action: string; complaint_id: string; op: string }>(
      `SELECT action, complaint_id, op FROM audit_events WHERE entity_type = 'Evidence' AND entity_id = $1 ORDER BY seq`,
      { bind: [up.body.id], type: QueryTypes.SELECT },
    );
    expect(events).toEqual([
      { action: 'evidence.uploaded', complaint_id: c.id, op: 'create' },
      { action: 'evidence.withdrawn', complaint_id: c.id, op: 'update' },
    ]);
  });

  it('403 for a role that may not withdraw (before 404 and 409), 400 without a reason, 404 for unknown evidence', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const up = await uploadVia(t.app, quality.auth, c.id, 'a.png', PNG);
    for (const role of ['dept_head', 'intake', 'cs_director', 'auditor', 'sysadmin'] as const) {
      const who = await signedIn([role]);
      expect({ role, status: (await withdraw(who.auth, up.body.id, { reason: 'x' })).status }).toEqual({ role, status: 403 });
      expect((await withdraw(who.auth, '00000000-0000-4000-8000-000000000000', { reason: 'x' })).status).toBe(403);
    }
    expect((await t.request().post(`/api/v1/evidence/${up.body.id}/withdraw`).send({ reason: 'x' })).status).toBe(401);
    const none = await withdraw(quality.auth, up.body.id, {});
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'reason' }] });
    expect((await withdraw(quality.auth, up.body.id, { reason: '   ' })).status).toBe(400);
    expect((await withdraw(quality.auth, '00000000-0000-4000-8000-000000000000', { reason: 'x' })).status).toBe(404);
    // Withdrawn already: the forbidden role still learns only 403.
    expect((await withdraw(quality.auth, up.body.id, { reason: 'Sai hồ sơ' })).status).toBe(200);
    expect((await withdraw((await signedIn(['dept_head'])).auth, up.body.id, { reason: 'x' })).status).toBe(403);
  });

  it('a sealed case takes no new evidence and its evidence cannot be withdrawn: 409 immutable_record', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const up = await uploadVia(t.app, quality.auth, c.id, 'a.png', PNG);
    await sealCase(c.id);
    const res = await withdraw(quality.auth, up.body.id, { reason: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('immutable_record');
    const late = await uploadVia(t.app, quality.auth, c.id, 'b.png', PNG);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('immutable_record');
  });
});

describe('the audit trail of evidence', () => {
  it('verifies (every evidence record replayed from its trail) and names a row changed behind the application', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const kept = await uploadVia(t.app, quality.auth, c.id, 'giu-lai.png', PNG);
    const gone = await uploadVia(t.app, quality.auth, c.id, 'rut-lai.txt', Buffer.from('ghi chú'));
    expect((await withdraw(quality.auth, gone.body.id, { reason: 'Không liên quan' })).status).toBe(200);
    const report = await verifyAuditTrail();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);

    // The superuser bypasses the triggers and edits the description: the replay names the record and the field.
    await sequelize().transaction(async (tx) => {
      await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: tx });
      await sequelize().query(`UPDATE evidence SET description = 'đã sửa' WHERE id = $1`, { bind: [kept.body.id], transaction: tx });
    });
    const tampered = await verifyAuditTrail();
    expect(tampered.failures).toContainEqual({ id: `Evidence:${kept.body.id}`, reason: expect.stringContaining('description') });
  });
});
