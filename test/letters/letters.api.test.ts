import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { AuditEvent, CaseClock, Complaint, Letter } from '../../src/models';
import { useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { buildComplaint, buildCustomer, sealCase, signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

let quality: Awaited<ReturnType<typeof signedIn>>;

const letterhead = { organisationName: 'Công ty Cổ phần Thiết bị Nước Sạch', address: 'Tầng 5, Tòa nhà 169 Nguyễn Ngọc Vũ, Cầu Giấy, Hà Nội', phone: '024 3333 8888', email: 'cskh@nuocsach.vn', city: 'Hà Nội' };

beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  const admin = await signedIn(['sysadmin']);
  const put = await t.request().put('/api/v1/settings/letterhead').set(admin.auth).send({ value: letterhead });
  expect(put.status).toBe(200);
});

async function caseWith(customer: Parameters<typeof buildCustomer>[0] = {}): Promise<Complaint> {
  const c = await buildCustomer({ name: 'Nguyễn Thị Thu Hằng', address: 'Số 12 ngõ 34 Phố Huế, Hai Bà Trưng, Hà Nội', ...customer });
  return buildComplaint({ customerId: c.id, subject: 'Máy lọc nước rò rỉ ở khớp nối' }, quality.user);
}

const issue = (id: string, body: Record<string, unknown>, auth = quality.auth) => t.request().post(`/api/v1/complaints/${id}/letters`).set(auth).send(body);

