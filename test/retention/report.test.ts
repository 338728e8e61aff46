import ExcelJS from 'exceljs';
import { AuditEvent } from '../../src/models';
import { retentionReportBatches } from '../../src/queries/retention';
import { RETENTION_HEADER_ROW } from '../../src/features/reports/retention';
import { sessionAgent, useTestApp } from '../support/app';
import { sealedTestArchive } from '../support/archives';
import { signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';

const t = useTestApp();
let auditor: Awaited<ReturnType<typeof signedIn>>;
let legal: Awaited<ReturnType<typeof signedIn>>;
let held: Awaited<ReturnType<typeof sealedTestArchive>>;
let plain: Awaited<ReturnType<typeof sealedTestArchive>>;
const REASON = 'Khách hàng khởi kiện tại Tòa án nhân dân quận Hoàn Kiếm';

beforeAll(async () => {
  auditor = await signedIn(['auditor'], { name: 'Lê Văn Kiểm Toán' });
  legal = await signedIn(['legal']);
  plain = await sealedTestArchive();
  held = await sealedTestArchive({ subject: 'Hóa đơn tính sai tiền điện tháng Mười' });
  const res = await t.request().post(`/api/v1/archives/${held.archive.id}/legal-hold`).set(legal.auth).send({ hold: true, reason: REASON });
  expect(res.status).toBe(200);
});

const download = (path: string, auth: Record<string, string>) => asBytes(t.request().get(path).set(auth));

describe('GET /reports/retention.xlsx', () => {
  it('is 401 without a session and 403 for every role but the auditor', async () => {
    expect((await t.request().get('/api/v1/reports/retention.xlsx')).status).toBe(401);
    for (const roles of [['legal'], ['quality'], ['sysadmin']] as const) {
      const who = await signedIn([...roles]);
      expect((await t.request().get('/api/v1/reports/retention.xlsx').set(who.auth)).status).toBe(403);
      expect((await t.request().get('/api/v1/reports/retention.pdf').set(who.auth)).status).toBe(403);
    }
    expect((await t.request().get('/api/v1/reports/retention.xlsx?lang=fr').set(auditor.auth)).status).toBe(400);
  });

  it('streams every archive with Vietnamese headers, the hold, the disposal state and "not verified"; audited', async () => {
    const res = await download('/api/v1/reports/retention.xlsx', auditor.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(/bao-cao-luu-tru_\d{4}-\d{2}-\d{2}\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('BÁO CÁO LƯU TRỮ HỒ SƠ');
    expect(String(sheet.getRow(2).getCell(1).value)).toContain('Lê Văn Kiểm Toán');
    expect((sheet.getRow(RETENTION_HEADER_ROW).values as unknown[]).slice(1)).toEqual([
      'STT',
      'Số tham chiếu',
      'Loại lưu trữ',
      'Ngày đóng hồ sơ',
      'Lưu trữ đến',
      'Lưu giữ pháp lý',
      'Tình trạng tiêu hủy',
      'Kết quả kiểm tra',
    ]);
    const rows = [1, 2].map((i) => (sheet.getRow(RETENTION_HEADER_ROW + i).values as unknown[]).slice(1));
    const closed = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
    expect(rows[0]).toEqual([1, plain.complaint.reference, 'Mặc định', closed(plain.archive.closedAt), closed(plain.archive.retentionUntil), 'Không', 'Còn thời hạn lưu trữ', 'Chưa kiểm tra']);
    expect(rows[1]).toEqual([2, held.complaint.reference, 'Mặc định', closed(held.archive.closedAt), closed(held.archive.retentionUntil), `Có — ${REASON}`, 'Còn thời hạn lưu trữ', 'Chưa kiểm tra']);
    expect(String(sheet.getRow(RETENTION_HEADER_ROW + 4).getCell(1).value)).toBe('Tổng số: 2 hồ sơ lưu trữ');
    const event = await AuditEvent.findOne({ where: { action: 'report.exported', entityId: 'retention' }, order: [['occurredAt', 'DESC']] });
    expect(event).toMatchObject({ actorId: auditor.user.id });
  });

  it('an English copy on request', async () => {
    const res = await download('/api/v1/reports/retention.xlsx?lang=en', auditor.auth);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0].getRow(RETENTION_HEADER_ROW).getCell(2).value).toBe('Reference');
    expect(workbook.worksheets[0].getRow(RETENTION_HEADER_ROW + 1).getCell(8).value).toBe('Not verified');
  });
});

describe('GET /reports/retention.pdf', () => {
  it('prints every archive with its hold in Vietnamese', async () => {
    const res = await download('/api/v1/reports/retention.pdf', auditor.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(res)).replace(/\s+/g, ' ');
    expect(text).toContain('BÁO CÁO LƯU TRỮ HỒ SƠ');
    expect(text).toContain(plain.complaint.reference);
    expect(text).toContain(held.complaint.reference);
    expect(text).toContain('Tòa án nhân dân');
    expect(text).toContain('Chưa kiểm tra');
    expect(text).toContain('Tổng số: 2 hồ sơ lưu trữ');
    expect(text).toContain('Trang 1/1');
  });
});

describe('retentionReportBatches', () => {
  it('reads every archive once, in chain order, batch by batch', async () => {
    const extra = await sealedTestArchive();
    const batches: string[][] = [];
    for await (const batch of retentionReportBatches(2)) batches.push(batch.map((a) => a.id));
    expect(batches).toEqual([[plain.archive.id, held.archive.id], [extra.archive.id]]);
  });
});

describe('the reports page', () => {
  it('links the retention report for the auditor', async () => {
    const agent = await sessionAgent(t.app, auditor.user);
    const page = await agent.get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/reports/retention.xlsx"');
    expect(page.text).toContain('href="/reports/retention.pdf"');
    const file = await asBytes(agent.get('/reports/retention.xlsx'));
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    const pdf = await asBytes(agent.get('/reports/retention.pdf?bookLang=en'));
    expect(pdf.status).toBe(200);
    expect(await pdfText(pdf)).toContain('RETENTION REPORT');
  });

  it('does not offer it to quality, who reads the reports page but not the retention report', async () => {
    const { user } = await signedIn(['quality']);
    const agent = await sessionAgent(t.app, user);
    const page = await agent.get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/reports/retention.xlsx');
    expect((await agent.get('/reports/retention.xlsx')).status).toBe(403);
  });
});
