import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { answerSurvey, inviteToSurvey } from '../../src/commands/surveys';
import { createCustomerService } from '../../src/commands/customerServices';
import { asActor } from '../support/context';
import { verifyArchives } from '../../src/commands/archiveVerifier';
import { Archive, Complaint, Customer, Disposal } from '../../src/models';
import { useTestApp } from '../support/app';
import { useTestClock } from '../support/clock';
import { useFixedClock } from '../../src/lib/clock';
import { closedTestCase, readyForDisposal, sealedTestArchive } from '../support/archives';
import { disputedCase, CONTAINMENT, SOLUTION_SUMMARY } from '../dispute/fixture';
import { disposeCaseContent } from '../../src/commands/disposal';
import { buildComplaint, buildCustomer, sealCase, signedIn } from '../support/factories';
import { moveTestCase } from '../support/procedure';
import { issueTestLetter } from '../support/letters';
import { PDF, uploadVia } from '../evidence/helpers';
import { serverUrl } from '../support/testDatabase';

const t = useTestApp();
useTestClock();

type Auth = Record<string, string>;
const DAY_MS = 86_400_000;
const propose = (auth: Auth, archiveId: string, body: unknown = { reason: 'Hết thời hạn lưu trữ 5 năm.' }) =>
  t.request().post(`/api/v1/archives/${archiveId}/disposal`).set(auth).send(body as object);
const approve = (auth: Auth, id: string, body: unknown = {}) => t.request().post(`/api/v1/disposals/${id}/approve`).set(auth).send(body as object);
const decline = (auth: Auth, id: string, body: unknown = {}) => t.request().post(`/api/v1/disposals/${id}/decline`).set(auth).send(body as object);

let admin: Awaited<ReturnType<typeof signedIn>>;
let legal: Awaited<ReturnType<typeof signedIn>>;
let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  [admin, legal, quality] = [await signedIn(['sysadmin']), await signedIn(['legal']), await signedIn(['quality'])];
});

/** A sealed archive, with the clock moved past its retention end. */
async function dueArchive() {
  const sealed = await sealedTestArchive();
  useFixedClock(sealed.archive.retentionUntil.getTime() + DAY_MS);
  return sealed;
}

