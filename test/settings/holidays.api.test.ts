import { AuditEvent, Holiday } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildCustomer, entryBody, signedIn } from '../support/factories';

const t = useTestApp();

const entry = (customerId: string, receivedAt: string, extra: Record<string, unknown> = {}) =>
  entryBody(customerId, { receivedAt, subject: 'Dịch vụ bảo hành chậm', description: 'Khách hàng chờ bảo hành quá lâu.', ...extra });

describe('GET /api/v1/holidays', () => {
  it('lists one year of the preloaded Vietnamese calendar in date order, with both names', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().get('/api/v1/holidays').query({ year: 2026 }).set(auth);
    expect(res.status).toBe(200);
    const dates = res.body.items.map((h: { date: string }) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-16', '2026-02-20', '2026-04-30', '2026-05-01', '2026-09-02']));
    expect(dates.every((d: string) => d.startsWith('2026-'))).toBe(true);
    expect(res.body.items.find((h: { date: string }) => h.date === '2026-09-02')).toMatchObject({ nameVi: 'Quốc khánh', nameEn: 'National Day', version: 0 });
    const all = await t.request().get('/api/v1/holidays').set(auth);
    expect(all.body.items.length).toBeGreaterThan(res.body.items.length);
  });

  it('answers 400 for a bad year, 401 without credentials, 403 for quality', async () => {
    const { auth } = await signedIn(['sysadmin']);
    expect((await t.request().get('/api/v1/holidays?year=abc').set(auth)).status).toBe(400);
    expect((await t.request().get('/api/v1/holidays?year=99999').set(auth)).status).toBe(400);
    expect((await t.request().get('/api/v1/holidays')).status).toBe(401);
    const quality = await signedIn(['quality']);
    expect((await t.request().get('/api/v1/holidays').set(quality.auth)).status).toBe(403);
  });
});

describe('POST /api/v1/holidays', () => {
  it('adds a day with NFC names, audited', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const decomposed = '  Ngày hội công ty  '.normalize('NFD');
    const res = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2026-12-24', nameVi: decomposed, nameEn: 'Company day' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/holidays/${res.body.id}`);
    expect(res.body).toMatchObject({ date: '2026-12-24', nameVi: 'Ngày hội công ty'.normalize('NFC'), nameEn: 'Company day', version: 0 });
    expect((await Holiday.findByPk(res.body.id))!.nameVi).toBe('Ngày hội công ty'.normalize('NFC'));
    const event = await AuditEvent.findOne({ where: { entityType: 'Holiday', entityId: res.body.id, action: 'holiday.created' } });
    expect(event!.actorId).toBe(user.id);
    expect((event!.changes as { after: Record<string, unknown> }).after).toMatchObject({ date: '2026-12-24', nameEn: 'Company day' });
  });

  it.each([
    ['a date that does not exist', { date: '2026-02-30', nameVi: 'A', nameEn: 'A' }, 'date'],
    ['month 13', { date: '2026-13-01', nameVi: 'A', nameEn: 'A' }, 'date'],
    ['a date in another format', { date: '05/11/2026', nameVi: 'A', nameEn: 'A' }, 'date'],
    ['a date with a time', { date: '2026-11-05T00:00:00Z', nameVi: 'A', nameEn: 'A' }, 'date'],
    ['a blank Vietnamese name', { date: '2026-11-05', nameVi: '   ', nameEn: 'A' }, 'nameVi'],
    ['an English name over 200 characters', { date: '2026-11-05', nameVi: 'A', nameEn: 'x'.repeat(201) }, 'nameEn'],
    ['a missing English name', { date: '2026-11-05', nameVi: 'A' }, 'nameEn'],
    ['an unknown field', { date: '2026-11-05', nameVi: 'A', nameEn: 'A', paid: true }, '(body)'],
  ])('answers 400 for %s and adds nothing', async (_what, body, path) => {
    const { auth } = await signedIn(['sysadmin']);
    const before = await Holiday.count();
    const res = await t.request().post('/api/v1/holidays').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await Holiday.count()).toBe(before);
  });

  it('accepts a 200-character name counted after NFC', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const name = 'ệ'.repeat(200);
    const res = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2027-12-24', nameVi: name.normalize('NFD'), nameEn: 'x' });
    expect(res.status).toBe(201);
    expect(res.body.nameVi).toBe(name.normalize('NFC'));
  });

  it('answers 409 for a date already in the calendar', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2026-09-02', nameVi: 'Trùng', nameEn: 'Duplicate' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', errors: [{ path: 'date' }] });
    expect(await Holiday.count({ where: { date: '2026-09-02' } })).toBe(1);
  });

  it('answers 401 and 403 and adds nothing', async () => {
    const body = { date: '2026-12-25', nameVi: 'Giáng sinh', nameEn: 'Christmas' };
    expect((await t.request().post('/api/v1/holidays').send(body)).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await t.request().post('/api/v1/holidays').set(auth).send(body)).status).toBe(403);
    expect(await Holiday.count({ where: { date: '2026-12-25' } })).toBe(0);
  });
});

