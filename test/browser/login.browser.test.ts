import type { Page } from 'playwright-core';
import { ROLE_KEYS, type RoleKey } from '../../src/domain/roles';
import { User } from '../../src/models';
import { buildDepartment, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

/** A Vietnamese name per role, with the diacritics a broken charset or font would mangle. */
const NAMES: Record<RoleKey, string> = {
  intake: 'Nguyễn Thị Lan',
  quality: 'Trần Văn Minh',
  dept_head: 'Lê Hoàng Nam',
  cs_director: 'Phạm Thu Hà',
  ceo: 'Đặng Quốc Bảo',
  admin_officer: 'Vũ Thị Hạnh',
  legal: 'Hoàng Đức Anh',
  auditor: 'Bùi Thị Mai',
  sysadmin: 'Đỗ Văn Tùng',
};

/** The hrefs in the signed-in menu (the inline list wide screens show), in order. */
const navLinks = (page: Page) => page.locator('nav.site-nav ul.nav-wide a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

/** What each role finds in the menu besides home, the API docs and their account. */
const ROLE_LINKS: Record<RoleKey, string[]> = {
  intake: ['/complaints', '/complaints/new', '/regulatory', '/customers'],
  quality: ['/complaints', '/complaints/new', '/regulatory', '/actions', '/customers', '/archives', '/reports'],
  dept_head: ['/complaints', '/actions', '/customers'],
  cs_director: ['/complaints', '/regulatory', '/reviews', '/actions', '/customers'],
  ceo: ['/complaints', '/regulatory/queue', '/customers'],
  admin_officer: ['/complaints', '/regulatory', '/customers'],
  legal: ['/complaints', '/regulatory', '/customers', '/archives', '/archives/retention-review'],
  auditor: ['/complaints', '/regulatory', '/actions', '/customers', '/audit', '/archives', '/reports', '/archives/retention-review'],
  sysadmin: ['/archives/retention-review', '/admin/users', '/admin/departments', '/admin/sla', '/admin/holidays', '/admin/settings', '/admin/letter-templates', '/admin/outbox', '/admin/jobs', '/admin/retention'],
};

const text = async (locator: { textContent(): Promise<string | null> }) => (await locator.textContent())?.trim();

describe('signing in through the login form', () => {
  it.each(ROLE_KEYS)('%s sees their own home page: greeting, role card and navigation', async (role) => {
    const user = await buildUser({ roles: [role], name: NAMES[role] });
    const page = await b.newPage();
    await signIn(page, user.email, TEST_PASSWORD);

    expect(await text(page.getByTestId('home-greeting'))).toBe(`Xin chào, ${NAMES[role]}`);
    expect(await page.getByTestId('home-greeting').isVisible()).toBe(true);
    expect(await text(page.locator('ul.nav-wide').getByTestId('account-link'))).toBe(NAMES[role]);
    expect(await page.locator('[data-testid^="role-card-"]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-testid')))).toEqual([
      `role-card-${role}`,
    ]);
    expect(await page.getByTestId(`role-card-${role}`).isVisible()).toBe(true);

    // The links the role gets (their visibility on each screen size is tested below).
    expect(await navLinks(page)).toEqual(['/', ...ROLE_LINKS[role], '/api/docs', '/account']);
  });

  it('shows the Vietnamese error for a wrong password and keeps the email', async () => {
    const user = await buildUser({ roles: ['quality'] });
    // The refused sign-in answers 401, which Chromium logs as a failed load; nothing else may be logged.
    const page = await b.newPage({ expectedConsoleErrors: [/status of 401/] });
    await page.goto('/login');
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill('not the password at all');
    await page.locator('form[action="/login"] button[type="submit"]').click();

    await page.getByTestId('login-error').waitFor();
    expect(await text(page.getByTestId('login-error'))).toBe('Email hoặc mật khẩu không đúng.');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('#email').inputValue()).toBe(user.email);
    expect(await page.locator('#password').inputValue()).toBe('');
  });
});

