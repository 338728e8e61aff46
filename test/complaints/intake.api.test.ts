import { QueryTypes } from 'sequelize';
import { transaction, sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { intakeComplaint } from '../../src/commands/complaintIntaker';
import { AuditEvent, Complaint, ComplaintStage, Customer } from '../../src/models';
import { useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { buildComplaint, buildCustomer, buildUser, entryBody, signedIn } from '../support/factories';

const t = useTestApp();

const entry = (customerId: string, extra: Record<string, unknown> = {}) => entryBody(customerId, extra);

describe('POST /api/v1/complaints', () => {
  it('logs a complaint with its number, flags and every clock (the worked examples of PRODUCT.md)', async () => {
    const { auth, user } = await signedIn(['intake']);
    const customer = await buildCustomer({ type: 'person', name: 'Nguyễn Thị Hoa' });
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      reference: expect.stringMatching(/^KN-2026-\d{6}$/),
      kind: 'complaint',
      status: 'intake',
      round: 1,
      customer: { id: customer.id, name: 'Nguyễn Thị Hoa', type: 'person' },
      receivedAt: '2026-11-02T03:00:00.000Z',
      incidentDate: '2026-10-30',
      harm: 'none',
      timeBarred: false,
      regulatoryReviewRequired: false,
      meetingRequired: false,
      recurring: false,
      due: {
        acknowledgeAt: '2026-11-02T04:00:00.000Z', // 1 h intake SLA
        firstReplyAt: '2026-11-04T03:00:00.000Z', // 48 h
        resolutionAt: '2026-11-22T16:59:59.999Z', // 20 days, to 23:59:59.999 in Hà Nội
        stageAt: '2026-11-02T04:00:00.000Z',
        negotiationStartAt: '2026-11-11T16:59:59.999Z', // 7 working days from Mon 2 Nov
      },
      filingWindowEndsAt: '2027-01-28T16:59:59.999Z', // 30 Oct + 90 days
      version: expect.any(Number),
    });
    expect(res.headers.location).toBe(`/api/v1/complaints/${res.body.id}`);
    const stage = await ComplaintStage.findOne({ where: { complaintId: res.body.id } });
    expect(stage).toMatchObject({ stage: 'intake', enteredBy: user.id, exitedAt: null });
    const event = await AuditEvent.findOne({ where: { entityType: 'Complaint', entityId: res.body.id, action: 'complaint.created' } });
    expect(event!.actorId).toBe(user.id);
    // The whole new row is in the event (the derived search text and bookkeeping columns are not).
    const after = (event!.changes as { after: Record<string, unknown> }).after;
    expect(after).toMatchObject({ id: res.body.id, reference: res.body.reference, status: 'intake', customerId: customer.id, incidentDate: '2026-10-30', receivedAt: '2026-11-02T03:00:00.000Z', round: 1, recurring: false });
    expect(Object.keys(after)).not.toEqual(expect.arrayContaining(['searchText']));
    expect(Object.keys(after)).not.toEqual(expect.arrayContaining(['createdAt']));
    const stageEvent = await AuditEvent.findOne({ where: { entityType: 'ComplaintStage', entityId: stage!.id, action: 'complaint_stage.created' } });
    expect((stageEvent!.changes as { after: Record<string, unknown> }).after).toMatchObject({ complaintId: res.body.id, stage: 'intake', enteredBy: user.id });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('flags a complaint filed after its window as time-barred but still logs it', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { incidentDate: '2026-08-01' }));
    expect(res.status).toBe(201);
    expect(res.body.timeBarred).toBe(true);
    expect(res.body.filingWindowEndsAt).toBe('2026-10-30T16:59:59.999Z');
    const business = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { incidentDate: '2026-10-01', category: 'business' }));
    expect(business.body).toMatchObject({ timeBarred: true, filingWindowEndsAt: '2026-10-31T16:59:59.999Z' });
  });

  it('sets the escalation flags and gives a VIP critical entry the 15-minute target; companies have no negotiation clock', async () => {
    const { auth } = await signedIn(['quality']);
    const vip = await buildCustomer({ type: 'company', tier: 'vip', email: 'cskh@vip.vn' });
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(vip.id, { severity: 'critical', harm: 'serious_injury', safetyImpact: true }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ regulatoryReviewRequired: true, meetingRequired: true });
    expect(res.body.due.acknowledgeAt).toBe('2026-11-02T03:15:00.000Z');
    expect(res.body.due.negotiationStartAt).toBeNull();
  });

  it('flags an entry as recurring and lists the earlier entries of the same customer or product, with the values matched', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const first = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { receivedAt: '2026-10-01T09:00:00+07:00', incidentDate: '2026-09-30', productRef: 'MLN-200' }));
    const second = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { productRef: 'MLN-200' }));
    expect(second.body.recurring).toBe(true);
    const detail = await t.request().get(`/api/v1/complaints/${second.body.id}`).set(auth);
    expect(detail.body.recurrence.earlier).toContainEqual(expect.objectContaining({ id: first.body.id, matchedBy: ['customer', 'product'], customerId: customer.id, productRef: 'MLN-200' }));
    expect(detail.body.earlierEntries.map((e: { id: string }) => e.id)).toContain(first.body.id);
  });

  it('does not count the category alone as recurrence: a new customer with an unrelated product is not recurring', async () => {
    const { auth } = await signedIn(['intake']);
    // Six unrelated complaints of other customers in the same category, days before.
    for (let i = 0; i < 6; i++) {
      const other = await buildCustomer();
      const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(other.id, { receivedAt: `2026-10-2${i}T09:00:00+07:00`, productRef: `MLN-${i}` }));
      expect(res.status).toBe(201);
    }
    const newcomer = await buildCustomer();
    const kettle = await t.request().post('/api/v1/complaints').set(auth).send(entry(newcomer.id, { subject: 'Ấm siêu tốc phát nổ', productRef: 'AST-17' }));
    expect(kettle.status).toBe(201);
    expect(kettle.body.recurring).toBe(false);
    const detail = await t.request().get(`/api/v1/complaints/${kettle.body.id}`).set(auth);
    expect(detail.body.recurrence).toBeNull();
  });

  it("recurs on the same lot or the same supplier as another customer's complaint, and says which and on what value", async () => {
    const { auth } = await signedIn(['intake']);
    const a = await buildCustomer();
    const b = await buildCustomer();
    const c = await buildCustomer();
    const lot = await t.request().post('/api/v1/complaints').set(auth).send(entry(a.id, { receivedAt: '2026-10-20T09:00:00+07:00', productRef: 'AST-1', lotRef: 'L-77' }));
    const supplier = await t.request().post('/api/v1/complaints').set(auth).send(entry(b.id, { receivedAt: '2026-10-25T09:00:00+07:00', productRef: 'BNL-2', supplierRef: 'NCC-9' }));
    const later = await t.request().post('/api/v1/complaints').set(auth).send(entry(c.id, { productRef: 'TL-300', lotRef: 'L-77', supplierRef: 'NCC-9' }));
    expect(later.status).toBe(201);
    expect(later.body.recurring).toBe(true);
    const detail = await t.request().get(`/api/v1/complaints/${later.body.id}`).set(auth);
    expect(detail.body.recurrence).toEqual({
      periodDays: 90,
      matchedBy: ['lot', 'supplier'],
      earlier: [
        { id: supplier.body.id, reference: supplier.body.reference, receivedAt: '2026-10-25T02:00:00.000Z', matchedBy: ['supplier'], supplierRef: 'NCC-9' },
        { id: lot.body.id, reference: lot.body.reference, receivedAt: '2026-10-20T02:00:00.000Z', matchedBy: ['lot'], lotRef: 'L-77' },
      ],
    });
    expect(detail.body.earlierEntries).toEqual(expect.arrayContaining([expect.objectContaining({ id: lot.body.id, matchedBy: ['lot'] })]));
    // A feedback entry about the same lot is not an earlier complaint.
    const feedback = await t.request().post('/api/v1/complaints').set(auth).send(entry(a.id, { kind: 'feedback', receivedAt: '2026-11-01T09:00:00+07:00', lotRef: 'L-88' }));
    expect(feedback.status).toBe(201);
    expect((await t.request().post('/api/v1/complaints').set(auth).send(entry((await buildCustomer()).id, { lotRef: 'L-88' }))).body.recurring).toBe(false);
  });

  it('assigns a case only to an active user who holds quality: a sysadmin, an intake officer, an inactive user are 400 naming assigneeId', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const sysadmin = await buildUser({ roles: ['sysadmin'] });
    const officer = await buildUser({ roles: ['intake'] });
    const retired = await buildUser({ roles: ['quality'], active: false });
    const before = await Complaint.count();
    for (const user of [sysadmin, officer, retired]) {
      const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { assigneeId: user.id }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['assigneeId']);
    }
    const refused = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { assigneeId: sysadmin.id }));
    expect(refused.body.errors[0].message).toMatch(/quality/);
    expect(await Complaint.count()).toBe(before);
    const handler = await buildUser({ roles: ['quality', 'dept_head'] });
    const ok = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { assigneeId: handler.id }));
    expect(ok.status).toBe(201);
    expect(ok.body.assigneeId).toBe(handler.id);
  });

  it('creates the customer inline, with a generated code', async () => {
    const { auth } = await signedIn(['intake']);
    const body = { ...entry('x'), customerId: undefined, customer: { name: 'Công ty TNHH Hòa Bình', type: 'company', email: 'lienhe@hoabinh.vn' } };
    const res = await t.request().post('/api/v1/complaints').set(auth).send(body);
    expect(res.status).toBe(201);
    expect(res.body.customer).toMatchObject({ name: 'Công ty TNHH Hòa Bình', code: expect.stringMatching(/^KH-\d{6}$/) });
    expect(await Customer.count({ where: { name: 'Công ty TNHH Hòa Bình' } })).toBe(1);
  });

  it('numbers feedback separately (PH-) and defaults receivedAt to now', async () => {
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer();
    const res = await t.request().post('/api/v1/complaints').set(auth).send({ ...entry(customer.id, { kind: 'feedback' }), receivedAt: undefined, incidentDate: new Date().toISOString().slice(0, 10) });
    expect(res.status).toBe(201);
    expect(res.body.reference).toMatch(/^PH-\d{4}-\d{6}$/);
    expect(Math.abs(new Date(res.body.receivedAt).getTime() - Date.now())).toBeLessThan(60_000);
  });

  describe('gapless numbering', () => {
    const numbers = async (kind: string, year: number) =>
      (await sequelize().query<{ n: number }>('SELECT ref_number AS n FROM complaints WHERE kind = :kind AND ref_year = :year ORDER BY ref_number', { replacements: { kind, year }, type: QueryTypes.SELECT })).map((r) => r.n);

    it('stays gapless under concurrent intake', async () => {
      const { auth } = await signedIn(['intake']);
      const customer = await buildCustomer();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, { receivedAt: '2025-06-01T08:00:00+07:00', incidentDate: '2025-05-30', subject: `Đồng thời ${i}` }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
      expect(await numbers('complaint', 2025)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });

    it('gives a number back when the intake rolls back', async () => {
      const actor = (await signedIn(['intake'])).user;
      const customer = await buildCustomer();
      const input = { kind: 'feedback' as const, customerId: customer.id, channel: 'email' as const, receivedAt: new Date('2024-03-01T02:00:00Z'), incidentDate: '2024-02-28', category: 'business' as const, subject: 'x', description: 'y', severity: 'low' as const };
      await expect(asActor(() => transaction(async () => {
        await intakeComplaint(input, { userId: actor.id }, 'Asia/Ho_Chi_Minh');
        throw new Error('the surrounding work failed');
      }))).rejects.toThrow('the surrounding work failed');
      const kept = await asActor(() => intakeComplaint(input, { userId: actor.id }, 'Asia/Ho_Chi_Minh'));
      expect(kept.reference).toBe('PH-2024-000001');
    });
  });

  it('returns the new entry as a stored record: a later change audits only what changed', async () => {
    const actor = (await signedIn(['intake'])).user;
    const customer = await buildCustomer();
    const input = { kind: 'complaint' as const, customerId: customer.id, channel: 'email' as const, incidentDate: '2026-11-01', category: 'service_quality' as const, subject: 'Bảo hành chậm', description: 'Chờ 3 tuần.', severity: 'low' as const };
    const c = await asActor(() => intakeComplaint(input, { userId: actor.id }, 'Asia/Ho_Chi_Minh'));
    expect(c.isNewRecord).toBe(false);
    expect(c.changed()).toBe(false);
    await asActor(() => transaction(() => c.update({ subject: 'Bảo hành chậm 3 tuần' })));
    const event = await AuditEvent.findOne({ where: { entityId: c.id, action: 'complaint.updated' } });
    expect(event!.changes).toEqual({ before: { subject: 'Bảo hành chậm' }, after: { subject: 'Bảo hành chậm 3 tuần' } });
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ subject: 'Bảo hành chậm 3 tuần', version: 1 });
  });

  describe('Idempotency-Key', () => {
    it('answers a retry with the first response and creates nothing more', async () => {
      const { auth } = await signedIn(['intake']);
      const customer = await buildCustomer();
      const body = entry(customer.id, { subject: 'Thử lại' });
      const first = await t.request().post('/api/v1/complaints').set(auth).set('Idempotency-Key', 'retry-42').send(body);
      const again = await t.request().post('/api/v1/complaints').set(auth).set('Idempotency-Key', 'retry-42').send(body);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await Complaint.count({ where: { subject: 'Thử lại' } })).toBe(1);
    });

    it('answers 409 when the key is reused with another body, and 400 for a malformed key', async () => {
      const { auth } = await signedIn(['intake']);
      const customer = await buildCustomer();
      await t.request().post('/api/v1/complaints').set(auth).set('Idempotency-Key', 'k-1').send(entry(customer.id));
      const other = await t.request().post('/api/v1/complaints').set(auth).set('Idempotency-Key', 'k-1').send(entry(customer.id, { subject: 'khác' }));
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('conflict');
      expect((await t.request().post('/api/v1/complaints').set(auth).set('Idempotency-Key', 'x'.repeat(201)).send(entry(customer.id))).status).toBe(400);
    });
  });

  describe('bad input writes nothing', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an unknown kind', { kind: 'praise' }, 'kind'],
      ['an unknown channel', { channel: 'fax' }, 'channel'],
      ['a date that does not exist', { incidentDate: '2026-02-30' }, 'incidentDate'],
      ['an incident in the future', { incidentDate: '2099-01-01' }, 'incidentDate'],
      ['an incident after the receipt', { incidentDate: '2026-11-05' }, 'incidentDate'],
      ['a receipt in the future', { receivedAt: '2099-01-01T00:00:00+07:00' }, 'receivedAt'],
      ['a receipt without offset', { receivedAt: '2026-11-02T10:00:00' }, 'receivedAt'],
      ['an empty subject', { subject: '   ' }, 'subject'],
      ['a too long subject', { subject: 'x'.repeat(301) }, 'subject'],
      ['a wrong type', { safetyImpact: 'yes' }, 'safetyImpact'],
      ['an unknown severity', { severity: 'urgent' }, 'severity'],
      ['an unknown harm', { harm: 'bruise' }, 'harm'],
      ['an unknown field', { priority: 1 }, '(body)'],
      ['an unknown customer', { customerId: '00000000-0000-4000-8000-000000000000' }, 'customerId'],
      ['no customer at all', { customerId: undefined }, 'customerId'],
      ['an unknown assignee', { assigneeId: '00000000-0000-4000-8000-000000000000' }, 'assigneeId'],
    ];
    it.each(cases)('answers 400 for %s', async (_what, extra, path) => {
      const { auth } = await signedIn(['intake']);
      const customer = await buildCustomer();
      const before = await Complaint.count();
      const res = await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id, extra));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await Complaint.count()).toBe(before);
    });

    it('answers 401 without credentials and 403 for roles that do not log entries', async () => {
      const customer = await buildCustomer();
      expect((await t.request().post('/api/v1/complaints').send(entry(customer.id))).status).toBe(401);
      for (const role of ['cs_director', 'ceo', 'auditor', 'sysadmin', 'dept_head'] as const) {
        const { auth } = await signedIn([role]);
        expect((await t.request().post('/api/v1/complaints').set(auth).send(entry(customer.id))).status).toBe(403);
      }
    });
  });
});

