import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

describe('the jobs page and my work on a phone', () => {
  it('shows the jobs without horizontal scroll and runs one now from the button', async () => {
    const admin = await buildUser({ roles: ['sysadmin'], name: 'Đỗ Văn Tùng' });
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.goto('/admin/jobs');
    await page.getByTestId('job-archive-sealing').waitFor();
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    expect(await page.getByTestId('job-archive-sealing').getByTestId('job-schedule').textContent()).toContain('Hằng ngày lúc 02:23');

    await Promise.all([page.waitForURL(/\/admin\/jobs#job-evidence-sweep$/), page.getByTestId('job-run-now-evidence-sweep').getByRole('button').click()]);
    expect(await page.getByRole('status').textContent()).toContain('Đã chạy tác vụ: thành công.');
    expect(await page.getByTestId('job-evidence-sweep').locator('[data-testid="job-run"]').first().getAttribute('data-status')).toBe('succeeded');
  });

  it('lists a case handler’s own case on the home page, fitting a phone', async () => {
    const officer = await buildUser({ roles: ['quality'], name: 'Trần Văn Minh' });
    const c = await buildComplaint({ assigneeId: officer.id, subject: 'Máy lọc nước rò rỉ ở khớp nối, khách hàng yêu cầu đổi máy mới ngay trong tuần' });
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, officer.email, TEST_PASSWORD);
    const row = page.locator(`[data-testid="home-task"][data-id="${c.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Hồ sơ đang ở bước Tiếp nhận');
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await row.getByRole('button', { name: 'Mở', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/complaints/${c.id}`);
  });
});
