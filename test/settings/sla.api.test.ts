import { AuditEvent, SlaPolicy } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildCustomer, entryBody, signedIn } from '../support/factories';

const t = useTestApp();

const find = (stage: string, severity: string | null, tier: string | null) => SlaPolicy.findOne({ where: { stage, severity, tier } });

const entry = (customerId: string, extra: Record<string, unknown> = {}) => entryBody(customerId, { severity: 'critical', ...extra });

describe('GET /api/v1/sla-policies', () => {
  it('lists the table in stage order, each default first and marked', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().get('/api/v1/sla-policies').set(auth);
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ stage: string; severity: string | null; tier: string | null; targetMinutes: number; mode: string; isDefault: boolean }>;
    expect(items.filter((p) => p.isDefault).map((p) => [p.stage, p.targetMinutes, p.mode])).toEqual([
      ['intake', 60, 'exact'],
      ['investigation', 720, 'exact'],
      ['solution', 240, 'exact'],
      ['review', 240, 'exact'],
      ['response', 240, 'exact'],
      ['follow_up', 10080, 'calendar_days'],
    ]);
    expect(items[0]).toMatchObject({ stage: 'intake', severity: null, tier: null, isDefault: true });
    expect(items[1]).toMatchObject({ stage: 'intake', severity: 'critical', tier: 'vip', targetMinutes: 15, isDefault: false });
  });

  it('answers 401 without credentials and 403 to other roles', async () => {
    expect((await t.request().get('/api/v1/sla-policies')).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    const res = await t.request().get('/api/v1/sla-policies').set(auth);
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
  });
});

