import { Op } from 'sequelize';
import { countAuditEvents } from '../support/audit';
import { VIETNAM_PRELOADED_CALENDAR } from '../../src/domain/holidays';
import { AuditEvent, Holiday } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildCustomer, entryBody, signedIn } from '../support/factories';

const t = useTestApp();

const entry = (customerId: string, receivedAt: string, extra: Record<string, unknown> = {}) =>
  entryBody(customerId, { receivedAt, subject: 'Dịch vụ bảo hành chậm', description: 'Khách hàng chờ bảo hành quá lâu.', ...extra });

describe('a new database', () => {
  it('holds exactly the preloaded calendar (official Tết blocks, computed years provisional), with no correction events', async () => {
    const shape = (d: { date: string; nameVi: string; nameEn: string; kind: string; provisional: boolean }) => [d.date, d.nameVi, d.nameEn, d.kind, d.provisional];
    const stored = await Holiday.findAll({ order: [['date', 'ASC']] });
    expect(stored.map(shape)).toEqual(VIETNAM_PRELOADED_CALENDAR.map((d) => shape({ ...d, nameVi: d.name_vi, nameEn: d.name_en })));
    // No correction: each preloaded day has exactly its baseline (0010), the state it was preloaded in.
    expect(await AuditEvent.count({ where: { entityType: 'Holiday', action: { [Op.ne]: 'holiday.baseline' } } })).toBe(0);
    expect(await AuditEvent.count({ where: { entityType: 'Holiday', action: 'holiday.baseline' } })).toBe(stored.length);
  });
});

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
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).send({ date: '2026-05-01', version: holiday.version })).status).toBe(409);
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(auth).send({ date: '2026-04-31', version: holiday.version })).status).toBe(400);
    expect((await t.request().patch('/api/v1/holidays/00000000-0000-4000-8000-000000000000').set(auth).send({ nameEn: 'x', version: 0 })).status).toBe(404);
    const quality = await signedIn(['quality']);
    expect((await t.request().patch(`/api/v1/holidays/${holiday.id}`).set(quality.auth).send({ nameEn: 'x', version: holiday.version })).status).toBe(403);
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
    expect(event!.changes).toEqual({ before: { id: created.body.id, date: '2028-12-31', nameVi: 'Nghỉ cuối năm', nameEn: "New Year's Eve", kind: 'holiday', provisional: false } });
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

describe('the preloaded calendar follows the official Tết schedules', () => {
  const datesIn = async (auth: Record<string, string>, year: number, from: string, to: string) => {
    const res = await t.request().get('/api/v1/holidays').query({ year }).set(auth);
    expect(res.status).toBe(200);
    return res.body.items.filter((h: { date: string }) => h.date >= from && h.date <= to);
  };

  it('has Tết 2024 = Thu 8 – Wed 14 Feb and Tết 2025 = Sat 25 Jan – Sun 2 Feb, confirmed, with no day after them', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const tet2024 = await datesIn(auth, 2024, '2024-02-01', '2024-02-29');
    expect(tet2024.map((h: { date: string }) => h.date)).toEqual(['2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14']);
    const tet2025 = await datesIn(auth, 2025, '2025-01-15', '2025-02-28');
    expect(tet2025.map((h: { date: string }) => h.date)).toEqual([
      '2025-01-25', '2025-01-26', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02',
    ]);
    for (const day of [...tet2024, ...tet2025]) {
      expect(day).toMatchObject({ nameVi: 'Tết Nguyên Đán', nameEn: 'Lunar New Year (Tết)', kind: 'holiday', provisional: false });
    }
    const tet2026 = await datesIn(auth, 2026, '2026-02-01', '2026-02-28');
    expect(tet2026.map((h: { date: string }) => h.date)).toEqual(['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22']);
  });

  it('marks the computed years provisional, per day and per year', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const y2028 = await t.request().get('/api/v1/holidays').query({ year: 2028 }).set(auth);
    expect(y2028.body.items.length).toBeGreaterThanOrEqual(11);
    expect(y2028.body.items.every((h: { provisional: boolean }) => h.provisional)).toBe(true);
    const years = await t.request().get('/api/v1/holidays/years').set(auth);
    expect(years.status).toBe(200);
    const of = (year: number) => years.body.items.find((y: { year: number }) => y.year === year);
    expect(of(2024)).toMatchObject({ year: 2024, holidays: 13, workingDays: 0, provisional: 0 });
    expect(of(2026)).toMatchObject({ provisional: 0 });
    expect(of(2028)).toMatchObject({ year: 2028, workingDays: 0, provisional: y2028.body.items.length });
    const listed = years.body.items.map((y: { year: number }) => y.year);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining([2024, 2025, 2026, 2027, 2028, 2029, 2030]));
  });
});

