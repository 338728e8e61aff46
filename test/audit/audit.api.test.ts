import request from 'supertest';
import { csrfFrom, useTestApp } from '../support/app';
import { buildUser, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();

describe('GET /api/v1/audit-events', () => {
  it('lets an auditor filter by entity, actor, action and time, newest first, with keyset pages', async () => {
    const admin = await signedIn(['sysadmin']);
    const created: string[] = [];
    for (const code of ['AU1', 'AU2', 'AU3']) {
      const res = await t.request().post('/api/v1/departments').set(admin.auth).send({ code, name: `Phòng ${code}` });
      created.push(res.body.id);
    }
    const { auth } = await signedIn(['auditor']);
    const page1 = await t.request().get('/api/v1/audit-events').query({ entityType: 'Department', actorId: admin.user.id, action: 'department.created', limit: 2 }).set(auth);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((e: { entityId: string }) => e.entityId)).toEqual([created[2], created[1]]);
    expect(page1.body.items[0]).toMatchObject({ actor: { id: admin.user.id, roles: ['sysadmin'] }, chain: { seq: 1 } });
    const page2 = await t.request().get('/api/v1/audit-events').query({ entityType: 'Department', actorId: admin.user.id, action: 'department.created', limit: 2, cursor: page1.body.nextCursor }).set(auth);
    expect(page2.body.items.map((e: { entityId: string }) => e.entityId)).toEqual([created[0]]);
    expect(page2.body.nextCursor).toBeNull();
    const byEntity = await t.request().get('/api/v1/audit-events').query({ entityId: created[1] }).set(auth);
    expect(byEntity.body.items).toHaveLength(1);
    const future = await t.request().get('/api/v1/audit-events').query({ from: '2099-01-01' }).set(auth);
    expect(future.body.items).toEqual([]);
    const today = await t.request().get('/api/v1/audit-events').query({ to: new Date(Date.now() + 60_000).toISOString(), entityId: created[0] }).set(auth);
    expect(today.body.items).toHaveLength(1);
  });

  it('answers 400 for bad filters, 401 anonymous, 403 for roles that are not auditors (and audits that)', async () => {
    const { auth } = await signedIn(['auditor']);
    for (const query of [{ from: '2026-02-30' }, { actorId: 'nope' }, { limit: '0' }, { cursor: 'x' }, { unknown: '1' }]) {
      const res = await t.request().get('/api/v1/audit-events').query(query).set(auth);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await t.request().get('/api/v1/audit-events')).status).toBe(401);
    const sysadmin = await signedIn(['sysadmin']);
    expect((await t.request().get('/api/v1/audit-events').set(sysadmin.auth)).status).toBe(403);
    const denials = await t.request().get('/api/v1/audit-events').query({ action: 'permission.denied', actorId: sysadmin.user.id }).set(auth);
    expect(denials.body.items[0]).toMatchObject({ entityType: 'AuditEvent', meta: { action: 'read' } });
  });

  it('GET /audit-events/verify reports an intact trail', async () => {
    const { auth } = await signedIn(['auditor']);
    const res = await t.request().get('/api/v1/audit-events/verify').set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, failures: [] });
    expect(res.body.checked).toBeGreaterThan(0);
  });
});

describe('auditor pages', () => {
  it('browses and filters the trail and runs a verification', async () => {
    const auditor = await buildUser({ roles: ['auditor'], name: 'Bùi Thị Mai' });
    const agent = request.agent(t.app);
    const login = await agent.get('/login');
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), email: auditor.email, password: TEST_PASSWORD });
    const page = await agent.get('/audit').query({ action: 'auth.login', actorId: auditor.id });
    expect(page.status).toBe(200);
    expect(page.text).toContain('auth.login');
    expect(page.text).toContain('data-testid="audit-table"');
    // The footer's language link is not a filter.
    const english = await agent.get('/audit').query({ action: 'auth.login', lang: 'en' });
    expect(english.status).toBe(200);
    expect(english.text).toContain('<html lang="en"');
    const bad = await agent.get('/audit').query({ from: 'hôm qua', lang: 'vi' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    const verify = await agent.get('/audit/verify');
    expect(verify.text).toContain('Nhật ký toàn vẹn');
    const fragment = await agent.get('/audit/verify').set('HX-Request', 'true');
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('data-testid="verify-result"');
  });
});
