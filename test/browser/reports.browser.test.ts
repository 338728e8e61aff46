import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

describe('a quality officer downloads the feedback log book', () => {
  it('opens Reports from the menu on a phone, picks the period and gets a workbook with the entries', async () => {
    const officer = await buildUser({ roles: ['quality'], name: 'Trần Văn Minh' });
    const c = await buildComplaint({ subject: 'Giao hàng chậm tại Đà Nẵng', receivedAt: new Date('2025-10-06T02:00:00Z'), incidentDate: '2025-10-05' });
    // The refused period below answers 400 (the form again, with the message), which Chromium logs.
    const page = await b.newPage({ viewport: { width: 390, height: 844 }, expectedConsoleErrors: [/status of 400 \(Bad Request\)/] });
    await signIn(page, officer.email, TEST_PASSWORD);

    await page.locator('details.nav-menu summary').click();
    await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.locator('details.nav-menu a[href="/reports"]').click()]);
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

    // A reversed period is refused next to the field, in Vietnamese, and nothing downloads.
    await page.getByTestId('report-from').fill('2025-10-31');
    await page.getByTestId('report-to').fill('2025-10-01');
    await Promise.all([page.waitForURL(/feedback-log\.xlsx/), page.getByTestId('feedback-log-download').click()]);
    expect(await page.getByTestId('form-errors').textContent()).toContain('Ngày bắt đầu không được sau ngày kết thúc.');

    await page.getByTestId('report-from').fill('2025-10-01');
    await page.getByTestId('report-to').fill('2025-10-31');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('feedback-log-download').click()]);
    expect(download.suggestedFilename()).toBe('so-theo-doi-phan-hoi_2025-10-01_2025-10-31.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ExcelJS.Buffer);
    const texts: string[] = [];
    workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text))));
    expect(texts).toContain(c.reference);
    expect(texts).toContain('Giao hàng chậm tại Đà Nẵng');
  });
});