describe('PATCH /api/v1/complaints/:id', () => {
  it('corrects the classification and recomputes the flags and the filing window', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ receivedAt: new Date('2026-11-02T03:00:00Z'), incidentDate: '2026-10-30' });
    const res = await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).set('If-Match', String(c.version)).send({ harm: 'death', category: 'business', incidentDate: '2026-09-01' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ harm: 'death', regulatoryReviewRequired: true, timeBarred: true, filingWindowEndsAt: '2026-10-01T16:59:59.999Z' });
    const stale = await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).set('If-Match', String(c.version)).send({ subject: 'x' });
    expect(stale.status).toBe(409);
  });

  it('reassigns only to a quality user: a sysadmin is 400 naming assigneeId and changes nothing', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint();
    const sysadmin = await buildUser({ roles: ['sysadmin'] });
    const refused = await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).send({ assigneeId: sysadmin.id, version: c.version });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['assigneeId']);
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ assigneeId: null, version: c.version });
    const handler = await buildUser({ roles: ['quality'] });
    const ok = await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).send({ assigneeId: handler.id, version: c.version });
    expect(ok.status).toBe(200);
    expect(ok.body.assigneeId).toBe(handler.id);
    // Unassigning needs no check.
    expect((await t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).send({ assigneeId: null, version: ok.body.version })).body.assigneeId).toBeNull();
  });

  it('lets the intake officer edit only while the entry is in intake', async () => {
    const intake = await signedIn(['intake']);
    const c = await buildComplaint();
    expect((await t.request().patch(`/api/v1/complaints/${c.id}`).set(intake.auth).send({ severity: 'high', version: c.version })).status).toBe(200);
    await Complaint.update({ status: 'investigation' }, { where: { id: c.id }, hooks: false });
    expect((await t.request().patch(`/api/v1/complaints/${c.id}`).set(intake.auth).send({ severity: 'low', version: c.version + 1 })).status).toBe(403);
  });
});
