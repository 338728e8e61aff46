import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { transaction } from '../../src/db';
import type { User } from '../../src/models';
import { NOTICE } from '../../src/notifications/kinds';
import { notify } from '../../src/notifications/notify';
import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

/** A breach notification of `user` about `complaint`, as the SLA sweep writes it: notify() in the cause's transaction. */
const breach = (user: User, complaint: { id: string; reference: string }) =>
  transaction(() =>
    notify({
      kind: NOTICE.slaBreached,
      cause: `browser:${randomUUID()}`,
      recipientIds: [user.id],
      complaintId: complaint.id,
      params: { reference: complaint.reference, clock: 'stage', stage: 'investigation', dueAt: '2026-11-02T03:00:00.000Z' },
      link: `/complaints/${complaint.id}`,
      email: false,
    }),
  );

const bell = (page: Page) => page.getByTestId('bell');
const fits = async (page: Page) => {
  const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
};

describe('the bell and the notifications page', () => {
  it('counts a new notification, opens the list, follows its link and marks it read: the count drops', async () => {
    const officer = await buildUser({ roles: ['quality'], name: 'Trần Văn Minh' });
    const first = await buildComplaint();
    const second = await buildComplaint();
    const page = await b.newPage();
    await signIn(page, officer.email, TEST_PASSWORD);
    expect(await bell(page).getAttribute('aria-label')).toBe('Thông báo: không có thông báo chưa đọc');
    expect(await page.getByTestId('bell-count').count()).toBe(0);

    const [one] = await breach(officer, first);
    const [two] = await breach(officer, second);
    await page.reload();
    expect(await bell(page).getAttribute('aria-label')).toBe('Thông báo: 2 chưa đọc');
    expect(await page.getByTestId('bell-count').textContent()).toBe('2');
    // The accessible name is the words, not the digit alone.
    expect(await page.getByRole('link', { name: 'Thông báo: 2 chưa đọc' }).isVisible()).toBe(true);

    await Promise.all([page.waitForURL((url) => url.pathname === '/notifications'), bell(page).click()]);
    expect(await bell(page).getAttribute('aria-current')).toBe('page');
    const item = page.getByTestId(`notification-${one}`);
    expect(await item.getAttribute('data-read')).toBe('false');
    expect(await item.getByTestId('notification-unread-badge').textContent()).toBe('Chưa đọc');
    expect(await item.getByTestId('notification-link').textContent()).toBe(`Quá hạn: ${first.reference}`);

    // Its link opens the case.
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${first.id}`), item.getByTestId('notification-link').click()]);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/notifications');

    // Mark it read: back on the list, it is read and the bell says 1.
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/notifications'),
      page.getByTestId(`notification-read-${one}`).getByRole('button', { name: 'Đánh dấu đã đọc' }).click(),
    ]);
    await page.waitForFunction(`document.querySelector('[data-testid="bell"]')?.getAttribute('data-unread') === '1'`);
    expect(await page.getByTestId(`notification-${one}`).getAttribute('data-read')).toBe('true');
    expect(await page.getByTestId(`notification-read-${one}`).count()).toBe(0);
    expect(await bell(page).getAttribute('aria-label')).toBe('Thông báo: 1 chưa đọc');

    // Mark all: nothing unread, the bell quiet.
    await Promise.all([page.waitForURL((url) => url.pathname === '/notifications'), page.getByRole('button', { name: 'Đánh dấu tất cả đã đọc' }).click()]);
    await page.getByText('Đã đánh dấu tất cả thông báo là đã đọc.').waitFor();
    expect(await page.getByTestId(`notification-${two}`).getAttribute('data-read')).toBe('true');
    expect(await bell(page).getAttribute('aria-label')).toBe('Thông báo: không có thông báo chưa đọc');
    expect(await page.getByTestId('bell-count').count()).toBe(0);
  });

  it('fits a phone: the bell shows beside the name without opening the menu, and the list reads without sideways scrolling', async () => {
    const head = await buildUser({ roles: ['quality', 'dept_head', 'cs_director', 'auditor', 'sysadmin'], name: 'Nguyễn Thị Phương Thảo' });
    const c = await buildComplaint();
    for (let i = 0; i < 3; i++) await breach(head, c);
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, head.email, TEST_PASSWORD);
    await fits(page);
    expect(await page.locator('nav.site-nav details.nav-menu').getAttribute('open')).toBeNull();
    expect(await bell(page).isVisible()).toBe(true);
    expect(await page.getByTestId('bell-count').textContent()).toBe('3');

    await Promise.all([page.waitForURL((url) => url.pathname === '/notifications'), bell(page).click()]);
    await fits(page);
    const buttons = page.getByRole('button', { name: 'Đánh dấu đã đọc' });
    expect(await buttons.count()).toBe(3);
    // The button is inside the viewport and big enough to tap.
    const box = (await buttons.first().boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThanOrEqual(30);
    await Promise.all([page.waitForURL((url) => url.pathname === '/notifications'), buttons.first().click()]);
    await page.waitForFunction(`document.querySelector('[data-testid="bell"]')?.getAttribute('data-unread') === '2'`);
    expect(await page.getByTestId('bell-count').textContent()).toBe('2');
    await fits(page);
  });
});
