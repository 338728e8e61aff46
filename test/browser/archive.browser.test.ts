import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { resetClock, useFixedClock } from '../../src/lib/clock';
import { Archive } from '../../src/models';
import { sealedTestArchive } from '../support/archives';
import { buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();
afterEach(() => resetClock());

describe('the archive on a laptop and a phone', () => {
  it('the auditor sees a green verification, then a red one naming the tampered archive', async () => {
    const { archive, complaint } = await sealedTestArchive();
    const auditor = await buildUser({ roles: ['auditor'], name: 'Lê Thị Kiểm' });
    const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, auditor.email, TEST_PASSWORD);
    await page.goto('/archives/verify');
    const result = page.getByTestId('archive-verify-result');
    expect(await result.getAttribute('class')).toBe('verify-ok');

    await sequelize().transaction(async (tx) => {
      await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: tx });
      await sequelize().query(`UPDATE archives SET snapshot = replace(snapshot, $2, 'KN-GIA-MAO') WHERE id = $1`, { bind: [archive.id, complaint.reference], transaction: tx, type: QueryTypes.UPDATE });
    });
    await page.reload();
    expect(await result.getAttribute('class')).toBe('verify-failed');
    expect(await result.textContent()).toContain(`archive:${archive.id}`);
  });

  it('a sysadmin proposes the disposal of an archive past its retention and a lawyer approves it, on a phone', async () => {
    const { archive, complaint } = await sealedTestArchive();
    useFixedClock(archive.retentionUntil.getTime() + 86_400_000);
    const admin = await buildUser({ roles: ['sysadmin'], name: 'Đỗ Văn Tùng' });
    const lawyer = await buildUser({ roles: ['legal'], name: 'Phạm Thị Luật' });

    const phone = { viewport: { width: 390, height: 844 } };
    // The refused form below answers 400 (the form again, with the message), which Chromium logs.
    const page = await b.newPage({ ...phone, expectedConsoleErrors: [/status of 400 \(Bad Request\)/] });
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.goto('/archives/retention-review');
    await page.getByTestId(`dispose-link-${archive.id}`).click();
    await page.getByTestId('disposal-submit').click();
    // Refused without a reason: the field says why and keeps the focus target.
    expect(await page.locator('#field-reason').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('disposal-reason').fill('Hết thời hạn lưu trữ 5 năm, không có tranh chấp.');
    await Promise.all([page.waitForURL(/\/disposals$/), page.getByTestId('disposal-submit').click()]);
    expect(await page.getByRole('status').first().textContent()).toContain('Đã gửi đề xuất tiêu hủy.');

    const legal = await b.newPage(phone);
    await signIn(legal, lawyer.email, TEST_PASSWORD);
    await legal.goto('/disposals');
    const [scrollWidth, innerWidth] = await legal.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const row = legal.locator('[data-testid^="disposal-"][data-status="proposed"]').first();
    await row.getByRole('button', { name: 'Phê duyệt tiêu hủy' }).click();
    await legal.waitForURL(/\/disposals$/);
    expect(await legal.getByRole('status').first().textContent()).toContain('Đã phê duyệt');
    expect((await Archive.findByPk(archive.id, { rejectOnEmpty: true })).disposedAt).not.toBeNull();

    await legal.goto(`/complaints/${complaint.id}`);
    expect(await legal.getByTestId('case-disposed').textContent()).toContain(complaint.reference);
  });
});
