import ExcelJS from 'exceljs';
import express from 'express';
import { DateTime } from 'luxon';
import request from 'supertest';
import { authenticateRequest } from '../../src/http/auth';
import { reportsApi } from '../../src/features/reports/api';
import { cellText, HEADER_ROW, resolutionTimeliness, toWallClock, wallClockIn } from '../../src/features/reports/feedbackLog';
import { errorHandler } from '../../src/lib/errorHandler';
import { requestContext } from '../../src/lib/requestContext';
import { AuditEvent, type Complaint, type Customer, type User } from '../../src/models';
import { FEEDBACK_LOG_COLUMNS } from '../../reports/feedback-log';
import { CATEGORIES, CHANNELS, KINDS, SEVERITIES, type Channel } from '../../src/domain/entries';
import { STAGES } from '../../src/domain/workflow';
import { translator } from '../../src/lib/i18n';
import { feedbackLogBatches, type FeedbackLogEntry, type FeedbackLogRange } from '../../src/queries/feedbackLog';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, buildUser, signedIn } from '../support/factories';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';
const URL = '/api/v1/reports/feedback-log.xlsx';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADERS_VI = [
  'STT',
  'Số tham chiếu',
  'Thời điểm tiếp nhận',
  'Kênh',
  'Khách hàng',
  'Nội dung tóm tắt',
  'Loại',
  'Phân loại',
  'Mức độ',
  'Người xử lý',
  'Trạng thái',
  'Kết quả',
  'Ngày đóng',
  'Đúng hạn?',
];
const COL = Object.fromEntries(HEADERS_VI.map((h, i) => [h, i + 1])) as Record<(typeof HEADERS_VI)[number], number>;

/** Collects the body as bytes (supertest would otherwise try to read the workbook as text). */
function binaryParser(res: request.Response, callback: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

function download(auth: Record<string, string>, query = '') {
  return t.request().get(`${URL}${query}`).set(auth).buffer(true).parse(binaryParser);
}

async function sheetOf(body: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0];
}

/** The table's rows (below the header, down to the first row without a number). */
function dataRows(sheet: ExcelJS.Worksheet): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  for (let n = HEADER_ROW + 1; typeof sheet.getRow(n).getCell(1).value === 'number'; n++) rows.push(sheet.getRow(n));
  return rows;
}

const text = (row: ExcelJS.Row, column: number) => row.getCell(column).value;
const references = (sheet: ExcelJS.Worksheet) => dataRows(sheet).map((r) => text(r, COL['Số tham chiếu']));
const rowOf = (sheet: ExcelJS.Worksheet, reference: string) => {
  const row = dataRows(sheet).find((r) => text(r, COL['Số tham chiếu']) === reference);
  if (!row) throw new Error(`${reference} is not in the export`);
  return row;
};
/** A cell's wall-clock date-time read back as the instant it shows in the organisation's zone. */
const instantOf = (value: unknown) => DateTime.fromJSDate(value as Date, { zone: 'utc' }).setZone(ZONE, { keepLocalTime: true }).toJSDate();

async function close(auth: Record<string, string>, c: Complaint, note: string) {
  const res = await t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(auth).send({ to: 'closed', note, acknowledgedVia: 'in_person' });
  expect(res.status).toBe(200);
  return res.body as { closedAt: string; resolvedAt: string };
}

let quality: Awaited<ReturnType<typeof signedIn>>;
let handler: User;
let logger: User;
let company: Customer;
let person: Customer;
const c: Record<string, Complaint> = {};
let closedLate: { closedAt: string };

beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  handler = await buildUser({ roles: ['quality'], name: 'Phạm Thị Ngọc Hân' });
  logger = await buildUser({ roles: ['intake'], name: 'Lê Văn Đạt' });
  company = await buildCustomer({ name: 'Công ty TNHH Phước Lộc Thành', type: 'company' });
  person = await buildCustomer({ name: 'Nguyễn Thị Ánh Tuyết' });
  const past = (receivedAt: string, incidentDate: string) => ({ receivedAt: new Date(receivedAt), incidentDate });
  // Logged in an order that is not the order of receipt: numbers follow logging, the book follows numbers.
  c.kn1 = await buildComplaint(
    { ...past('2025-11-30T23:30:00+07:00', '2025-11-29'), customerId: company.id, channel: 'email', severity: 'high', assigneeId: handler.id, subject: 'Nước lọc có mùi lạ sau khi thay lõi — “khẩn”' },
    logger,
  );
  c.kn2 = await buildComplaint({ ...past('2025-11-02T10:00:00+07:00', '2025-11-01'), customerId: person.id, channel: 'hotline', category: 'business', severity: 'low' }, logger);
  c.kn3 = await buildComplaint({ ...past('2025-10-31T23:59:00+07:00', '2025-10-30') }, logger);
  c.kn4 = await buildComplaint({ ...past('2025-12-01T00:10:00+07:00', '2025-11-30') }, logger);
  c.ph1 = await buildComplaint({ ...past('2025-11-03T09:00:00+07:00', '2025-11-03'), kind: 'feedback', channel: 'in_person', customerId: person.id }, logger);
  c.knNow = await buildComplaint({ receivedAt: new Date(Date.now() - 3600_000), incidentDate: DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!, channel: 'social' }, logger);
  c.phNow = await buildComplaint({ receivedAt: new Date(Date.now() - 7200_000), incidentDate: DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!, kind: 'feedback', channel: 'web' }, logger);
  closedLate = await close(quality.auth, c.ph1, 'Đã giải thích cho khách về chế độ bảo hành.');
  await close(quality.auth, c.phNow, 'Đã hướng dẫn khách vệ sinh lõi lọc.');
});

