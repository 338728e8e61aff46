import ExcelJS from 'exceljs';
import type request from 'supertest';
import { CAPA_HEADER_ROW } from '../../src/features/reports/capaRegister';
import { AuditEvent } from '../../src/models';
import { useTestApp } from '../support/app';
import { createTestAction } from '../support/actions';
import { buildComplaint, buildDepartment, signedIn } from '../support/factories';

const t = useTestApp();
const URL = '/api/v1/reports/capa-register.xlsx';
const HEADERS_VI = ['STT', 'Loại', 'Nội dung', 'Bộ phận phụ trách', 'Người phụ trách', 'Hạn hoàn thành', 'Trạng thái', 'Quá hạn', 'Hiệu quả', 'Nhà cung cấp', 'Biện pháp tạm thời hoàn thành', 'Hạn khắc phục dài hạn', 'Các hồ sơ'];

/** Collects the body as bytes (supertest would otherwise try to read the workbook as text). */
function binaryParser(res: request.Response, callback: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}
const download = (auth: Record<string, string>, query: Record<string, string> = {}) => t.request().get(URL).query(query).set(auth).buffer(true).parse(binaryParser);

async function sheetOf(body: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  return workbook.worksheets[0];
}
const rowValues = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);

describe('GET /api/v1/reports/capa-register.xlsx', () => {
  it('streams the register with Vietnamese headers and words, dates in the organisation zone, overdue rows filled, and is audited', async () => {
    const dept = await buildDepartment({ code: `XL${Date.now().toString(36)}`, name: 'Phòng Kỹ thuật' });
    const c = await buildComplaint();
    const late = await createTestAction(c.id, { ownerDepartment: dept.id, description: 'Thay gioăng cao su khớp nối', dueAt: new Date('2026-01-10T16:59:59.999Z') });
    await createTestAction(c.id, { ownerDepartment: dept.id, type: 'supplier_long_term', description: 'Nhà cung cấp đổi vật liệu gioăng', dueAt: new Date(Date.now() + 30 * 86_400_000), supplier: { name: 'Cao su Sao Vàng', ref: 'SV-01' } });
    const quality = await signedIn(['quality']);
    const res = await download(quality.auth, { department: dept.code });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="so-theo-doi-capa_\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const sheet = await sheetOf(res.body as Buffer);
    expect(sheet.getCell(1, 1).value).toBe('SỔ THEO DÕI HÀNH ĐỘNG KHẮC PHỤC, PHÒNG NGỪA');
    expect(rowValues(sheet, CAPA_HEADER_ROW)).toEqual(HEADERS_VI);
    const first = sheet.getRow(CAPA_HEADER_ROW + 1);
    expect(first.getCell(2).value).toBe('Hành động khắc phục');
    expect(first.getCell(3).value).toBe('Thay gioăng cao su khớp nối');
    expect(first.getCell(4).value).toBe('Phòng Kỹ thuật');
    // 2026-01-10 23:59:59.999 in Asia/Ho_Chi_Minh, stored as the wall-clock time.
    expect((first.getCell(6).value as Date).toISOString()).toBe('2026-01-10T23:59:59.999Z');
    expect(first.getCell(6).numFmt).toBe('dd/mm/yyyy');
    expect(first.getCell(7).value).toBe('Đã lập kế hoạch');
    expect(first.getCell(8).value).toBe('Quá hạn');
    expect((first.getCell(3).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFDE2E1');
    expect(first.getCell(13).value).toBe(c.reference);
    const second = sheet.getRow(CAPA_HEADER_ROW + 2);
    expect(second.getCell(2).value).toBe('Khắc phục dài hạn của nhà cung cấp');
    expect(second.getCell(10).value).toBe('Cao su Sao Vàng · SV-01');
    expect(second.getCell(8).value).toBeNull();
    expect((second.getCell(3).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).not.toBe('FFFDE2E1');
    expect(sheet.getCell(CAPA_HEADER_ROW + 4, 1).value).toBe('Tổng số: 2 hành động');
    const event = await AuditEvent.findOne({ where: { action: 'report.exported', entityId: 'capa-register', actorId: quality.user.id } });
    expect(event).not.toBeNull();
    expect(late.id).toBeTruthy();
  });

  it('speaks English on ?lang=en and gives a department head only their department', async () => {
    const mine = await buildDepartment({ code: `MY${Date.now().toString(36)}` });
    const theirs = await buildDepartment();
    const c = await buildComplaint();
    await createTestAction(c.id, { ownerDepartment: mine.id, description: 'Của tôi' });
    await createTestAction(c.id, { ownerDepartment: theirs.id, description: 'Không phải của tôi' });
    const head = await signedIn(['dept_head'], { departmentId: mine.id });
    const res = await download(head.auth, { lang: 'en' });
    expect(res.status).toBe(200);
    const sheet = await sheetOf(res.body as Buffer);
    expect(sheet.getCell(CAPA_HEADER_ROW, 3).value).toBe('Description');
    const descriptions: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > CAPA_HEADER_ROW && typeof row.getCell(1).value === 'number') descriptions.push(row.getCell(3).value);
    });
    expect(descriptions).toEqual(['Của tôi']);
  });

  it('refuses 401, 403 for a role that reads no register, 400 for a bad filter', async () => {
    const anonymous = await t.request().get(URL).buffer(true).parse(binaryParser);
    expect(anonymous.status).toBe(401);
    const ceo = await signedIn(['ceo']);
    expect((await download(ceo.auth)).status).toBe(403);
    const auditor = await signedIn(['auditor']);
    const bad = await download(auditor.auth, { status: 'finished' });
    expect(bad.status).toBe(400);
    expect(JSON.parse((bad.body as Buffer).toString('utf8')).code).toBe('validation_failed');
    expect((await download(auditor.auth)).status).toBe(200);
  });
});