describe('the signed-in shell', () => {
  it('switches to English with the footer link, and the next page stays English', async () => {
    const user = await buildUser({ roles: ['intake'], name: NAMES.intake });
    const page = await b.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await text(page.getByTestId('lang-switch'))).toBe('English');

    await Promise.all([page.waitForURL(/[?&]lang=en\b/), page.getByTestId('lang-switch').click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page.getByTestId('home-greeting'))).toBe(`Hello, ${NAMES.intake}`);
    expect(await text(page.getByTestId('lang-switch'))).toBe('Tiếng Việt');

    await page.goto('/account');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text(page.locator('nav.site-nav ul.nav-wide button[type="submit"]'))).toBe('Sign out');
    expect(await text(page.getByTestId('lang-switch'))).toBe('Tiếng Việt');
  });

  it('shows the menu inline on a wide screen, every link and the sign-out button visible', async () => {
    const user = await buildUser({ roles: ['auditor', 'sysadmin'], name: NAMES.auditor });
    const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, user.email, TEST_PASSWORD);

    const menu = page.locator('nav.site-nav ul.nav-wide');
    const visible = [];
    for (const link of await menu.locator('a').all()) if (await link.isVisible()) visible.push(await text(link));
    expect(visible).toEqual([
      'Trang chủ', 'Hàng đợi hồ sơ', 'Sổ báo cáo cơ quan chức năng', 'Sổ theo dõi khắc phục', 'Khách hàng', 'Nhật ký kiểm toán', 'Hồ sơ lưu trữ',
      'Báo cáo', 'Xem xét lưu trữ', 'Người dùng', 'Phòng ban', 'Chỉ tiêu SLA', 'Lịch nghỉ lễ', 'Cấu hình', 'Mẫu thư', 'Hộp thư đi', 'Tác vụ định kỳ', 'Thời hạn lưu trữ',
      'Tài liệu API', NAMES.auditor,
    ]);
    expect(await menu.getByRole('button', { name: 'Đăng xuất' }).isVisible()).toBe(true);
    expect(await page.locator('nav.site-nav details.nav-menu').isVisible()).toBe(false);
  });

  it('signs out back to the login page, and the session no longer opens the home page', async () => {
    const user = await buildUser({ roles: ['legal'] });
    const page = await b.newPage();
    await signIn(page, user.email, TEST_PASSWORD);

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.locator('#email').waitFor();
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('fits a phone: no horizontal scroll on the home page, and the menu opens', async () => {
    // Every role at once: the most badges and cards a home page can show.
    const user = await buildUser({ roles: [...ROLE_KEYS], name: 'Nguyễn Thị Phương Thảo' });
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, user.email, TEST_PASSWORD);

    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(innerWidth).toBe(390);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

    expect(await page.locator('nav.site-nav ul.nav-wide').isVisible()).toBe(false);
    const menu = page.locator('nav.site-nav details.nav-menu');
    const usersLink = menu.locator('a[href="/admin/users"]');
    expect(await usersLink.isVisible()).toBe(false);
    await menu.locator('summary').click();
    expect(await menu.getAttribute('open')).not.toBeNull();
    await usersLink.waitFor({ state: 'visible' });
    expect(await menu.getByRole('button', { name: 'Đăng xuất' }).isVisible()).toBe(true);
    const [openScrollWidth] = await page.evaluate<[number]>('[document.documentElement.scrollWidth]');
    expect(openScrollWidth).toBeLessThanOrEqual(innerWidth);

    await Promise.all([page.waitForURL((url) => url.pathname === '/admin/users'), usersLink.click()]);
  });
});

describe('role pages', () => {
  it('a sysadmin creates a user with two roles and a department', async () => {
    const department = await buildDepartment({ name: 'Phòng Kỹ thuật Sản xuất' });
    const admin = await buildUser({ roles: ['sysadmin'], name: NAMES.sysadmin });
    const page = await b.newPage();
    await signIn(page, admin.email, TEST_PASSWORD);

    await page.goto('/admin/users/new');
    const form = page.getByTestId('user-form');
    await form.locator('input[name="name"]').fill('Trương Thị Ngọc Ánh');
    await form.locator('input[name="email"]').fill('ngoc.anh@example.vn');
    await form.locator('select[name="departmentId"]').selectOption(department.id);
    await form.locator('input[name="roles"][value="quality"]').check();
    await form.locator('input[name="roles"][value="legal"]').check();
    await form.locator('input[name="password"]').fill('một mật khẩu đủ dài');
    await Promise.all([page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/), form.locator('button[type="submit"]').click()]);

    expect(await text(page.locator('main .notice'))).toBe('Đã tạo người dùng.');
    expect(await text(page.locator('main h1'))).toBe('Trương Thị Ngọc Ánh');
    const created = await User.findOne({ where: { email: 'ngoc.anh@example.vn' } });
    expect(created).toMatchObject({ name: 'Trương Thị Ngọc Ánh', departmentId: department.id });
    expect([...created!.roles].sort()).toEqual(['legal', 'quality']);
    expect(page.url()).toBe(`${b.baseUrl}/admin/users/${created!.id}`);

    // The flash shows once.
    await page.reload();
    expect(await page.locator('main .notice').count()).toBe(0);
  });

  it('an auditor runs the integrity check in place (htmx) and sees the trail is intact', async () => {
    const auditor = await buildUser({ roles: ['auditor'], name: NAMES.auditor });
    const page = await b.newPage();
    await signIn(page, auditor.email, TEST_PASSWORD);

    await page.goto('/audit');
    expect(await page.getByTestId('verify-result').count()).toBe(0);
    const button = page.getByTestId('verify-link');
    expect(await text(button)).toBe('Kiểm tra tính toàn vẹn');
    const verified = page.waitForResponse((res) => new URL(res.url()).pathname === '/audit/verify' && res.request().headers()['hx-request'] === 'true');
    await button.click();
    expect((await verified).status()).toBe(200);

    const result = page.locator('#verify-result [data-testid="verify-result"]');
    await result.waitFor();
    expect(await text(result)).toContain('Nhật ký toàn vẹn');
    expect(await result.getAttribute('class')).toContain('verify-ok');
    // Loaded in place: still the audit page, with its table, not a navigation to /audit/verify.
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await page.getByTestId('audit-table').isVisible()).toBe(true);
  });
});
