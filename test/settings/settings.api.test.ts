import { transaction } from '../../src/db';
import { countAuditEvents } from '../support/audit';
import { AuditEvent, Setting } from '../../src/models';
import { invalidatePolicyCache } from '../../src/queries/policy';
import { asActor } from '../support/context';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, buildUser, signedIn } from '../support/factories';

const t = useTestApp();

const put = (key: string, body: unknown, auth: Record<string, string>) => t.request().put(`/api/v1/settings/${key}`).set(auth).send(body as object);

describe('GET /api/v1/settings', () => {
  it('shows the recurrence setting and the business hours with their versions', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().get('/api/v1/settings').set(auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { key: 'recurrence', value: { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] }, version: 0, updatedAt: expect.any(String) },
      { key: 'business_hours', value: { start: '08:00', end: '17:00' }, version: 0, updatedAt: expect.any(String) },
    ]);
  });

  it('answers 401 without credentials and 403 for quality', async () => {
    expect((await t.request().get('/api/v1/settings')).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await t.request().get('/api/v1/settings').set(auth)).status).toBe(403);
  });
});

describe('PUT /api/v1/settings/:key', () => {
  it('sets the recurrence period and criteria (stored in a fixed order, without repeats), audited', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const res = await put('recurrence', { value: { periodDays: 60, match: ['supplier', 'customer', 'supplier'] }, version: 0 }, auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'recurrence', value: { periodDays: 60, match: ['customer', 'supplier'] }, version: 1 });
    const event = await AuditEvent.findOne({ where: { entityType: 'Setting', action: 'setting.updated', actorId: user.id } });
    expect(event).not.toBeNull();
    expect(event!.entityId).toBe('recurrence');
    expect(event!.meta).toEqual({ key: 'recurrence' });
    expect(event!.changes).toEqual({
      before: { value: { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] } },
      after: { value: { periodDays: 60, match: ['customer', 'supplier'] } },
    });
    // Put it back for the tests below.
    expect((await put('recurrence', { value: { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] } }, auth)).status).toBe(200);
  });

  it('sets the business hours with If-Match', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const current = (await Setting.findByPk('business_hours'))!;
    const res = await t.request().put('/api/v1/settings/business_hours').set(auth).set('If-Match', String(current.version)).send({ value: { start: '07:30', end: '16:30' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ value: { start: '07:30', end: '16:30' }, version: current.version + 1 });
    expect(await countAuditEvents({ entityType: 'Setting', action: 'setting.updated' }, { key: 'business_hours' })).toBe(1);
    await put('business_hours', { value: { start: '08:00', end: '17:00' } }, auth).expect(200);
  });

  it.each([
    ['recurrence', 'a zero period', { value: { periodDays: 0, match: ['customer'] } }, 'value.periodDays'],
    ['recurrence', 'a period over ten years', { value: { periodDays: 3651, match: ['customer'] } }, 'value.periodDays'],
    ['recurrence', 'a fractional period', { value: { periodDays: 1.5, match: ['customer'] } }, 'value.periodDays'],
    ['recurrence', 'no criterion', { value: { periodDays: 30, match: [] } }, 'value.match'],
    ['recurrence', 'an unknown criterion', { value: { periodDays: 30, match: ['colour'] } }, 'value.match.0'],
    ['recurrence', 'the category, which is no criterion', { value: { periodDays: 30, match: ['customer', 'category'] } }, 'value.match.1'],
    ['recurrence', 'no value', { periodDays: 30 }, 'value'],
    ['business_hours', 'an hour without a leading zero', { value: { start: '8:00', end: '17:00' } }, 'value.start'],
    ['business_hours', 'hour 24', { value: { start: '08:00', end: '24:00' } }, 'value.end'],
    ['business_hours', 'an end before the start', { value: { start: '17:00', end: '08:00' } }, 'value.end'],
    ['business_hours', 'an empty day', { value: { start: '09:00', end: '09:00' } }, 'value.end'],
    ['business_hours', 'an extra field', { value: { start: '08:00', end: '17:00', lunch: '12:00' } }, 'value'],
  ])('answers 400 for %s: %s, and changes nothing', async (key, _what, body, path) => {
    const { auth } = await signedIn(['sysadmin']);
    const before = (await Setting.findByPk(key))!;
    const res = await put(key, body, auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await Setting.findByPk(key))!.toJSON()).toMatchObject({ value: before.value, version: before.version });
  });

  it('answers 409 for a stale version and 404 for an unknown key', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await put('recurrence', { value: { periodDays: 30, match: ['customer'] }, version: 42 }, auth);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect((await put('retention', { value: {} }, auth)).status).toBe(404);
  });

  it('creates a known setting whose row is missing (version 0 expected), audited as created', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const current = (await Setting.findByPk('business_hours'))!;
    await asActor(() => transaction(() => current.destroy()));
    expect((await t.request().get('/api/v1/settings').set(auth)).body.items.map((s: { key: string }) => s.key)).toEqual(['recurrence']);
    expect((await put('business_hours', { value: { start: '08:00', end: '17:00' }, version: 3 }, auth)).status).toBe(409);
    const res = await put('business_hours', { value: { start: '08:00', end: '17:00' }, version: 0 }, auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'business_hours', value: { start: '08:00', end: '17:00' }, version: 0 });
    expect(await countAuditEvents({ entityType: 'Setting', action: 'setting.created' }, { key: 'business_hours' })).toBe(1);
  });

  it('answers 401 and 403 and changes nothing', async () => {
    const body = { value: { periodDays: 7, match: ['customer'] } };
    expect((await t.request().put('/api/v1/settings/recurrence').send(body)).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await put('recurrence', body, auth)).status).toBe(403);
    expect(((await Setting.findByPk('recurrence'))!.value as { periodDays: number }).periodDays).toBe(90);
  });
});