describe('POST /api/v1/holidays/years/:year/confirm', () => {
  it('confirms every provisional day of the year, one audit event each, and is a no-op the second time', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const before = await Holiday.findAll({ where: { date: { [Op.between]: ['2029-01-01', '2029-12-31'] } } });
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((h) => h.provisional)).toBe(true);

    const res = await t.request().post('/api/v1/holidays/years/2029/confirm').set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2029, confirmed: before.length });
    expect(res.body.items).toHaveLength(before.length);
    expect(res.body.items.every((h: { provisional: boolean }) => !h.provisional)).toBe(true);
    expect(await Holiday.count({ where: { provisional: true, date: { [Op.between]: ['2029-01-01', '2029-12-31'] } } })).toBe(0);

    const events = await AuditEvent.findAll({ where: { action: 'holiday.confirmed', entityId: before.map((h) => h.id) } });
    expect(events).toHaveLength(before.length);
    for (const event of events) {
      expect(event.actorId).toBe(user.id);
      expect(event.changes).toEqual({ before: { provisional: true }, after: { provisional: false } });
      expect(event.meta).toEqual({ year: 2029 });
    }
    // Other years keep their state.
    expect(await Holiday.count({ where: { provisional: true, date: { [Op.between]: ['2030-01-01', '2030-12-31'] } } })).toBeGreaterThan(0);
    const years = await t.request().get('/api/v1/holidays/years').set(auth);
    expect(years.body.items.find((y: { year: number }) => y.year === 2029)).toMatchObject({ provisional: 0 });

    const again = await t.request().post('/api/v1/holidays/years/2029/confirm').set(auth);
    expect(again.status).toBe(200);
    expect(again.body.confirmed).toBe(0);
    expect(await AuditEvent.count({ where: { action: 'holiday.confirmed', entityId: before.map((h) => h.id) } })).toBe(before.length);
  });

  it('answers 401 without credentials and 403 for other roles, confirming nothing', async () => {
    const provisional = () => Holiday.count({ where: { provisional: true, date: { [Op.between]: ['2030-01-01', '2030-12-31'] } } });
    const count = await provisional();
    expect(count).toBeGreaterThan(0);
    expect((await t.request().post('/api/v1/holidays/years/2030/confirm')).status).toBe(401);
    for (const roles of [['quality'], ['intake'], ['auditor']] as const) {
      const { auth } = await signedIn([...roles]);
      const res = await t.request().post('/api/v1/holidays/years/2030/confirm').set(auth);
      expect(res.status).toBe(403);
    }
    expect(await provisional()).toBe(count);
    expect(await countAuditEvents({ action: 'holiday.confirmed' }, { year: 2030 })).toBe(0);
  });

  it.each(['abc', '1800', '2026.5', '99999'])('answers 400 for the year %j', async (year) => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post(`/api/v1/holidays/years/${year}/confirm`).set(auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('year');
  });

  it('does not make a day the sysadmin adds to a computed year provisional', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2030-06-01', nameVi: 'Ngày hội', nameEn: 'Company day' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'holiday', provisional: false });
  });
});

