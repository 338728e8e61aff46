import { Evidence, Finding } from '../../src/models';
import { buildComplaint, buildUser, TEST_PASSWORD } from '../support/factories';
import { moveTestCase } from '../support/procedure';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

/** A valid 1×1 PNG (a photo, as far as the type detection is concerned). */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

describe('a quality officer investigates a case in the browser', () => {
  it('uploads a photo with the page script, sees its thumbnail and hash, then records the findings', async () => {
    const officer = await buildUser({ roles: ['quality'], name: 'Đặng Thu Trang' });
    const c = await moveTestCase(await buildComplaint({ subject: 'Vỏ máy nứt khi giao' }, officer), ['investigation']);
    const page = await b.newPage();
    await signIn(page, officer.email, TEST_PASSWORD);
    await page.goto(`/complaints/${c.id}?lang=vi`);

    const upload = page.getByTestId('evidence-upload');
    await upload.locator('input[type="file"]').setInputFiles({ name: 'ảnh vỏ máy nứt.png', mimeType: 'image/png', buffer: PNG });
    await upload.locator('textarea[name="description"]').fill('Ảnh chụp vỏ máy nứt ở góc phải, do khách gửi qua Zalo');
    // The script posts to the API and reloads the page once the upload is stored.
    await Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.url().endsWith(`/api/v1/complaints/${c.id}/evidence`) && r.status() === 201), upload.locator('button[type="submit"]').click()]);
    const item = page.getByTestId('evidence-item').first();
    await item.waitFor();
    expect(await item.getByTestId('evidence-name').textContent()).toBe('ảnh vỏ máy nứt.png');
    const thumbnail = item.getByTestId('evidence-thumbnail');
    await thumbnail.waitFor();
    // The thumbnail really loaded: the browser decoded the stored bytes as an image.
    await page.waitForFunction("(() => { const img = document.querySelector('[data-testid=evidence-thumbnail]'); return img && img.complete && img.naturalWidth === 1; })()");
    const stored = (await Evidence.findOne({ where: { complaintId: c.id } }))!;
    expect(await item.getByTestId('evidence-hash').textContent()).toBe(stored.sha256);

    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}/findings`), page.getByTestId('findings-record').click()]);
    await page.locator('input[name="substantiated"][value="false"]').check();
    await page.locator('textarea[name="rootCause"]').fill('Vỏ máy nứt do đơn vị vận chuyển xếp chồng quá tải trọng.');
    await Promise.all([page.waitForURL((url) => url.pathname === `/complaints/${c.id}`), page.getByTestId('findings-submit').click()]);
    expect(await page.getByTestId('findings-root-cause').textContent()).toBe('Vỏ máy nứt do đơn vị vận chuyển xếp chồng quá tải trọng.');
    expect(await page.getByTestId('findings-substantiated').textContent()).toBe('Không có cơ sở');
    expect(await Finding.count({ where: { complaintId: c.id } })).toBe(1);
  });

  it('shows the panel in one column on a phone, without horizontal scrolling', async () => {
    const officer = await buildUser({ roles: ['quality'] });
    const c = await moveTestCase(await buildComplaint({}, officer), ['investigation']);
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, officer.email, TEST_PASSWORD);
    await page.goto(`/complaints/${c.id}`);
    await page.getByTestId('evidence-upload').waitFor();
    await page.getByTestId('findings-panel').waitFor();
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
});
