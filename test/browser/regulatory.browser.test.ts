import { submitRegulatoryReview } from '../../src/commands/regulatory';
import { Signature } from '../../src/models';
import { asActor } from '../support/context';
import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();
const ZONE = 'Asia/Ho_Chi_Minh';
const RATIONALE = 'Khách hàng bị bỏng độ hai do máy rò điện: phải báo cáo cơ quan chức năng.';

describe('the CEO signs a regulatory decision in the browser', () => {
  it('opens the queue and the case, reviews the content and its hash, is refused a wrong password, then signs', async () => {
    const quality = await buildUser({ roles: ['quality'] });
    const ceo = await buildUser({ roles: ['ceo'], name: 'Trần Quốc Tổng' });
    const c = await buildComplaint({ harm: 'serious_injury', subject: 'Ấm siêu tốc rò điện gây bỏng' }, quality);
    await asActor(
      () =>
        submitRegulatoryReview(
          c.id,
          { summary: 'Khách hàng bị bỏng tay khi dùng ấm siêu tốc lô A-17.' },
          { userId: quality.id, name: quality.name, role: 'quality', reads: () => true, may: () => true },
          ZONE,
        ),
      { userId: quality.id, roles: ['quality'], label: quality.name },
    );

    // The wrong password's page answers 401: Chromium reports that status in the console.
    const page = await b.newPage({ expectedConsoleErrors: [/status of 401/] });
    await signIn(page, ceo.email, TEST_PASSWORD);
    await page.goto('/?lang=vi');
    await Promise.all([page.waitForURL((url) => url.pathname === '/regulatory/queue'), page.locator('a[href="/regulatory/queue"]').first().click()]);
    const row = page.locator(`[data-testid="regulatory-queue-row"][data-complaint-id="${c.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Thương tích nghiêm trọng');

    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), row.getByTestId('regulatory-queue-case').click()]);
    expect(await page.getByTestId('regulatory-status').textContent()).toBe('Chờ Tổng giám đốc quyết định');
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}/regulatory/sign`), page.getByTestId('regulatory-sign-link').click()]);

    await page.getByTestId('sign-decision-report').check();
    await page.getByTestId('sign-rationale-input').fill(RATIONALE);
    await Promise.all([page.waitForLoadState('load'), page.getByTestId('sign-review').click()]);
    await page.getByTestId('sign-content').waitFor();
    expect(await page.getByTestId('sign-decision').textContent()).toBe('Báo cáo cơ quan chức năng');
    expect(await page.getByTestId('sign-rationale').textContent()).toBe(RATIONALE);
    expect(await page.getByTestId('sign-meaning').textContent()).toBe('Quyết định báo cáo cơ quan chức năng');
    const hash = (await page.getByTestId('sign-hash').textContent())!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    await page.getByTestId('sign-password').fill('sai mật khẩu');
    await Promise.all([page.waitForLoadState('load'), page.getByTestId('sign-submit').click()]);
    expect(await page.getByTestId('form-errors').textContent()).toContain('Mật khẩu không đúng: quyết định chưa được ký.');
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
    expect(await page.getByTestId('sign-hash').textContent()).toBe(hash);

    await page.getByTestId('sign-password').fill(TEST_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), page.getByTestId('sign-submit').click()]);
    const signature = page.getByTestId('regulatory-signature');
    await signature.waitFor();
    expect(await signature.getByTestId('signature-signer').textContent()).toBe('Trần Quốc Tổng');
    expect(await signature.getByTestId('signature-meaning').textContent()).toBe('Quyết định báo cáo cơ quan chức năng');
    expect(await signature.getByTestId('signature-hash').textContent()).toBe(hash);
    expect(await page.getByTestId('regulatory-decision').textContent()).toBe('Báo cáo cơ quan chức năng');
    const stored = await Signature.findOne({ where: { complaintId: c.id }, rejectOnEmpty: true });
    expect(stored.contentSha256).toBe(hash);

    // On a phone the signature and its hash fit the screen: no horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId('signature-hash').waitFor();
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
});