describe('POST /api/v1/complaints/:id/letters', () => {
  it('answers 401 without credentials', async () => {
    const c = await caseWith();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/letters`).send({ template: 'first_reply', channel: 'post' })).status).toBe(401);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).send({ template: 'first_reply', channel: 'post' })).status).toBe(401);
  });

  it('refuses a role that issues no letter, and a kind the role may not issue (403)', async () => {
    const c = await caseWith();
    for (const role of ['dept_head', 'cs_director', 'auditor', 'sysadmin'] as const) {
      const { auth } = await signedIn([role]);
      expect((await issue(c.id, { template: 'first_reply', channel: 'post' }, auth)).status).toBe(403);
    }
    const legal = await signedIn(['legal']);
    expect((await issue(c.id, { template: 'resolution', channel: 'post' }, legal.auth)).status).toBe(403);
    const intake = await signedIn(['intake']);
    expect((await issue(c.id, { template: 'resolution', channel: 'post' }, intake.auth)).status).toBe(403);
    expect((await issue(c.id, { template: 'receipt', channel: 'in_person' }, intake.auth)).status).toBe(201);
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(1);
  });

  it('lets legal issue the second-round letter', async () => {
    const c = await caseWith();
    const legal = await signedIn(['legal']);
    const res = await issue(c.id, { template: 'second_round', channel: 'post' }, legal.auth);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ template: 'second_round', round: 1, author: { id: legal.user.id } });
  });

  it('answers 404 for a case that does not exist', async () => {
    expect((await issue('00000000-0000-4000-8000-000000000000', { template: 'first_reply', channel: 'post' })).status).toBe(404);
  });

  it.each([
    ['an unknown template', { template: 'apology', channel: 'post' }, 'template'],
    ['an unknown locale', { template: 'first_reply', channel: 'post', locale: 'fr' }, 'locale'],
    ['an unknown channel', { template: 'first_reply', channel: 'fax' }, 'channel'],
    ['a meeting without its place', { template: 'invitation', channel: 'post', meeting: { at: '2026-11-05T09:00:00+07:00' } }, 'meeting.place'],
  ])('refuses %s with 400 naming the field', async (_what, body, path) => {
    const c = await caseWith();
    const res = await issue(c.id, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('refuses an e-mail letter to a customer without an address (400 naming `channel`), and an invitation without its meeting', async () => {
    const c = await caseWith({ email: null });
    const res = await issue(c.id, { template: 'first_reply', channel: 'email' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'channel', message: 'The customer has no e-mail address: choose another channel.' }]);
    const inv = await issue(c.id, { template: 'invitation', channel: 'post' });
    expect(inv.status).toBe(400);
    expect(inv.body.errors).toEqual([expect.objectContaining({ path: 'meeting' })]);
    const phone = await issue(c.id, { template: 'first_reply', channel: 'phone', handedOverAt: new Date().toISOString() });
    expect(phone.status).toBe(400);
    expect(phone.body.errors).toEqual([expect.objectContaining({ path: 'handedOverAt' })]);
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('refuses a letter for a sealed case (409)', async () => {
    const c = await caseWith();
    await sealCase(c.id);
    const res = await issue(c.id, { template: 'closure', channel: 'post' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('immutable_record');
    expect((await t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).set(quality.auth).send({ template: 'closure', channel: 'post' })).status).toBe(409);
  });

  it('issues a letter by post: stored with its hash, template version, author and hand-over; the PDF is served as stored', async () => {
    const c = await caseWith();
    const res = await issue(c.id, { template: 'first_reply', channel: 'post' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), template: 'first_reply', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sentAt: expect.any(String), pdfUrl: `/api/v1/letters/${res.body.id}/pdf` });
    expect(res.body).toMatchObject({ channel: 'post', templateVersion: 1, locale: 'vi', author: { name: 'Trần Thị Hồng Nhung' }, handedOverBy: { id: quality.user.id }, handedOverAt: res.body.issuedAt, sentAt: res.body.issuedAt });

    const pdf = await asBytes(t.request().get(res.body.pdfUrl).set(quality.auth));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(createHash('sha256').update(pdf.body as Buffer).digest('hex')).toBe(res.body.sha256);
    const text = await pdfText(pdf);
    const day = DateTime.fromISO(res.body.issuedAt, { zone: ZONE });
    expect(text).toContain(`Hà Nội, ngày ${day.toFormat('dd')} tháng ${day.toFormat('MM')} năm ${day.year}`);
    expect(text).toContain(c.reference);
    expect(text).toContain('Nguyễn Thị Thu Hằng');
    expect(text).toContain('THƯ TRẢ LỜI');
    expect(text).toContain('CÔNG TY CỔ PHẦN THIẾT BỊ NƯỚC SẠCH');

    // Every reader of the case may read it; the detail lists it.
    const ceo = await signedIn(['ceo']);
    expect((await asBytes(t.request().get(res.body.pdfUrl).set(ceo.auth))).status).toBe(200);
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(ceo.auth);
    expect(detail.body.letters).toEqual([expect.objectContaining({ id: res.body.id, template: 'first_reply' })]);
  });

  it('serves the PDF only to readers (401, 403, 404)', async () => {
    const c = await caseWith();
    const { body } = await issue(c.id, { template: 'acknowledgment', channel: 'in_person' });
    expect((await t.request().get(body.pdfUrl)).status).toBe(401);
    const admin = await signedIn(['sysadmin']);
    expect((await t.request().get(body.pdfUrl).set(admin.auth)).status).toBe(403);
    expect((await t.request().get('/api/v1/letters/00000000-0000-4000-8000-000000000000/pdf').set(quality.auth)).status).toBe(404);
  });

  it('meets the 48-hour first-reply clock once, with the letter; a later reply letter leaves it as it was', async () => {
    const c = await caseWith();
    const ack = await issue(c.id, { template: 'acknowledgment', channel: 'post' });
    expect(ack.status).toBe(201);
    expect((await Complaint.findByPk(c.id))!.firstRepliedAt).toBeNull();
    const inv = await issue(c.id, { template: 'invitation', channel: 'post', meeting: { at: '2026-12-20T09:00:00+07:00', place: 'Văn phòng Công ty' } });
    expect(inv.status).toBe(201);
    const after = (await Complaint.findByPk(c.id))!;
    expect(after.firstRepliedAt!.toISOString()).toBe(inv.body.issuedAt);
    expect(after.firstReplyVia).toBe('post');
    const clock = (await CaseClock.findOne({ where: { complaintId: c.id, kind: 'firstReply' } }))!;
    expect(clock.metAt!.toISOString()).toBe(inv.body.issuedAt);
    expect(clock.outcome).toBe('met');
    const again = await issue(c.id, { template: 'first_reply', channel: 'post' });
    expect(again.status).toBe(201);
    expect((await Complaint.findByPk(c.id))!.firstRepliedAt!.toISOString()).toBe(inv.body.issuedAt);
    // The route for a reply made outside Casebook says it is recorded already.
    expect((await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(quality.auth).send({ via: 'post' })).status).toBe(409);
    const events = await AuditEvent.findAll({ where: { entityId: c.id, action: 'complaint.first_reply_recorded' } });
    expect(events).toHaveLength(1);
  });

  it('records the invitation\'s meeting in the letter', async () => {
    const c = await caseWith();
    const res = await issue(c.id, { template: 'invitation', channel: 'in_person', meeting: { at: '2026-12-20T09:00:00+07:00', place: 'Phòng tiếp khách, tầng 2' } });
    expect(res.status).toBe(201);
    expect(res.body.meeting).toEqual({ at: '2026-12-20T09:00:00+07:00', place: 'Phòng tiếp khách, tầng 2' });
    const text = await pdfText(await asBytes(t.request().get(res.body.pdfUrl).set(quality.auth)));
    expect(text).toContain('20/12/2026 09:00');
    expect(text).toContain('Phòng tiếp khách, tầng 2');
  });

  it('is immutable in the database: an UPDATE or DELETE of an issued letter is refused (CB001)', async () => {
    const c = await caseWith();
    const { body } = await issue(c.id, { template: 'first_reply', channel: 'post' });
    for (const sql of ["UPDATE letters SET channel = 'phone' WHERE id = $1", 'UPDATE letters SET sent_at = now() WHERE id = $1', 'DELETE FROM letters WHERE id = $1']) {
      await expect(sequelize().query(sql, { bind: [body.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    }
    await expect(sequelize().query("UPDATE letter_pdfs SET bytes = '\\x00'::bytea, size = 1 WHERE sha256 = $1", { bind: [body.sha256] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
    await expect(
      asActor(() => transaction(async () => (await Letter.findByPk(body.id))!.update({ channel: 'phone' }))),
    ).rejects.toMatchObject({ parent: { code: 'CB001' } });
    expect((await Letter.findByPk(body.id))!.channel).toBe('post');
  });

  it('stores six letters issued on one case at once, each with its audit event', async () => {
    const c = await caseWith();
    const kinds = ['acknowledgment', 'first_reply', 'resolution', 'closure', 'first_reply', 'time_barred'];
    const results = await Promise.all(kinds.map((template) => issue(c.id, { template, channel: 'post' })));
    expect(results.map((r) => r.status)).toEqual(kinds.map(() => 201));
    const letters = await Letter.findAll({ where: { complaintId: c.id } });
    expect(letters).toHaveLength(6);
    for (const r of results) {
      const bytes = await asBytes(t.request().get(r.body.pdfUrl).set(quality.auth));
      expect(createHash('sha256').update(bytes.body as Buffer).digest('hex')).toBe(r.body.sha256);
    }
    // Different kinds say different things: their bytes differ.
    expect(new Set(results.filter((r) => r.body.template !== 'first_reply').map((r) => r.body.sha256)).size).toBe(4);
    const events = await AuditEvent.findAll({ where: { complaintId: c.id, action: 'letter.issued' } });
    expect(events.map((e) => e.entityId).sort()).toEqual(letters.map((l) => l.id).sort());
    // The first reply was met once, by one of the three letters that can meet it.
    expect(await AuditEvent.count({ where: { entityId: c.id, action: 'complaint.first_reply_recorded' } })).toBe(1);
    const rows = await sequelize().query<{ n: string }>('SELECT count(DISTINCT sha256) AS n FROM letters WHERE complaint_id = $1', { bind: [c.id], type: QueryTypes.SELECT });
    expect(Number(rows[0].n)).toBe(new Set(letters.map((l) => l.sha256)).size);
  });
});

describe('POST /api/v1/complaints/:id/letters/preview', () => {
  it('returns the PDF and stores nothing, audits nothing', async () => {
    const c = await caseWith();
    const before = await AuditEvent.count({ where: { complaintId: c.id } });
    const res = await asBytes(t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).set(quality.auth).send({ template: 'resolution', channel: 'post', locale: 'en' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res);
    expect(text).toContain('RESOLUTION OF YOUR COMPLAINT');
    expect(text).toMatch(/Hanoi, \d{1,2} [A-Z][a-z]+ \d{4}/);
    expect(await Letter.count({ where: { complaintId: c.id } })).toBe(0);
    expect(await AuditEvent.count({ where: { complaintId: c.id } })).toBe(before);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).set(quality.auth).send({ template: 'nope', channel: 'post' })).status).toBe(400);
    const { auth } = await signedIn(['dept_head']);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).set(auth).send({ template: 'resolution', channel: 'post' })).status).toBe(403);
    expect((await t.request().post('/api/v1/complaints/00000000-0000-4000-8000-000000000000/letters/preview').set(quality.auth).send({ template: 'resolution', channel: 'post' })).status).toBe(404);
  });
});