describe('POST /api/v1/sla-policies', () => {
  it('adds a target for a severity, audited with the actor', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'investigation', severity: 'high', targetMinutes: 480, mode: 'business' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/sla-policies/${res.body.id}`);
    expect(res.body).toMatchObject({ stage: 'investigation', severity: 'high', tier: null, targetMinutes: 480, mode: 'business', isDefault: false, version: 0 });
    const event = await AuditEvent.findOne({ where: { entityType: 'SlaPolicy', entityId: res.body.id, action: 'sla_policy.created' } });
    expect(event!.actorId).toBe(user.id);
    expect((event!.changes as { after: Record<string, unknown> }).after).toMatchObject({ stage: 'investigation', severity: 'high', tier: null, targetMinutes: 480 });
  });

  it.each([
    ['an unknown stage', { stage: 'closed', targetMinutes: 60, mode: 'exact' }, 'stage'],
    ['an unknown severity', { stage: 'intake', severity: 'urgent', targetMinutes: 60, mode: 'exact' }, 'severity'],
    ['an unknown tier', { stage: 'intake', tier: 'gold', targetMinutes: 60, mode: 'exact' }, 'tier'],
    ['a zero target', { stage: 'intake', tier: 'loyal', targetMinutes: 0, mode: 'exact' }, 'targetMinutes'],
    ['a target over a year', { stage: 'intake', tier: 'loyal', targetMinutes: 525_601, mode: 'exact' }, 'targetMinutes'],
    ['a fractional target', { stage: 'intake', tier: 'loyal', targetMinutes: 1.5, mode: 'exact' }, 'targetMinutes'],
    ['a target given as text', { stage: 'intake', tier: 'loyal', targetMinutes: '60', mode: 'exact' }, 'targetMinutes'],
    ['an unknown mode', { stage: 'intake', tier: 'loyal', targetMinutes: 60, mode: 'weekdays' }, 'mode'],
    ['calendar days that are not whole days', { stage: 'follow_up', tier: 'vip', targetMinutes: 2000, mode: 'calendar_days' }, 'targetMinutes'],
    ['an unknown field', { stage: 'intake', tier: 'loyal', targetMinutes: 60, mode: 'exact', priority: 1 }, '(body)'],
  ])('answers 400 for %s and adds nothing', async (_what, body, path) => {
    const { auth } = await signedIn(['sysadmin']);
    const before = await SlaPolicy.count();
    const res = await t.request().post('/api/v1/sla-policies').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await SlaPolicy.count()).toBe(before);
  });

  it('accepts whole calendar days', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'follow_up', severity: 'critical', targetMinutes: 3 * 1440, mode: 'calendar_days' });
    expect(res.status).toBe(201);
  });

  it('answers 409 for a second row with the same stage, severity and tier (a default included)', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const dup = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'intake', severity: 'critical', tier: 'vip', targetMinutes: 5, mode: 'exact' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('conflict');
    const defaultDup = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'review', severity: null, tier: null, targetMinutes: 5, mode: 'exact' });
    expect(defaultDup.status).toBe(409);
    expect(await SlaPolicy.count({ where: { stage: 'intake', severity: 'critical', tier: 'vip' } })).toBe(1);
  });

  it('answers 401 and 403 (audited) and adds nothing', async () => {
    const before = await SlaPolicy.count();
    expect((await t.request().post('/api/v1/sla-policies').send({ stage: 'intake', tier: 'new', targetMinutes: 30, mode: 'exact' })).status).toBe(401);
    const { auth, user } = await signedIn(['quality', 'cs_director']);
    const res = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'intake', tier: 'new', targetMinutes: 30, mode: 'exact' });
    expect(res.status).toBe(403);
    expect(await AuditEvent.count({ where: { action: 'permission.denied', actorId: user.id, entityType: 'SlaPolicy' } })).toBe(1);
    expect(await SlaPolicy.count()).toBe(before);
  });
});

describe('PATCH /api/v1/sla-policies/:id', () => {
  it('changes a target with If-Match, audits before/after and bumps the version', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const policy = (await find('solution', null, null))!;
    const res = await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(auth).set('If-Match', String(policy.version)).send({ targetMinutes: 300, mode: 'business' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ targetMinutes: 300, mode: 'business', version: policy.version + 1, isDefault: true });
    const event = await AuditEvent.findOne({ where: { entityId: policy.id, action: 'sla_policy.updated' } });
    expect(event!.changes).toEqual({ before: { targetMinutes: 240, mode: 'exact' }, after: { targetMinutes: 300, mode: 'business' } });
  });

  it('answers 409 for a stale version and changes nothing', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const policy = (await find('review', null, null))!;
    const res = await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(auth).send({ targetMinutes: 30, version: policy.version + 3 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect((await SlaPolicy.findByPk(policy.id))!.targetMinutes).toBe(policy.targetMinutes);
  });

  it("keeps a default row's key: moving it to a severity or tier is 409", async () => {
    const { auth } = await signedIn(['sysadmin']);
    const policy = (await find('response', null, null))!;
    expect((await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(auth).send({ severity: 'low', version: policy.version })).status).toBe(409);
    expect((await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(auth).send({ stage: 'review', version: policy.version })).status).toBe(409);
    // Sending the same key back is not a change.
    expect((await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(auth).send({ stage: 'response', severity: null, tier: null, targetMinutes: 180, version: policy.version })).status).toBe(200);
  });

  it('answers 400 when the merged target is not whole calendar days, and 409 when moved onto another row', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const followUp = (await find('follow_up', null, null))!;
    const bad = await t.request().patch(`/api/v1/sla-policies/${followUp.id}`).set(auth).send({ targetMinutes: 1000, version: followUp.version });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('targetMinutes');
    const vipInvestigation = (await find('investigation', 'critical', 'vip'))!;
    const toDays = await t.request().patch(`/api/v1/sla-policies/${vipInvestigation.id}`).set(auth).send({ mode: 'calendar_days', version: vipInvestigation.version });
    expect(toDays.status).toBe(400);
    const vipReview = (await find('review', 'critical', 'vip'))!;
    const clash = await t.request().patch(`/api/v1/sla-policies/${vipReview.id}`).set(auth).send({ severity: null, tier: null, version: vipReview.version });
    expect(clash.status).toBe(409);
  });

  it('answers 404 for an unknown id, 401 without credentials, 403 for quality', async () => {
    const { auth } = await signedIn(['sysadmin']);
    expect((await t.request().patch('/api/v1/sla-policies/00000000-0000-4000-8000-000000000000').set(auth).send({ targetMinutes: 5, version: 0 })).status).toBe(404);
    const policy = (await find('intake', null, null))!;
    expect((await t.request().patch(`/api/v1/sla-policies/${policy.id}`).send({ targetMinutes: 5, version: policy.version })).status).toBe(401);
    const quality = await signedIn(['quality']);
    expect((await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(quality.auth).send({ targetMinutes: 5, version: policy.version })).status).toBe(403);
    expect((await SlaPolicy.findByPk(policy.id))!.targetMinutes).toBe(policy.targetMinutes);
  });
});

describe('DELETE /api/v1/sla-policies/:id', () => {
  it('removes a severity/tier row (audited with the row as it was) but never a stage default', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const created = await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'solution', tier: 'negative', targetMinutes: 120, mode: 'exact' });
    const stale = await t.request().delete(`/api/v1/sla-policies/${created.body.id}`).set(auth).set('If-Match', '7');
    expect(stale.status).toBe(409);
    const res = await t.request().delete(`/api/v1/sla-policies/${created.body.id}`).set(auth).set('If-Match', '0');
    expect(res.status).toBe(204);
    expect(await SlaPolicy.findByPk(created.body.id)).toBeNull();
    const event = await AuditEvent.findOne({ where: { entityId: created.body.id, action: 'sla_policy.deleted' } });
    expect((event!.changes as { before: Record<string, unknown> }).before).toMatchObject({ stage: 'solution', tier: 'negative', targetMinutes: 120 });
    expect((await t.request().delete(`/api/v1/sla-policies/${created.body.id}`).set(auth)).status).toBe(404);

    const stageDefault = (await find('intake', null, null))!;
    const refused = await t.request().delete(`/api/v1/sla-policies/${stageDefault.id}`).set(auth);
    expect(refused.status).toBe(409);
    expect(await SlaPolicy.findByPk(stageDefault.id)).not.toBeNull();
  });

  it('answers 401 and 403', async () => {
    const policy = (await find('intake', 'critical', 'vip'))!;
    expect((await t.request().delete(`/api/v1/sla-policies/${policy.id}`)).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await t.request().delete(`/api/v1/sla-policies/${policy.id}`).set(auth)).status).toBe(403);
    expect(await SlaPolicy.findByPk(policy.id)).not.toBeNull();
  });
});

describe('the effect on new complaints', () => {
  it("a changed (critical, VIP) intake target is the next VIP critical complaint's acknowledgment due", async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const vip = await buildCustomer({ type: 'company', tier: 'vip' });
    const before = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(vip.id));
    expect(before.body.due.acknowledgeAt).toBe('2026-11-02T03:15:00.000Z'); // 15 min, as preloaded

    const policy = (await find('intake', 'critical', 'vip'))!;
    const patched = await t.request().patch(`/api/v1/sla-policies/${policy.id}`).set(admin.auth).send({ targetMinutes: 40, version: policy.version });
    expect(patched.status).toBe(200);

    const after = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(vip.id));
    expect(after.status).toBe(201);
    expect(after.body.due.acknowledgeAt).toBe('2026-11-02T03:40:00.000Z');
    expect(after.body.due.stageAt).toBe('2026-11-02T03:40:00.000Z');
    // Other severities keep the stage default.
    const medium = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(vip.id, { severity: 'medium' }));
    expect(medium.body.due.acknowledgeAt).toBe('2026-11-02T04:00:00.000Z');
  });

  it('a new tier row applies to that tier; removing it falls back to the default', async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const agent = await buildCustomer({ type: 'company', tier: 'agent_1' });
    const created = await t.request().post('/api/v1/sla-policies').set(admin.auth).send({ stage: 'intake', tier: 'agent_1', targetMinutes: 2 * 60, mode: 'exact' });
    expect(created.status).toBe(201);
    const withRow = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(agent.id, { severity: 'low' }));
    expect(withRow.body.due.acknowledgeAt).toBe('2026-11-02T05:00:00.000Z');
    expect((await t.request().delete(`/api/v1/sla-policies/${created.body.id}`).set(admin.auth)).status).toBe(204);
    const without = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(agent.id, { severity: 'low' }));
    expect(without.body.due.acknowledgeAt).toBe('2026-11-02T04:00:00.000Z');
  });
});
