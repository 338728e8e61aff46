import { Setting } from '../../src/models';
import { signedInAgent, useTestApp } from '../support/app';
import { asBytes, pdfText } from '../support/pdf';
import { asActor } from '../support/context';
import { buildComplaint, buildUser, signedIn } from '../support/factories';
import { transaction } from '../../src/db';

const t = useTestApp();

type Auth = Record<string, string>;
const create = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/meetings`).set(auth).send(body);
const approve = (auth: Auth, id: string, version: number) => t.request().post(`/api/v1/meetings/${id}/approve`).set(auth).send({ version });
const pdf = (auth: Auth, id: string) => asBytes(t.request().get(`/api/v1/meetings/${id}/minutes.pdf`).set(auth));


let quality: Awaited<ReturnType<typeof signedIn>>;
let director: Awaited<ReturnType<typeof signedIn>>;
let hoa: Awaited<ReturnType<typeof buildUser>>;
beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  director = await signedIn(['cs_director'], { name: 'Lê Văn Giám' });
  hoa = await buildUser({ roles: ['dept_head'], name: 'Nguyễn Thị Hoa' });
});

const body = (extra: Record<string, unknown> = {}) => ({
  heldAt: '2026-11-20T09:30:00+07:00',
  attendees: [hoa.id, 'P.KD', 'Kho'],
  agenda: 'Rò rỉ máy lọc nước lô L-2611: nguyên nhân và biện pháp khắc phục.',
  minutes: 'P.KD trình bày phản ánh của khách; Kho xác nhận đóng gói thiếu xốp chèn góc.',
  decisions: 'Đổi trả 20 thùng cho khách; Kho bổ sung quy cách đóng gói.',
  assignments: [{ assigneeId: hoa.id, task: 'Đổi trả 20 thùng cho đại lý', dueAt: '2026-11-27T17:00:00+07:00' }],
  ...extra,
});

describe('GET /api/v1/meetings/:id/minutes.pdf', () => {
  it('prints the minutes in Vietnamese: title, case, time in the organisation zone, attendees, assignments and the status', async () => {
    const c = await buildComplaint({ subject: 'Máy lọc nước rò rỉ tại đại lý' });
    const made = await create(quality.auth, c.id, body());
    expect(made.status).toBe(201);

    const draft = await pdf(quality.auth, made.body.id);
    expect(draft.status).toBe(200);
    expect(draft.headers['content-type']).toBe('application/pdf');
    expect(draft.headers['content-disposition']).toMatch(/^inline; filename="bien-ban-hop_.+_2026-11-20\.pdf"$/);
    expect((draft.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(draft);
    for (const expected of [
      'BIÊN BẢN CUỘC HỌP',
      `Hồ sơ ${c.reference}: Máy lọc nước rò rỉ tại đại lý`,
      '20/11/2026 09:30',
      'Nguyễn Thị Hoa, P.KD, Kho',
      'Rò rỉ máy lọc nước lô L-2611',
      'Kho xác nhận đóng gói thiếu xốp chèn góc.',
      'Đổi trả 20 thùng cho khách; Kho bổ sung quy cách đóng gói.',
      'PHÂN CÔNG THỰC HIỆN',
      '1 Nguyễn Thị Hoa Đổi trả 20 thùng cho đại lý',
      '27/11/2026 17:00',
      'BẢN NHÁP',
      'Trang 1/1',
    ]) {
      expect(text).toContain(expected);
    }

    await approve(director.auth, made.body.id, 0);
    const approved = await pdfText(await pdf(quality.auth, made.body.id));
    expect(approved).toMatch(/ĐÃ DUYỆT bởi Lê Văn Giám lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(approved).not.toContain('BẢN NHÁP');

    const fix = await create(quality.auth, c.id, body({ supersedes: made.body.id }));
    expect(fix.status).toBe(201);
    expect(await pdfText(await pdf(quality.auth, made.body.id))).toContain('ĐÃ ĐƯỢC THAY THẾ');
  });

  it('names the organisation when the settings do, and breaks long minutes over numbered pages', async () => {
    await asActor(() => transaction(() => Setting.upsert({ key: 'organisation_name', value: { name: 'Công ty TNHH Nước Sạch Miền Nam' } })));
    try {
      const c = await buildComplaint();
      const long = Array.from({ length: 120 }, (_, i) => `Ý kiến thứ ${i + 1}: thống nhất phương án xử lý.`).join('\n');
      const made = await create(quality.auth, c.id, body({ minutes: long }));
      const text = await pdfText(await pdf(director.auth, made.body.id));
      expect(text).toContain('CÔNG TY TNHH NƯỚC SẠCH MIỀN NAM');
      expect(text).toMatch(/Trang 1\/[2-9]/);
      expect(text).toContain('Ý kiến thứ 120: thống nhất phương án xử lý.');
    } finally {
      await asActor(() => transaction(async () => (await Setting.findByPk('organisation_name'))?.destroy()));
    }
  });

  it('answers 401 without a sign-in, 403 to a role that reads no cases, 404 for an unknown meeting; the page session reads it too', async () => {
    const c = await buildComplaint();
    const made = await create(quality.auth, c.id, body());
    const anonymous = await t.request().get(`/api/v1/meetings/${made.body.id}/minutes.pdf`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    const sysadmin = await signedIn(['sysadmin']);
    const refused = await t.request().get(`/api/v1/meetings/${made.body.id}/minutes.pdf`).set(sysadmin.auth);
    expect(refused.status).toBe(403);
    const unknown = await t.request().get('/api/v1/meetings/00000000-0000-4000-8000-000000000000/minutes.pdf').set(quality.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found' });
    const malformed = await t.request().get('/api/v1/meetings/not-an-id/minutes.pdf').set(quality.auth);
    expect(malformed.status).toBe(404);
    // The case page links the API route: the session cookie is enough (a GET needs no CSRF token).
    const { agent } = await signedInAgent(t.app, ['ceo']);
    const viaPage = await agent.get(`/api/v1/meetings/${made.body.id}/minutes.pdf`);
    expect(viaPage.status).toBe(200);
    expect(viaPage.headers['content-type']).toBe('application/pdf');
  });
});
