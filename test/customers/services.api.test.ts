import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { AuditEvent, CustomerService, Setting } from '../../src/models';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { useTestApp } from '../support/app';
import { useFixedClock, useTestClock } from '../support/clock';
import { buildCustomer, signedIn } from '../support/factories';

const t = useTestApp();
useTestClock();

const body = { name: 'anhduong.vn', kind: 'domain', expiresOn: '2027-03-31', notes: 'Gia hạn qua VNNIC' };

describe('POST /api/v1/customers/:id/services', () => {
  it('adds a service (audited) and answers it with its next reminder', async () => {
    useFixedClock('2027-01-10T03:00:00Z');
    const { auth, user } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const res = await t.request().post(`/api/v1/customers/${customer.id}/services`).set(auth).send(body);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/customer-services/${res.body.id}`);
    expect(res.body).toMatchObject({
      customerId: customer.id,
      name: 'anhduong.vn',
      kind: 'domain',
      expiresOn: '2027-03-31',
      notes: 'Gia hạn qua VNNIC',
      ended: false,
      nextReminder: { offsetDays: 30, on: '2027-03-01' },
      remindersSent: [],
      version: 0,
    });
    const event = await AuditEvent.findOne({ where: { entityType: 'CustomerService', entityId: res.body.id } });
    expect(event).toMatchObject({ action: 'customer_service.created', actorId: user.id });

    const list = await t.request().get(`/api/v1/customers/${customer.id}/services`).set(auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    const one = await t.request().get(`/api/v1/customer-services/${res.body.id}`).set(auth);
    expect(one.body).toMatchObject({ id: res.body.id, nextReminder: { offsetDays: 30 } });
  });

  it('answers 401, 403 (a role that may not edit customers), 404 and 400 with field errors, and creates nothing', async () => {
    const customer = await buildCustomer();
    const url = `/api/v1/customers/${customer.id}/services`;
    expect((await t.request().post(url).send(body)).status).toBe(401);
    expect((await t.request().get(url)).status).toBe(401);
    const director = await signedIn(['cs_director']);
    const refused = await t.request().post(url).set(director.auth).send(body);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    // A reader who may not read customers at all learns nothing, not even whether the customer exists.
    const sysadmin = await signedIn(['sysadmin']);
    expect((await t.request().get(url).set(sysadmin.auth)).status).toBe(403);
    expect((await t.request().get(`/api/v1/customers/00000000-0000-4000-8000-000000000000/services`).set(sysadmin.auth)).status).toBe(403);
    // cs_director reads them.
    expect((await t.request().get(url).set(director.auth)).status).toBe(200);

    const { auth } = await signedIn(['quality']);
    expect((await t.request().post('/api/v1/customers/00000000-0000-4000-8000-000000000000/services').set(auth).send(body)).status).toBe(404);
    const bad = await t.request().post(url).set(auth).send({ name: ' ', kind: 'car', expiresOn: '2027-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['expiresOn', 'kind', 'name']);
    expect((await t.request().post(url).set(auth).send({ ...body, extra: 1 })).status).toBe(400);
    expect(await CustomerService.count({ where: { customerId: customer.id } })).toBe(0);
  });
});

describe('PATCH /api/v1/customer-services/:id', () => {
  it('renews (a new expiry date) and ends a service with a version; a stale version is 409, none is 428', async () => {
    const { auth } = await signedIn(['quality']);
    const customer = await buildCustomer();
    const created = (await t.request().post(`/api/v1/customers/${customer.id}/services`).set(auth).send(body)).body;
    const url = `/api/v1/customer-services/${created.id}`;
    expect((await t.request().patch(url).set(auth).send({ expiresOn: '2028-03-31' })).status).toBe(428);
    const renewed = await t.request().patch(url).set(auth).send({ expiresOn: '2028-03-31', version: 0 });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ expiresOn: '2028-03-31', version: 1 });
    const stale = await t.request().patch(url).set(auth).send({ ended: true, version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    const ended = await t.request().patch(url).set(auth).set('If-Match', '1').send({ ended: true, notes: null });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ ended: true, notes: null, nextReminder: null, version: 2 });
    const events = await AuditEvent.findAll({ where: { entityType: 'CustomerService', entityId: created.id }, order: [['position', 'ASC']] });
    expect(events.map((e) => e.action)).toEqual(['customer_service.created', 'customer_service.updated', 'customer_service.updated']);
    expect(events[1].changes).toEqual({ before: { expiresOn: '2027-03-31' }, after: { expiresOn: '2028-03-31' } });
  });

  it('answers 401, 403, 404 and 400', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const created = (await t.request().post(`/api/v1/customers/${customer.id}/services`).set(auth).send(body)).body;
    const url = `/api/v1/customer-services/${created.id}`;
    expect((await t.request().patch(url).send({ name: 'x', version: 0 })).status).toBe(401);
    const legal = await signedIn(['legal']);
    expect((await t.request().patch(url).set(legal.auth).send({ name: 'x', version: 0 })).status).toBe(403);
    // 403 before 404: a role that may not edit learns nothing of which ids exist.
    expect((await t.request().patch('/api/v1/customer-services/00000000-0000-4000-8000-000000000000').set(legal.auth).send({ name: 'x', version: 0 })).status).toBe(403);
    expect((await t.request().patch('/api/v1/customer-services/00000000-0000-4000-8000-000000000000').set(auth).send({ name: 'x', version: 0 })).status).toBe(404);
    const bad = await t.request().patch(url).set(auth).send({ expiresOn: 'tomorrow', ended: 'yes', version: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['ended', 'expiresOn']);
    expect((await CustomerService.findByPk(created.id))!.version).toBe(0);
  });

  it('lets exactly one of two concurrent edits of the same version through; the other is 409', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const created = (await t.request().post(`/api/v1/customers/${customer.id}/services`).set(auth).send(body)).body;
    const url = `/api/v1/customer-services/${created.id}`;
    const results = await Promise.all(['2028-01-01', '2029-01-01'].map((expiresOn) => t.request().patch(url).set(auth).send({ expiresOn, version: 0 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const stored = (await CustomerService.findByPk(created.id))!;
    expect(stored).toMatchObject({ version: 1, expiresOn: winner.body.expiresOn });
    expect(await AuditEvent.count({ where: { entityType: 'CustomerService', entityId: created.id, action: 'customer_service.updated' } })).toBe(1);
  });

  it('leaves every service consistent with its audit trail (the verifier knows the entity)', async () => {
    const report = await verifyAuditTrail();
    expect(report.failures.filter((f) => f.id.startsWith('CustomerService:'))).toEqual([]);
    expect(report.ok).toBe(true);
    // A change outside the application is reported by the verifier, naming the field.
    const [row] = await sequelize().query<{ id: string }>('SELECT id FROM customer_services LIMIT 1', { type: QueryTypes.SELECT });
    await sequelize().query(`UPDATE customer_services SET name = 'sửa ngoài' WHERE id = $1`, { bind: [row.id] });
    const tampered = await verifyAuditTrail();
    expect(tampered.failures).toEqual(expect.arrayContaining([expect.objectContaining({ id: `CustomerService:${row.id}`, reason: expect.stringContaining('name') })]));
  });
});

describe('PUT /api/v1/settings/renewal_schedule', () => {
  const put = (value: unknown, auth: Record<string, string>, version?: number) => t.request().put('/api/v1/settings/renewal_schedule').set(auth).send({ value, ...(version === undefined ? {} : { version }) });

  it('sets the schedule (stored latest-first), audited; the default before', async () => {
    const { auth } = await signedIn(['sysadmin']);
    expect(await Setting.findByPk('renewal_schedule')).toBeNull();
    const res = await put({ offsets: [-2, 60, 7] }, auth, 0);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'renewal_schedule', value: { offsets: [60, 7, -2] }, version: 0 });
    expect(await AuditEvent.count({ where: { entityType: 'Setting', entityId: 'renewal_schedule' } })).toBe(1);
    expect((await put({ offsets: [1] }, auth, 5)).status).toBe(409);
    const back = await put({ offsets: [30, 18, 15, 3, -1, -4] }, auth, 0);
    expect(back.status).toBe(200);
    expect(back.body.value.offsets).toEqual([30, 18, 15, 3, -1, -4]);
  });

  it.each([
    ['no offset', { offsets: [] }, 'value.offsets'],
    ['a fraction', { offsets: [30, 1.5] }, 'value.offsets.1'],
    ['beyond a year', { offsets: [400] }, 'value.offsets.0'],
    ['a day twice', { offsets: [30, 3, 30] }, 'value.offsets'],
    ['thirteen offsets', { offsets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] }, 'value.offsets'],
    ['not a list', { offsets: '30,18' }, 'value.offsets'],
  ])('answers 400 for %s and changes nothing', async (_what, value, path) => {
    const { auth } = await signedIn(['sysadmin']);
    const before = await Setting.findByPk('renewal_schedule');
    const res = await put(value, auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await Setting.findByPk('renewal_schedule'))?.version).toBe(before?.version);
  });

  it('answers 401 and 403', async () => {
    expect((await t.request().put('/api/v1/settings/renewal_schedule').send({ value: { offsets: [1] } })).status).toBe(401);
    const { auth } = await signedIn(['intake']);
    expect((await put({ offsets: [1] }, auth)).status).toBe(403);
  });
});