describe('make-up working days', () => {
  it('adds one on a Saturday, lists it by kind, and refuses one on a weekday or of an unknown kind', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2027-10-09', nameVi: 'Làm bù cho thứ Hai 11/10', nameEn: 'Make-up working day for Mon 11 Oct', kind: 'working_day' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ date: '2027-10-09', kind: 'working_day', provisional: false, version: 0 });
    const event = await AuditEvent.findOne({ where: { entityId: res.body.id, action: 'holiday.created' } });
    expect(event!.actorId).toBe(user.id);
    expect((event!.changes as { after: Record<string, unknown> }).after).toMatchObject({ date: '2027-10-09', kind: 'working_day' });

    const listed = await t.request().get('/api/v1/holidays').query({ year: 2027, kind: 'working_day' }).set(auth);
    expect(listed.body.items.map((h: { date: string }) => h.date)).toEqual(['2027-10-09']);
    const years = await t.request().get('/api/v1/holidays/years').set(auth);
    expect(years.body.items.find((y: { year: number }) => y.year === 2027)).toMatchObject({ workingDays: 1 });

    const weekday = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2027-10-08', nameVi: 'A', nameEn: 'A', kind: 'working_day' });
    expect(weekday.status).toBe(400);
    expect(weekday.body.errors).toEqual([expect.objectContaining({ path: 'date' })]);
    const unknown = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2027-10-16', nameVi: 'A', nameEn: 'A', kind: 'half_day' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toContain('kind');
    expect((await t.request().get('/api/v1/holidays').query({ kind: 'half_day' }).set(auth)).status).toBe(400);
    expect(await Holiday.count({ where: { date: ['2027-10-08', '2027-10-16'] } })).toBe(0);
  });

  it('changes kind by PATCH with its version, refusing a make-up working day on a weekday', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const created = await t.request().post('/api/v1/holidays').set(auth).send({ date: '2027-11-13', nameVi: 'Nghỉ', nameEn: 'Off' });
    const toWorking = await t.request().patch(`/api/v1/holidays/${created.body.id}`).set(auth).send({ kind: 'working_day', version: 0 });
    expect(toWorking.status).toBe(200);
    expect(toWorking.body).toMatchObject({ kind: 'working_day', version: 1 });
    const event = await AuditEvent.findOne({ where: { entityId: created.body.id, action: 'holiday.updated' } });
    expect(event!.changes).toEqual({ before: { kind: 'holiday' }, after: { kind: 'working_day' } });
    const moved = await t.request().patch(`/api/v1/holidays/${created.body.id}`).set(auth).send({ date: '2027-11-15', version: 1 });
    expect(moved.status).toBe(400);
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: 'date' })]);
    expect((await Holiday.findByPk(created.body.id))!.toJSON()).toMatchObject({ date: '2027-11-13', kind: 'working_day', version: 1 });
  });

  it('is counted by the negotiation-start clock and business-hour targets, until removed', async () => {
    const admin = await signedIn(['sysadmin']);
    const intake = await signedIn(['intake']);
    const person = await buildCustomer({ type: 'person' });
    const company = await buildCustomer({ type: 'company', tier: 'loyal' });
    const policy = await t.request().post('/api/v1/sla-policies').set(admin.auth).send({ stage: 'intake', severity: 'high', tier: 'loyal', targetMinutes: 8 * 60, mode: 'business' });
    expect(policy.status).toBe(201);
    const clocks = async () => {
      // Tue 20 Oct 2026: the 7th working day is Thu 29 Oct.
      const consumer = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(person.id, '2026-10-20T10:00:00+07:00'));
      // Fri 23 Oct 2026 10:00 + 8 business hours: 7 on Friday, the last one Mon 26 Oct 08:00–09:00.
      const business = await t.request().post('/api/v1/complaints').set(intake.auth).send(entry(company.id, '2026-10-23T10:00:00+07:00', { severity: 'high' }));
      expect([consumer.status, business.status, consumer.body.errors, business.body.errors]).toEqual([201, 201, undefined, undefined]);
      return { negotiation: consumer.body.due.negotiationStartAt, acknowledge: business.body.due.acknowledgeAt };
    };
    expect(await clocks()).toEqual({ negotiation: '2026-10-29T16:59:59.999Z', acknowledge: '2026-10-26T02:00:00.000Z' });

    const saturday = await t.request().post('/api/v1/holidays').set(admin.auth).send({ date: '2026-10-24', nameVi: 'Làm bù', nameEn: 'Make-up working day', kind: 'working_day' });
    expect(saturday.status).toBe(201);
    // The 7 working days now end a day earlier (Wed 28 Oct); the last business hour is Sat 24 Oct 08:00–09:00.
    expect(await clocks()).toEqual({ negotiation: '2026-10-28T16:59:59.999Z', acknowledge: '2026-10-24T02:00:00.000Z' });

    expect((await t.request().delete(`/api/v1/holidays/${saturday.body.id}`).set(admin.auth).set('If-Match', '0')).status).toBe(204);
    expect(await clocks()).toEqual({ negotiation: '2026-10-29T16:59:59.999Z', acknowledge: '2026-10-26T02:00:00.000Z' });
  });
});
