import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AuditEvent } from '../../src/models';
import { signedInAgent, useTestApp } from '../support/app';
import { buildComplaint } from '../support/factories';

const t = useTestApp();

function binaryParser(res: request.Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (chunk: Buffer) => chunks.push(chunk));
  (res as unknown as NodeJS.ReadableStream).on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('/reports', () => {
  it('offers the feedback log book with the last 30 days as the default period, said in the form, in the nav of quality and auditors', async () => {
    const { agent } = await signedInAgent(t.app, ['auditor']);
    const page = await agent.get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sổ theo dõi phản hồi khách hàng (Excel)');
    // Last month's entries are in by default: the period is the last 30 days, today included, not this month so far.
    const today = DateTime.now().setZone('Asia/Ho_Chi_Minh');
    const from = today.minus({ days: 29 });
    expect(page.text).toContain(`name="from" value="${from.toISODate()}"`);
    expect(page.text).toContain(`name="to" value="${today.toISODate()}"`);
    expect(page.text).toContain(`Kỳ mặc định: 30 ngày gần nhất, từ ${from.toFormat('dd/MM/yyyy')} đến hết ${today.toFormat('dd/MM/yyyy')} (theo ngày tiếp nhận).`);
    expect(page.text).toContain('href="/reports"');
    const home = await (await signedInAgent(t.app, ['quality'])).agent.get('/');
    expect(home.text).toContain('href="/reports"');
  });

  it("downloads the book from the form: a real workbook with the period's entries, audited", async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint({ subject: 'Máy lọc nước rò rỉ', receivedAt: new Date('2025-11-10T03:00:00Z'), incidentDate: '2025-11-09' });
    const res = await agent.get('/reports/feedback-log.xlsx').query({ from: '2025-11-01', to: '2025-11-30', bookLang: 'vi' }).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('so-theo-doi-phan-hoi_2025-11-01_2025-11-30.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    const texts: string[] = [];
    workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text))));
    expect(texts).toContain(c.reference);
    expect(texts).toContain('Máy lọc nước rò rỉ');
    expect(await AuditEvent.count({ where: { action: 'report.exported', actorId: user.id } })).toBe(1);
  });

  it('keeps the form and says what is wrong, in Vietnamese, for a bad period; nothing is exported', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    const reversed = await agent.get('/reports/feedback-log.xlsx').query({ from: '2025-12-01', to: '2025-11-01', bookLang: 'vi' });
    expect(reversed.status).toBe(400);
    expect(reversed.headers['content-type']).toContain('text/html');
    expect(reversed.text).toContain('Ngày bắt đầu không được sau ngày kết thúc.');
    expect(reversed.text).toContain('value="2025-12-01"');
    const invalid = await agent.get('/reports/feedback-log.xlsx').query({ from: '2025-02-30', bookLang: 'xx' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toMatch(/name="from" value="2025-02-30" aria-invalid="true"/);
    expect(await AuditEvent.count({ where: { action: 'report.exported', actorId: user.id } })).toBe(0);
  });

  it('is refused to roles that do not export reports, and sends visitors to sign in', async () => {
    const { agent } = await signedInAgent(t.app, ['intake']);
    expect((await agent.get('/reports')).status).toBe(403);
    expect((await agent.get('/reports/feedback-log.xlsx')).status).toBe(403);
    expect((await agent.get('/')).text).not.toContain('href="/reports"');
    const anonymous = await t.request().get('/reports');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Freports');
  });
});