describe('the effect on new complaints', () => {
  it('the recurrence flag follows the configured period and criteria', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const by = await buildUser({ roles: ['intake'] });
    const customer = await buildCustomer();
    const first = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-11-02T03:00:00Z'), incidentDate: '2026-11-01', productRef: 'MLN-100' }, by);
    expect(first.recurring).toBe(false);

    // Same customer 18 days later: not recurring with a 10-day period …
    await put('recurrence', { value: { periodDays: 10, match: ['customer'] } }, auth).expect(200);
    const second = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-11-20T03:00:00Z'), incidentDate: '2026-11-19', productRef: 'MLN-200' }, by);
    expect(second.recurring).toBe(false);

    // … recurring with a 30-day one, listing the earlier entries.
    await put('recurrence', { value: { periodDays: 30, match: ['customer'] } }, auth).expect(200);
    const third = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-11-21T03:00:00Z'), incidentDate: '2026-11-20', productRef: 'MLN-300' }, by);
    expect(third.recurring).toBe(true);
    expect(third.recurrence).toMatchObject({ periodDays: 30, matchedBy: ['customer'] });
    expect(third.recurrence!.earlier.map((e) => e.reference)).toEqual([second.reference, first.reference]);

    // Matching by product only: another customer's complaint about MLN-100 recurs, one about a new product does not.
    await put('recurrence', { value: { periodDays: 30, match: ['product'] } }, auth).expect(200);
    const other = await buildCustomer();
    const sameProduct = await buildComplaint({ customerId: other.id, receivedAt: new Date('2026-11-22T03:00:00Z'), incidentDate: '2026-11-21', productRef: 'MLN-100' }, by);
    expect(sameProduct.recurring).toBe(true);
    expect(sameProduct.recurrence).toMatchObject({ matchedBy: ['product'], earlier: [{ reference: first.reference }] });
    const newProduct = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-11-22T04:00:00Z'), incidentDate: '2026-11-21', productRef: 'MLN-999' }, by);
    expect(newProduct.recurring).toBe(false);
  });

  it('ignores `category` in a setting stored before it stopped counting: no recurrence by category, the rest still matches', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const by = await buildUser({ roles: ['intake'] });
    const stored = (await Setting.findByPk('recurrence'))!;
    await asActor(() => transaction(async () => stored.update({ value: { periodDays: 30, match: ['category', 'lot'] } })));
    invalidatePolicyCache();
    const listed = (await t.request().get('/api/v1/settings').set(auth)).body.items.find((s: { key: string }) => s.key === 'recurrence');
    expect(listed.value).toEqual({ periodDays: 30, match: ['lot'] });

    const first = await buildComplaint({ receivedAt: new Date('2026-09-01T03:00:00Z'), incidentDate: '2026-08-31', lotRef: 'L-501' }, by);
    const sameCategory = await buildComplaint({ receivedAt: new Date('2026-09-02T03:00:00Z'), incidentDate: '2026-09-01' }, by);
    expect(sameCategory.recurring).toBe(false);
    const sameLot = await buildComplaint({ receivedAt: new Date('2026-09-03T03:00:00Z'), incidentDate: '2026-09-02', lotRef: 'L-501' }, by);
    expect(sameLot.recurrence).toMatchObject({ periodDays: 30, matchedBy: ['lot'], earlier: [{ id: first.id, matchedBy: ['lot'], lotRef: 'L-501' }] });

    // Only the category: nothing counts as recurring any more (and the settings form shows nothing ticked).
    await asActor(() => transaction(async () => stored.reload().then((s) => s.update({ value: { periodDays: 30, match: ['category'] } }))));
    invalidatePolicyCache();
    const again = await buildComplaint({ receivedAt: new Date('2026-09-04T03:00:00Z'), incidentDate: '2026-09-03', lotRef: 'L-501' }, by);
    expect(again.recurring).toBe(false);
    await put('recurrence', { value: { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] } }, auth).expect(200);
  });

  it('business hours set by the sysadmin are what a business-mode target counts', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const customer = await buildCustomer({ type: 'company', tier: 'loyal' });
    await t.request().post('/api/v1/sla-policies').set(auth).send({ stage: 'intake', severity: 'high', tier: 'loyal', targetMinutes: 120, mode: 'business' }).expect(201);
    await put('business_hours', { value: { start: '09:00', end: '12:00' } }, auth).expect(200);
    // Mon 2 Nov 2026 11:00: one hour on Monday (to 12:00), one on Tuesday from 09:00.
    const res = await t.request().post('/api/v1/complaints').set(intake.auth).send({
      kind: 'complaint',
      customerId: customer.id,
      channel: 'email',
      receivedAt: '2026-11-02T11:00:00+07:00',
      incidentDate: '2026-11-01',
      category: 'business',
      subject: 'Hoá đơn sai',
      description: 'Hoá đơn tháng 10 sai số tiền.',
      severity: 'high',
    });
    expect(res.status).toBe(201);
    expect(res.body.due.acknowledgeAt).toBe('2026-11-03T03:00:00.000Z');
  });
});