describe('PATCH /api/v1/holidays/:id', () => {
  it('renames a holiday with its version, audited before/after', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const holiday = (await Holiday.findOne({ where: { date: '2026-05-01' } }))!;
    const res = await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).send({ nameVi: 'Ngày Quốc tế Lao động 1/5', version: holiday.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nameVi: 'Ngày Quốc tế Lao động 1/5', nameEn: holiday.nameEn, version: holiday.version + 1 });
    const event = await AuditEvent.findOne({ where: { entityId: holiday.id, action: 'holiday.updated' } });
    expect(event!.changes).toEqual({ before: { nameVi: 'Ngày Quốc tế Lao động' }, after: { nameVi: 'Ngày Quốc tế Lao động 1/5' } });
  });

  it('answers 409 for a stale version or a date already taken, 400 for a bad date, 404 for an unknown id, 403 for quality', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const holiday = (await Holiday.findOne({ where: { date: '2026-04-30' } }))!;
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).set('If-Match', '"5"').send({ nameEn: 'x' })).status).toBe(409);
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).send({ date: '2026-05-01' })).status).toBe(409);
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).send({ date: '2026-04-31' })).status).toBe(400);
    expect((await t.request().patch('/api/v1/holidays/00000000-0000-4000-8000-000000000000').set(auth).send({ nameEn: 'x' })).status).toBe(404);
    const quality = await signedIn(['quality']);
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(quality.auth).send({ nameEn: 'x' })).status).toBe(403);
    expect((await Holiday.findByPk(holiday.id))!.toJSON()).toMatchObject({ date: '2026-04-30', nameEn: holiday.nameEn, version: holiday.version });
  });
});

describe('DELETE /api/v1/holidays/:id', () => {
  it('removes the row; the audit event keeps what it was', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const created = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2028-12-31', nameVi: 'Nghỉ cuối năm', nameEn: "New Year's Eve" });
    expect((await t.request().delete(`/api/v1/holidays/${created.body.id}`).set(auth).set('If-Match', '3')).status).toBe(409);
    const res = await t.request().delete(`/api/v1/holidays/${created.body.id}`).set(auth).set('If-Match', '0');
    expect(res.status).toBe(204);
    expect(await Holiday.findByPk(created.body.id)).toBeNull();
    const event = await AuditEvent.findOne({ where: { entityType: 'Holiday', entityId: created.body.id, action: 'holiday.deleted' } });
    expect(event!.actorId).toBe(user.id);
    expect(event!.changes).toEqual({ before: { id: created.body.id, date: '2028-12-31', nameVi: 'Nghỉ cuối năm', nameEn: "New Year's Eve" } });
    expect((await t.request().delete(`/api/v1/holidays/${created.body.id}`).set(auth)).status).toBe(404);
  });

  it('answers 401 and 403 and keeps the day', async () => {
    const holiday = (await Holiday.findOne({ where: { date: '2026-01-01' } }))!;
    expect((await t.request().delete(`/api/v1/holidays/${holiday.id}`)).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await t.request().delete(`/api/v1/holidays/${holiday.id}`).set(auth)).status).toBe(403);
    expect(await Holiday.findByPk(holiday.id)).not.toBeNull();
  });
});

describe('the effect on new complaints', () => {
  it("a holiday added by the sysadmin is skipped by the next consumer complaint's negotiation-start due", async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const person = await buildCustomer({ type: 'person' });
    // Received Mon 2 Nov 2026: 7 working days end Wed 11 Nov.
    const before = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(person.id, '2026-11-02T10:00:00+07:00'));
    expect(before.body.due.negotiationStartAt).toBe('2026-11-11T16:59:59.999Z');

    const added = await t.request().post('/api/v1/holidays').set(admin.auth).send({ date: '2026-11-05', nameVi: 'Nghỉ đột xuất', nameEn: 'Extra day off' });
    expect(added.status).toBe(201);
    const after = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(person.id, '2026-11-02T10:00:00+07:00'));
    expect(after.body.due.negotiationStartAt).toBe('2026-11-12T16:59:59.999Z');
    // Calendar-day limits do not move.
    expect(after.body.due.resolutionAt).toBe(before.body.due.resolutionAt);
  });

  it('a removed holiday counts as a working day again', async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const person = await buildCustomer({ type: 'person' });
    // Received Fri 28 Aug 2026; 1 and 2 Sep are National Day: the 7th working day is Thu 10 Sep.
    const before = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(person.id, '2026-08-28T09:00:00+07:00'));
    expect(before.body.due.negotiationStartAt).toBe('2026-09-10T16:59:59.999Z');
    const adjacent = (await Holiday.findOne({ where: { date: '2026-09-01' } }))!;
    expect((await t.request().delete(`/api/v1/holidays/${adjacent.id}`).set(admin.auth)).status).toBe(204);
    const after = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(person.id, '2026-08-28T09:00:00+07:00'));
    expect(after.body.due.negotiationStartAt).toBe('2026-09-09T16:59:59.999Z');
  });

  it('a business-hours stage target skips a holiday added by the sysadmin', async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const customer = await buildCustomer({ type: 'company', tier: 'potential' });
    const policy = await t.request().post('/api/v1/sla-policies').set(admin.auth).send({ stage: 'intake', severity: 'low', tier: 'potential', targetMinutes: 8 * 60, mode: 'business' });
    expect(policy.status).toBe(201);
    // Wed 18 Nov 2026 10:00 + 8 business hours (08:00–17:00): 7 on Wednesday, the last one ends Thu 19 Nov 09:00 …
    const before = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(customer.id, '2026-11-18T10:00:00+07:00', { severity: 'low' }));
    expect(before.body.due.acknowledgeAt).toBe('2026-11-19T02:00:00.000Z');
    await t.request().post('/api/v1/holidays').set(admin.auth).send({ date: '2026-11-19', nameVi: 'Ngày hội công ty', nameEn: 'Company day' }).expect(201);
    // … and Fri 20 Nov 09:00 once Thursday is a holiday.
    const after = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(customer.id, '2026-11-18T10:00:00+07:00', { severity: 'low' }));
    expect(after.body.due.acknowledgeAt).toBe('2026-11-20T02:00:00.000Z');
  });
});