describe('POST /api/v1/archives/:id/disposal', () => {
  it('401 without a login, 403 for anyone but sysadmin (before saying anything about the archive), 404 for an unknown archive, 400 without a reason', async () => {
    const { archive } = await dueArchive();
    expect((await t.request().post(`/api/v1/archives/${archive.id}/disposal`).send({ reason: 'x' })).status).toBe(401);
    for (const who of [quality, legal]) {
      const res = await propose(who.auth, archive.id);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await propose(quality.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(403);
    expect((await propose(admin.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await propose(admin.auth, archive.id, { reason: '   ' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(await Disposal.count({ where: { archiveId: archive.id } })).toBe(0);
  });

  it('409 before the retention ends and while the archive is held; 201 once due; 409 while a proposal waits, also when two are sent at once', async () => {
    const { archive } = await sealedTestArchive();
    const early = await propose(admin.auth, archive.id);
    expect(early.status).toBe(409);
    expect(early.body.errors[0].message).toMatch(/retention has not ended/);

    useFixedClock(archive.retentionUntil.getTime() + DAY_MS);
    const held = await t.request().post(`/api/v1/archives/${archive.id}/legal-hold`).set(legal.auth).send({ hold: true, reason: 'Tranh chấp đang xét xử.' });
    expect(held.status).toBe(200);
    const refused = await propose(admin.auth, archive.id);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(/legal hold/);
    await t.request().post(`/api/v1/archives/${archive.id}/legal-hold`).set(legal.auth).send({ hold: false, reason: 'Vụ án đã kết thúc.' });

    const both = await Promise.all([propose(admin.auth, archive.id), propose(admin.auth, archive.id), propose(admin.auth, archive.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const created = both.find((r) => r.status === 201)!;
    expect(created.body).toMatchObject({ id: expect.any(String), archiveId: archive.id, proposedBy: admin.user.id, status: 'proposed', reason: 'Hết thời hạn lưu trữ 5 năm.' });
    expect(both.find((r) => r.status === 409)!.body.errors[0].message).toMatch(/already waiting/);
    expect(await Disposal.count({ where: { archiveId: archive.id } })).toBe(1);
  });
});

describe('POST /api/v1/disposals/:id/approve and /decline', () => {
  it('403 for anyone but legal and for the proposer (a second person must decide), 404 unknown, 409 once decided', async () => {
    const { archive } = await dueArchive();
    const both = await signedIn(['sysadmin', 'legal']);
    const proposed = await propose(both.auth, archive.id);
    expect(proposed.status).toBe(201);
    const id = proposed.body.id as string;
    expect((await t.request().post(`/api/v1/disposals/${id}/approve`).send({})).status).toBe(401);
    expect((await approve(admin.auth, id)).status).toBe(403);
    expect((await approve(quality.auth, id)).status).toBe(403);
    const own = await approve(both.auth, id);
    expect(own.status).toBe(403);
    expect(own.body.errors[0].message).toMatch(/second person/);
    expect((await decline(both.auth, id)).status).toBe(403);
    expect((await approve(legal.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await approve(legal.auth, id, { comment: 'x'.repeat(2001) })).status).toBe(400);

    const declined = await decline(legal.auth, id, { comment: 'Khách hàng còn khiếu nại liên quan.' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ id, status: 'declined', decidedBy: legal.user.id, comment: 'Khách hàng còn khiếu nại liên quan.' });
    expect((await approve(legal.auth, id)).status).toBe(409);
    expect((await Archive.findByPk(archive.id, { rejectOnEmpty: true })).disposedAt).toBeNull();
    // A new proposal may follow a declined one.
    expect((await propose(admin.auth, archive.id)).status).toBe(201);
  });

  it('approving disposes of the case once, also when two lawyers approve at the same moment; a hold placed meanwhile stops it', async () => {
    const { archive, complaint } = await dueArchive();
    const other = await signedIn(['legal']);
    const proposed = await propose(admin.auth, archive.id);
    const id = proposed.body.id as string;
    const [a, b] = await Promise.all([approve(legal.auth, id, { comment: 'Đồng ý.' }), approve(other.auth, id)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const ok = a.status === 200 ? a : b;
    expect(ok.body).toEqual({
      id,
      status: 'approved',
      archive: {
        id: archive.id,
        disposedAt: expect.any(String),
        tombstone: expect.objectContaining({ reference: complaint.reference, sha256: archive.sha256, position: archive.position, disposalId: id, proposedBy: admin.user.id }),
      },
    });
    expect((await propose(admin.auth, archive.id)).status).toBe(409);

    const held = await dueArchive();
    const second = await propose(admin.auth, held.archive.id);
    await t.request().post(`/api/v1/archives/${held.archive.id}/legal-hold`).set(legal.auth).send({ hold: true, reason: 'Cơ quan điều tra yêu cầu giữ.' });
    const stopped = await approve(legal.auth, second.body.id as string);
    expect(stopped.status).toBe(409);
    expect(stopped.body.errors[0].message).toMatch(/legal hold/);
    expect((await Archive.findByPk(held.archive.id, { rejectOnEmpty: true })).disposedAt).toBeNull();
  });

  it('lists the proposals for legal, sysadmin and auditors, open ones first; 403 for others', async () => {
    const auditor = await signedIn(['auditor']);
    for (const who of [legal, admin, auditor]) {
      const res = await t.request().get('/api/v1/disposals?status=proposed&limit=5').set(who.auth);
      expect(res.status).toBe(200);
      expect(res.body.items.every((d: { status: string }) => d.status === 'proposed')).toBe(true);
    }
    // Keyset pages, open ones first, each proposal once.
    const seen: Array<{ id: string; status: string }> = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string; status: string }>; nextCursor: string | null } } = await t.request().get(`/api/v1/disposals?limit=1${cursor ? `&cursor=${cursor}` : ''}`).set(legal.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
    const firstClosed = seen.findIndex((d) => d.status !== 'proposed');
    if (firstClosed >= 0) expect(seen.slice(firstClosed).every((d) => d.status !== 'proposed')).toBe(true);
    expect((await t.request().get('/api/v1/disposals?cursor=garbage').set(legal.auth)).status).toBe(400);
    expect((await t.request().get('/api/v1/disposals').set(quality.auth)).status).toBe(403);
    expect((await t.request().get('/api/v1/disposals?status=gone').set(legal.auth)).status).toBe(400);
  });
});

/** Every table and column whose text contains `needle`, and every bytea holding its bytes: what a dump would show. */
async function copiesOf(needle: string): Promise<string[]> {
  const tables = await sequelize().query<{ table: string }>(
    `SELECT table_name AS "table" FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    { type: QueryTypes.SELECT },
  );
  const found: string[] = [];
  const hex = Buffer.from(needle, 'utf8').toString('hex');
  for (const { table } of tables) {
    const [{ n }] = await sequelize().query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE $1 OR t::text LIKE $2`, {
      bind: [`%${needle}%`, `%${hex}%`],
      type: QueryTypes.SELECT,
    });
    if (n > 0) found.push(table);
  }
  return found;
}

describe('what disposal leaves behind', () => {
  it('no copy of the case’s text, its minutes, its files or its customer anywhere — a pg_dump neither — while every chain verifies and the log book lists it as disposed', async () => {
    const token = randomBytes(6).toString('hex');
    const customer = await buildCustomer({ name: `Nguyễn Thị Riêng ${token}`, email: `rieng-${token}@example.vn`, phone: '0912345678' });
    await asActor(() => createCustomerService(customer.id, { name: 'Bảo trì máy lọc nước', kind: 'maintenance', expiresOn: '2027-06-30', notes: `Gọi chị Riêng ${token} trước khi đến` }));
    const director = await signedIn(['cs_director']);
    let c = await buildComplaint({ customerId: customer.id, subject: `Tiêu đề ${token}`, description: `Mô tả riêng tư ${token}`, lotRef: `LOT-${token}` }, quality.user);
    c = await moveTestCase(c, ['investigation']);
    const file = Buffer.concat([PDF, Buffer.from(`%${token}\n`, 'latin1')]);
    expect((await uploadVia(t.app, quality.auth, c.id, `biên-bản-${token}.pdf`, file, `Ảnh ${token}`)).status).toBe(201);
    const meeting = await t.request().post(`/api/v1/complaints/${c.id}/meetings`).set(quality.auth).send({
      heldAt: new Date(Date.now() - 3600_000).toISOString(),
      attendees: [quality.user.id, `Ông Khách ${token}`],
      agenda: `Chương trình ${token}`,
      minutes: `Biên bản họp ${token}`,
      decisions: `Quyết định ${token}`,
      assignments: [],
    });
    expect(meeting.status).toBe(201);
    expect((await t.request().post(`/api/v1/meetings/${meeting.body.id}/approve`).set(director.auth).send({ version: meeting.body.version })).status).toBe(200);
    c = await moveTestCase(c, ['solution', 'review', 'response', 'follow_up', 'closed'], { note: `Ghi chú ${token}` });
    await issueTestLetter(c.id, 'closure');
    // The satisfaction survey: the customer's comment is theirs too.
    await asActor(() => transaction(() => inviteToSurvey({ id: c.id, customerName: customer.name, customerEmail: customer.email! })));
    const [{ link }] = await sequelize().query<{ link: string }>(`SELECT payload->>'token' AS link FROM outbox WHERE complaint_id = $1 AND kind = 'survey.requested'`, {
      bind: [c.id],
      type: QueryTypes.SELECT,
    });
    await answerSurvey(link, { rating: 2, comment: `Góp ý riêng ${token}` });
    const sealed = await t.request().post(`/api/v1/complaints/${c.id}/archive`).set(quality.auth).send({});
    expect(sealed.status).toBe(201);
    expect(await copiesOf(token)).toEqual(expect.arrayContaining(['complaints', 'customers', 'customer_services', 'evidence', 'evidence_blob_chunks', 'meetings', 'survey_answers', 'archives', 'audit_event_contents']));

    const archive = await Archive.findByPk(sealed.body.id as string, { rejectOnEmpty: true });
    useFixedClock(archive.retentionUntil.getTime() + DAY_MS);
    const proposed = await propose(admin.auth, archive.id);
    expect(proposed.status).toBe(201);
    const approved = await approve(legal.auth, proposed.body.id as string);
    expect(approved.body).toMatchObject({ status: 'approved' });

    expect(await copiesOf(token)).toEqual([]);
    const url = serverUrl();
    if (url) {
      // The server: a real dump of this test's database.
      const [{ db }] = await sequelize().query<{ db: string }>('SELECT current_database() AS db', { type: QueryTypes.SELECT });
      const target = new URL(url);
      target.pathname = `/${db}`;
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', target.toString()], { maxBuffer: 512 * 1024 * 1024 });
      expect(stdout).toContain(c.reference);
      expect(stdout).not.toContain(token);
    }
    // The tombstone and the log book keep the reference; the customer is erased (this was their only case).
    const row = await Archive.findByPk(archive.id, { rejectOnEmpty: true });
    expect(row.snapshot).toBe('');
    expect(row.tombstone).toMatchObject({ reference: c.reference, sha256: archive.sha256, customerErased: true });
    expect((await Customer.findByPk(customer.id, { rejectOnEmpty: true })).email).toBeNull();
    expect((await Complaint.findByPk(c.id, { rejectOnEmpty: true })).reference).toBe(c.reference);

    const report = await verifyArchives();
    expect(report.failures).toEqual([]);
    const book = await t.request().get('/api/v1/reports/feedback-log.xlsx').set((await signedIn(['auditor'])).auth).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(book.status).toBe(200);
    const { default: excel } = await import('exceljs');
    const wb = new excel.Workbook();
    await wb.xlsx.load(book.body as unknown as import('exceljs').Buffer);
    const line = wb.worksheets[0].getSheetValues().find((r) => Array.isArray(r) && r.includes(c.reference)) as unknown[];
    expect(line).toBeDefined();
    expect(line.join(' ')).toMatch(/Đã tiêu hủy/);
  });

  it('purges the investigation’s records through every lock: the regulatory review and the CEO’s signed content, the corrective action, the solution and its review', async () => {
    const d = await disputedCase(t.app);
    await sealCase(d.complaint.id);
    const meta = await readyForDisposal(d.complaint.id);
    await asActor(() => disposeCaseContent(d.complaint.id, meta));
    for (const text of [d.rootCause, d.responsiblePerson, d.disciplinaryMeasure, SOLUTION_SUMMARY, CONTAINMENT, 'Khách hàng bị bỏng nhẹ', 'Có tổn hại nghiêm trọng', 'Đồng ý phương án đổi máy', 'Kho xác nhận dây nguồn']) {
      expect([text, await copiesOf(text)]).toEqual([text, []]);
    }
    const [signature] = await sequelize().query<{ content: object; content_sha256: string }>('SELECT content, content_sha256 FROM signatures WHERE complaint_id = $1', {
      bind: [d.complaint.id],
      type: QueryTypes.SELECT,
    });
    // The signed content is gone; its hash, the proof of what was signed, stays.
    expect(signature).toEqual({ content: {}, content_sha256: d.signatureSha256 });
  });

  it('keeps a customer with another live case, and the bytes another live case still uses', async () => {
    const customer = await buildCustomer();
    const closed = await closedTestCase({ customerId: customer.id });
    const live = await buildComplaint({ customerId: customer.id });
    const shared = Buffer.concat([PDF, Buffer.from(`%${randomBytes(6).toString('hex')}\n`, 'latin1')]);
    expect((await uploadVia(t.app, quality.auth, closed.id, 'a.pdf', shared)).status).toBe(201);
    expect((await uploadVia(t.app, quality.auth, live.id, 'b.pdf', shared)).status).toBe(201);
    const sealed = await t.request().post(`/api/v1/complaints/${closed.id}/archive`).set(quality.auth).send({});
    const kept = { archive: await Archive.findByPk(sealed.body.id as string, { rejectOnEmpty: true }) };
    useFixedClock(kept.archive.retentionUntil.getTime() + DAY_MS);
    const proposed = await propose(admin.auth, kept.archive.id);
    expect((await approve(legal.auth, proposed.body.id as string)).status).toBe(200);
    expect((await Customer.findByPk(customer.id, { rejectOnEmpty: true })).email).toBe(customer.email);
    expect((await Archive.findByPk(kept.archive.id, { rejectOnEmpty: true })).tombstone).toMatchObject({ customerErased: false });
    const [{ n }] = await sequelize().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM evidence_blob_chunks ch JOIN evidence_blobs b ON b.chunk_set = ch.chunk_set WHERE b.sha256 = (SELECT blob_sha256 FROM evidence WHERE complaint_id = $1)',
      { bind: [live.id], type: QueryTypes.SELECT },
    );
    expect(n).toBeGreaterThan(0);
    expect((await verifyArchives()).failures).toEqual([]);
  });
});
