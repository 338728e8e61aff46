import { Solution } from '../../src/models';
import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { moveTestCase } from '../support/procedure';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

describe('the CS director reviews a solution in the browser', () => {
  it('returns the first proposal with reasons, then approves the revised one', async () => {
    const director = await buildUser({ roles: ['cs_director'], name: 'Ngô Thanh Tâm' });
    const officer = await buildUser({ roles: ['quality'], name: 'Lý Thu Thảo' });
    const c = await moveTestCase(await buildComplaint({ subject: 'Máy lọc nước báo lỗi E3' }), ['investigation', 'solution', 'review']);

    const page = await b.newPage();
    await signIn(page, director.email, TEST_PASSWORD);
    // The review page lists the case; its link opens the case at the solution panel.
    await page.goto('/reviews?lang=vi');
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), page.locator(`[data-complaint-id="${c.id}"] [data-testid="review-queue-case"]`).click()]);
    const returnForm = page.getByTestId('review-return-form');
    await returnForm.locator('textarea[name="comment"]').fill('Chưa nêu biện pháp phòng ngừa tái diễn.');
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), page.getByTestId('review-return').click()]);
    expect(await page.getByTestId('solution-review').first().getAttribute('data-approved')).toBe('false');
    expect(await page.getByTestId('case-head').textContent()).toContain('Đưa ra giải pháp');

    // Quality revises it in a page of their own.
    const other = await b.newPage();
    await signIn(other, officer.email, TEST_PASSWORD);
    await other.goto(`/complaints/${c.id}?lang=vi`);
    await other.locator('[data-testid="solution-form"] textarea[name="summary"]').fill('Thay bo mạch mới và kiểm tra định kỳ lô L-77 trong 3 tháng.');
    await Promise.all([other.waitForURL((url) => url.pathname === `/complaints/${c.id}`), other.getByTestId('solution-submit').click()]);
    await Promise.all([other.waitForURL((url) => url.pathname === `/complaints/${c.id}`), other.locator('[data-testid="transition-review"] button[type="submit"]').click()]);

    await page.goto(`/complaints/${c.id}?lang=vi`);
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), page.getByTestId('review-approve').click()]);
    expect(await page.getByTestId('case-head').textContent()).toContain('Phản hồi khách hàng');
    const versions = page.getByTestId('solution-version');
    expect(await versions.count()).toBe(2);
    expect(await versions.first().getByTestId('solution-summary').textContent()).toBe('Thay bo mạch mới và kiểm tra định kỳ lô L-77 trong 3 tháng.');
    const rows = await Solution.findAll({ where: { complaintId: c.id }, order: [['number', 'ASC']] });
    expect(rows.map((s) => [s.number, s.approved, s.reviewedBy])).toEqual([
      [1, false, director.id],
      [2, true, director.id],
    ]);
  });

  it('shows the panel in one column on a phone, without horizontal scrolling', async () => {
    const director = await buildUser({ roles: ['cs_director'] });
    const c = await moveTestCase(await buildComplaint({}), ['investigation', 'solution', 'review']);
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, director.email, TEST_PASSWORD);
    await page.goto(`/complaints/${c.id}`);
    await page.getByTestId('review-approve-form').waitFor();
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
});