describe('GET /api/v1/reports/feedback-log.xlsx', () => {
  it('streams the log book: Vietnamese headers, one row per entry in number order (KN then PH, by year and number)', async () => {
    const res = await download(quality.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    const today = DateTime.now().setZone(ZONE).toISODate();
    expect(res.headers['content-disposition']).toBe(`attachment; filename="so-theo-doi-phan-hoi_tu-dau_${today}.xlsx"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const sheet = await sheetOf(res.body);
    expect(sheet.name).toBe('Sổ theo dõi phản hồi khách hàng');
    expect(sheet.getCell('A1').value).toBe('SỔ THEO DÕI PHẢN HỒI KHÁCH HÀNG');
    expect(sheet.getRow(HEADER_ROW).values).toEqual([undefined, ...HEADERS_VI]);
    expect(sheet.getRow(HEADER_ROW).getCell(1).font.bold).toBe(true);
    const year = DateTime.fromJSDate(c.knNow.receivedAt, { zone: ZONE }).year;
    expect(references(sheet)).toEqual([
      'KN-2025-000001',
      'KN-2025-000002',
      'KN-2025-000003',
      'KN-2025-000004',
      `KN-${year}-000001`,
      'PH-2025-000001',
      `PH-${year}-000001`,
    ]);
    expect(dataRows(sheet).map((r) => text(r, COL.STT))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The footer states each series, so a missing number shows at a glance.
    const footer = sheet.getCell(`A${HEADER_ROW + 7 + 2}`).value;
    expect(footer).toBe('Tổng số: 7 mục');
    expect(sheet.getCell(`A${HEADER_ROW + 7 + 3}`).value).toBe('KN-2025: 000001 → 000004 (4 mục)');
  });

  it('freezes the header, filters over the table, sizes the columns and wraps long text', async () => {
    const sheet = await sheetOf((await download(quality.auth)).body);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW, xSplit: 2 });
    expect(sheet.autoFilter).toBe(`A${HEADER_ROW}:N${HEADER_ROW + 7}`);
    expect(sheet.getColumn(COL['Nội dung tóm tắt']).width).toBeGreaterThanOrEqual(40);
    expect(sheet.getColumn(COL.STT).width).toBeLessThan(10);
    expect(rowOf(sheet, 'KN-2025-000001').getCell(COL['Nội dung tóm tắt']).alignment).toMatchObject({ wrapText: true });
  });

  it('writes each cell as the reader needs it: Vietnamese intact, real date-time cells in the organisation zone', async () => {
    const sheet = await sheetOf((await download(quality.auth)).body);
    const row = rowOf(sheet, 'KN-2025-000001');
    const received = row.getCell(COL['Thời điểm tiếp nhận']);
    expect(received.value).toBeInstanceOf(Date);
    expect(instantOf(received.value)).toEqual(c.kn1.receivedAt);
    // 23:30 in Hồ Chí Minh City is what the cell shows, not 16:30 UTC.
    expect((received.value as Date).toISOString()).toBe('2025-11-30T23:30:00.000Z');
    expect(received.numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(text(row, COL['Kênh'])).toBe('Email');
    const customer = text(row, COL['Khách hàng']) as string;
    expect(customer).toBe(`${company.code} – Công ty TNHH Phước Lộc Thành`);
    expect(customer).toBe(customer.normalize('NFC'));
    expect(text(row, COL['Nội dung tóm tắt'])).toBe('Nước lọc có mùi lạ sau khi thay lõi — “khẩn”');
    expect(text(row, COL['Loại'])).toBe('Khiếu nại');
    expect(text(row, COL['Phân loại'])).toBe('Chất lượng dịch vụ');
    expect(text(row, COL['Mức độ'])).toBe('Cao');
    expect(text(row, COL['Người xử lý'])).toBe('Phạm Thị Ngọc Hân');
    expect(text(row, COL['Trạng thái'])).toBe('Tiếp nhận');
    expect(text(row, COL['Kết quả'])).toBe('Giai đoạn: Tiếp nhận');
    expect(text(row, COL['Ngày đóng'])).toBeNull();

    // No assignee: the cell stays empty (the user who logged it is not its handler).
    const other = rowOf(sheet, 'KN-2025-000002');
    expect(text(other, COL['Người xử lý'])).toBeNull();
    expect(text(other, COL['Khách hàng'])).toBe(`${person.code} – Nguyễn Thị Ánh Tuyết`);
    expect([text(other, COL['Kênh']), text(other, COL['Phân loại']), text(other, COL['Mức độ'])]).toEqual(['Đường dây nóng', 'Kinh doanh / thương mại', 'Thấp']);

    const feedback = rowOf(sheet, 'PH-2025-000001');
    expect(text(feedback, COL['Loại'])).toBe('Phản hồi');
    expect(text(feedback, COL['Trạng thái'])).toBe('Đã đóng');
    expect(text(feedback, COL['Kết quả'])).toBe('Đã giải thích cho khách về chế độ bảo hành.');
    const closedAt = feedback.getCell(COL['Ngày đóng']);
    expect(closedAt.value).toBeInstanceOf(Date);
    expect(instantOf(closedAt.value)).toEqual(new Date(closedLate.closedAt));
    expect(closedAt.numFmt).toBe('dd/mm/yyyy hh:mm');
  });

  it('says whether the resolution kept the 20-day limit', async () => {
    const sheet = await sheetOf((await download(quality.auth)).body);
    const year = DateTime.fromJSDate(c.knNow.receivedAt, { zone: ZONE }).year;
    const onTime = (reference: string) => text(rowOf(sheet, reference), COL['Đúng hạn?']);
    expect(onTime(`PH-${year}-000001`)).toBe('Đúng hạn'); // closed the same day
    expect(onTime('PH-2025-000001')).toBe('Trễ hạn'); // received November 2025, closed a year later
    expect(onTime(`KN-${year}-000001`)).toBe('Đang xử lý'); // open, limit still ahead
    expect(onTime('KN-2025-000002')).toBe('Quá hạn'); // open, limit passed
  });

  it('filters on the receipt time: a date is the whole day in Asia/Ho_Chi_Minh, both bounds inclusive', async () => {
    const res = await download(quality.auth, '?from=2025-11-01&to=2025-11-30');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="so-theo-doi-phan-hoi_2025-11-01_2025-11-30.xlsx"');
    const sheet = await sheetOf(res.body);
    // KN-2025-000001 came at 23:30 on the 30th; KN-2025-000003 (23:59 on 31 Oct) and KN-2025-000004
    // (00:10 on 1 Dec, still 30 Nov in UTC) are outside.
    expect(references(sheet)).toEqual(['KN-2025-000001', 'KN-2025-000002', 'PH-2025-000001']);
    expect(sheet.getCell('A2').value).toEqual(expect.stringContaining('Kỳ: 01/11/2025 – 30/11/2025'));
    expect(sheet.getCell('A2').value).toEqual(expect.stringContaining('Trần Thị Hồng Nhung'));
    expect(sheet.autoFilter).toBe(`A${HEADER_ROW}:N${HEADER_ROW + 3}`);

    const instants = await download(quality.auth, `?from=${encodeURIComponent('2025-11-30T23:30:00+07:00')}&to=2025-12-01`);
    expect(references(await sheetOf(instants.body))).toEqual(['KN-2025-000001', 'KN-2025-000004']);
    expect(instants.headers['content-disposition']).toBe('attachment; filename="so-theo-doi-phan-hoi_2025-11-30_2025-12-01.xlsx"');

    const none = await sheetOf((await download(quality.auth, '?from=2020-01-01&to=2020-01-31')).body);
    expect(dataRows(none)).toEqual([]);
    expect(none.getCell(`A${HEADER_ROW + 2}`).value).toBe('Không có mục nào trong kỳ.');
  });

  it('lists the numbers of a series that are not in the period', async () => {
    // KN-2025-000003 was received on 31 October: November holds 000001, 000002 and 000004.
    const sheet = await sheetOf((await download(quality.auth, '?from=2025-11-01&to=2025-12-31')).body);
    expect(references(sheet)).toEqual(['KN-2025-000001', 'KN-2025-000002', 'KN-2025-000004', 'PH-2025-000001']);
    expect(sheet.getCell(`A${HEADER_ROW + 4 + 3}`).value).toBe('KN-2025: 000001 → 000004 (3 mục); số không có trong kỳ: 000003');
    expect(sheet.getCell(`A${HEADER_ROW + 4 + 4}`).value).toBe('PH-2025: 000001 → 000001 (1 mục)');
  });

  it('gives an English copy on ?lang=en', async () => {
    const sheet = await sheetOf((await download(quality.auth, '?lang=en&from=2025-11-01&to=2025-11-30')).body);
    expect(sheet.getRow(HEADER_ROW).values).toEqual([
      undefined,
      'No.',
      'Reference',
      'Received at',
      'Channel',
      'Customer',
      'Summary',
      'Kind',
      'Category',
      'Severity',
      'Handler',
      'Status',
      'Result',
      'Closed at',
      'On time?',
    ]);
    const row = rowOf(sheet, 'KN-2025-000002');
    expect([text(row, COL['Loại']), text(row, COL['Đúng hạn?']), text(row, COL['Kết quả'])]).toEqual(['Complaint', 'Overdue', 'Stage: Intake']);
    // Names are data, not words: they stay Vietnamese.
    expect(text(rowOf(sheet, 'KN-2025-000001'), COL['Người xử lý'])).toBe('Phạm Thị Ngọc Hân');
    expect(text(row, COL['Người xử lý'])).toBeNull();
  });

  it('answers 400 for dates that do not exist, bad formats, unknown parameters and from after to', async () => {
    for (const query of ['?from=2025-02-30', '?to=yesterday', '?from=2025-11-01T10:00:00', '?from=2025-12-01&to=2025-11-30', '?format=csv', '?lang=fr']) {
      const res = await download(quality.auth, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body.toString('utf8')).code).toBe('validation_failed');
    }
    // The same day as both bounds is a one-day period.
    expect((await download(quality.auth, '?from=2025-11-30&to=2025-11-30')).status).toBe(200);
  });

  it('answers 401 to the anonymous and 403 to roles that may not export reports; the auditor may', async () => {
    const anonymous = await download({});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body.toString('utf8')).code).toBe('unauthenticated');
    for (const role of ['intake', 'sysadmin', 'cs_director', 'legal'] as const) {
      const { auth, user } = await signedIn([role]);
      const res = await download(auth);
      expect([role, res.status]).toEqual([role, 403]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const denial = await AuditEvent.findOne({ where: { action: 'permission.denied', actorId: user.id } });
      expect(denial!.meta).toEqual({ action: 'export' });
    }
    const { auth } = await signedIn(['auditor']);
    expect((await download(auth, '?from=2025-11-01&to=2025-11-30')).status).toBe(200);
  });

  it('records the export in the audit trail: who, which period, how many rows', async () => {
    const { auth, user } = await signedIn(['auditor']);
    expect((await download(auth, '?from=2025-11-01&to=2025-11-30')).status).toBe(200);
    const events = await AuditEvent.findAll({ where: { action: 'report.exported', actorId: user.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entityType: 'Report', entityId: 'feedback-log', actorRoles: ['auditor'] });
    expect(events[0].meta).toEqual({ from: '2025-11-01', to: '2025-11-30', rows: 3 });
    // A refused request exports nothing and records no export; neither does HEAD, which reads no rows.
    await download(auth, '?from=2025-12-01&to=2025-11-30');
    const head = await t.request().head(`${URL}?from=2025-11-01&to=2025-11-30`).set(auth);
    expect(head.status).toBe(200);
    expect(head.headers['content-disposition']).toBe('attachment; filename="so-theo-doi-phan-hoi_2025-11-01_2025-11-30.xlsx"');
    expect(await AuditEvent.count({ where: { action: 'report.exported', actorId: user.id } })).toBe(1);
  });

  it('destroys the response when the database fails mid-stream, so the download never looks complete', async () => {
    // The real source for the first batch, then a failure like a lost connection.
    const failing = async function* (range: FeedbackLogRange) {
      for await (const batch of feedbackLogBatches(range, 2)) {
        yield batch;
        throw new Error('Connection terminated unexpectedly');
      }
    };
    const app = express();
    app.use(requestContext, authenticateRequest(t.config), reportsApi(t.config, { feedbackLog: failing }), errorHandler(() => undefined));
    const { auth, user } = await signedIn(['quality']);
    const outcome = await request(app)
      .get('/reports/feedback-log.xlsx')
      .set(auth)
      .buffer(true)
      .parse(binaryParser)
      .then(
        (res) => ({ error: null, status: res.status, body: res.body as Buffer }),
        (error: Error) => ({ error, status: null, body: null }),
      );
    // Either the connection breaks under the client, or what arrived is not a workbook.
    if (!outcome.error) await expect(new ExcelJS.Workbook().xlsx.load(outcome.body as unknown as ExcelJS.Buffer)).rejects.toThrow();
    else expect(outcome.error.message).toMatch(/aborted|socket hang up|ECONNRESET/i);
    // What may have left is still on record, marked incomplete (written just after the connection is cut).
    let event: AuditEvent | null = null;
    for (let attempt = 0; !event && attempt < 100; attempt++) {
      event = await AuditEvent.findOne({ where: { action: 'report.exported', actorId: user.id } });
      if (!event) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(event!.meta).toEqual({ from: null, to: null, rows: 2, incomplete: true });
  });

  it('streams a large log book row by row: every entry, in order', async () => {
    const s = t.database.get().sequelize;
    const customer = await buildCustomer({ name: 'Hợp tác xã Đồng Tháp' });
    const n = 3000;
    // Valid rows, inserted by SQL for speed (the intake path is tested elsewhere), with their counter.
    await s.query(
      `INSERT INTO complaints (reference, kind, ref_year, ref_number, status, customer_id, channel, received_at, incident_date,
         category, subject, description, severity, time_barred, filing_window_ends_at, regulatory_review_required, meeting_required,
         recurring, next_due_at, stage_entered_at, created_by, search_text)
       SELECT 'KN-2024-' || lpad(i::text, 6, '0'), 'complaint', 2024, i, 'intake', :customerId, 'web', r, (r AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
         'business', 'Phản ánh giao hàng chậm số ' || i, 'Mô tả', 'low', false, r + interval '30 days', false, false,
         false, r + interval '1 hour', r, :userId,
         'kn-2024-' || lpad(i::text, 6, '0') || ' phan anh giao hang cham so ' || i
       FROM generate_series(1, ${n}) AS i, LATERAL (SELECT timestamptz '2024-05-01 08:00+07' + i * interval '1 minute' AS r) AS x;
       INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, set_by)
       SELECT c.id, k.kind, c.received_at, c.received_at + k.after, 'test'
         FROM complaints c, (VALUES ('acknowledge', interval '1 hour'), ('firstReply', interval '48 hours'), ('resolution', interval '20 days'), ('stage', interval '1 hour')) AS k (kind, after)
        WHERE c.customer_id = :customerId;
       INSERT INTO reference_counters (kind, year, last_number) VALUES ('complaint', 2024, ${n});`,
      { replacements: { customerId: customer.id, userId: logger.id } },
    );
    const res = await download(quality.auth, '?from=2024-01-01&to=2024-12-31');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBeUndefined(); // streamed (chunked), not buffered
    const sheet = await sheetOf(res.body);
    const rows = dataRows(sheet);
    expect(rows).toHaveLength(n);
    expect(rows.map((r) => text(r, COL.STT))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(rows.every((r, i) => text(r, COL['Số tham chiếu']) === `KN-2024-${String(i + 1).padStart(6, '0')}`)).toBe(true);
    expect(text(rows[n - 1], COL['Nội dung tóm tắt'])).toBe(`Phản ánh giao hàng chậm số ${n}`);
    expect(sheet.autoFilter).toBe(`A${HEADER_ROW}:N${HEADER_ROW + n}`);
    expect(sheet.getCell(`A${HEADER_ROW + n + 3}`).value).toBe('KN-2024: 000001 → 003000 (3000 mục)');
    const event = await AuditEvent.findOne({ where: { action: 'report.exported', actorId: quality.user.id }, order: [['position', 'DESC']] });
    expect(event!.meta).toEqual({ from: '2024-01-01', to: '2024-12-31', rows: n });
  });
});

describe('feedback log rules', () => {
  const due = new Date('2026-11-22T16:59:59.999Z');
  const now = new Date('2026-11-25T00:00:00Z');

  it("words the codes as the UI does (the locale files' labels), the stages by PRODUCT.md's one name", () => {
    const column = (key: string) => FEEDBACK_LOG_COLUMNS.find((c) => c.key === key)!;
    const base = { kind: 'complaint', channel: 'hotline', category: 'service_quality', severity: 'low', status: 'intake', heldStatus: null, resolution: null } as const;
    const cell = (key: string, entry: Partial<FeedbackLogEntry>, lang: 'vi' | 'en' = 'vi') =>
      column(key).value({ no: 1, entry: { ...base, ...entry } as FeedbackLogEntry, timeliness: 'on_time', lang });
    for (const lang of ['vi', 'en'] as const) {
      const ui = translator(lang);
      for (const channel of CHANNELS) expect(cell('channel', { channel }, lang)).toBe(ui(`enum.channel.${channel}`));
      for (const kind of KINDS) expect(cell('kind', { kind }, lang)).toBe(ui(`enum.kind.${kind}`));
      for (const category of CATEGORIES) expect(cell('category', { category }, lang)).toBe(ui(`enum.category.${category}`));
      for (const severity of SEVERITIES) expect(cell('severity', { severity }, lang)).toBe(ui(`enum.severity.${severity}`));
      for (const status of STAGES) expect(cell('status', { status }, lang)).toBe(ui(`stage.${status}`));
    }
    expect(['email', 'web', 'livechat'].map((channel) => cell('channel', { channel: channel as Channel }))).toEqual(['Email', 'Website', 'Chat trực tuyến']);
    expect(cell('status', { status: 'investigation' })).toBe('Xác thực và điều tra');
    expect(cell('status', { status: 'review' })).toBe('Xem xét giải pháp');
    expect(cell('status', { status: 'on_hold', heldStatus: 'investigation' })).toBe('Tạm dừng (Xác thực và điều tra)');
    expect(cell('handler', { handlerName: null })).toBeNull();
  });

  it('judges the 20-day limit by the resolution time, and open entries by now', () => {
    expect(resolutionTimeliness({ resolvedAt: due, closedAt: null, dueResolutionAt: due }, now)).toBe('on_time');
    expect(resolutionTimeliness({ resolvedAt: new Date(due.getTime() + 1), closedAt: null, dueResolutionAt: due }, now)).toBe('late');
    // Resolved in time but closed later (follow-up took its week): still on time.
    expect(resolutionTimeliness({ resolvedAt: new Date('2026-11-20T00:00:00Z'), closedAt: new Date('2026-11-28T00:00:00Z'), dueResolutionAt: due }, now)).toBe('on_time');
    expect(resolutionTimeliness({ resolvedAt: null, closedAt: null, dueResolutionAt: due }, new Date('2026-11-22T16:59:59.999Z'))).toBe('in_progress');
    expect(resolutionTimeliness({ resolvedAt: null, closedAt: null, dueResolutionAt: due }, now)).toBe('overdue');
  });

  it('shifts instants to the wall clock of the zone, across the year end and daylight-saving changes', () => {
    expect(toWallClock(new Date('2025-12-31T17:30:00Z'), ZONE).toISOString()).toBe('2026-01-01T00:30:00.000Z');
    expect(toWallClock(new Date('2026-07-01T12:00:00Z'), 'Europe/Paris').toISOString()).toBe('2026-07-01T14:00:00.000Z');
    const paris = wallClockIn('Europe/Paris');
    // 29 March 2026: Paris moves from +01:00 to +02:00 at 01:00 UTC, within one UTC day.
    expect(paris(new Date('2026-03-29T00:30:00Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(paris(new Date('2026-03-29T01:30:00Z')).toISOString()).toBe('2026-03-29T03:30:00.000Z');
    expect(paris(new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-28T13:00:00.000Z');
    expect(paris(new Date('2026-03-28T13:00:00Z')).toISOString()).toBe('2026-03-28T14:00:00.000Z');
    const saigon = wallClockIn(ZONE);
    expect(saigon(new Date('2025-12-31T17:30:00Z')).toISOString()).toBe('2026-01-01T00:30:00.000Z');
  });

  it('keeps text Excel can store: NFC, no control characters or lone surrogates, within the cell limit', () => {
    const decomposed = 'Nguyễn Thị Ánh Tuyết'.normalize('NFD');
    expect(cellText(decomposed)).toBe('Nguyễn Thị Ánh Tuyết'.normalize('NFC'));
    expect(cellText('a\u0000b\u0007c\td\ne\uD800f 😀')).toBe('abc\td\nef 😀');
    const long = cellText('ệ'.repeat(40_000));
    expect(long).toHaveLength(32_767);
    expect(long.endsWith('…')).toBe(true);
  });
});
