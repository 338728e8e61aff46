import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { invitedCase } from '../survey/support';
import { useTestClock } from '../support/clock';
import { useBrowserApp } from './support';

const b = useBrowserApp();
useTestClock();

const PHONE = { width: 375, height: 740 };

describe('the satisfaction survey on a phone', () => {
  it('opens from the e-mail link, takes a rating chosen with the keyboard and a comment, and thanks the customer', async () => {
    const { complaint, token } = await invitedCase();
    // The last visit below answers 409 on purpose, which Chromium logs as a failed load.
    const page = await b.newPage({ viewport: PHONE, expectedConsoleErrors: [/status of 409/] });
    await page.goto(`/survey/${token}`);
    expect(await page.locator('h1').textContent()).toBe('Khảo sát mức độ hài lòng');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const group = page.getByRole('group', { name: /Mức độ hài lòng của Quý khách/ });
    expect(await group.isVisible()).toBe(true);

    // Keyboard only: focus the first option, arrow to the fourth (the radio group moves and checks).
    await page.getByTestId('rating-1').focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /4\s+Hài lòng/ }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-comment');
    await page.keyboard.type('Nhân viên gọi lại đúng hẹn, rất chu đáo.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null | undefined>("document.activeElement?.getAttribute('data-testid')")).toBe('survey-submit');
    await Promise.all([page.waitForURL((url) => url.pathname === '/survey/thanks'), page.keyboard.press('Enter')]);
    expect(await page.getByTestId('survey-thanks').locator('h1').textContent()).toBe('Cảm ơn Quý khách!');

    const rows = await sequelize().query<{ rating: number; comment: string }>('SELECT rating, comment FROM survey_answers WHERE complaint_id = $1', {
      bind: [complaint.id],
      type: QueryTypes.SELECT,
    });
    expect(rows).toEqual([{ rating: 4, comment: 'Nhân viên gọi lại đúng hẹn, rất chu đáo.' }]);

    // The same link again: the friendly "already answered" page.
    const again = await page.goto(`/survey/${token}`);
    expect(again?.status()).toBe(409);
    expect(await page.getByTestId('survey-closed').getAttribute('data-reason')).toBe('used');
  });

  it('switches to English and shows the field error for a missing rating', async () => {
    const { token } = await invitedCase();
    // The refused form answers 400, which Chromium logs as a failed load.
    const page = await b.newPage({ viewport: PHONE, expectedConsoleErrors: [/status of 400/] });
    await page.goto(`/survey/${token}`);
    await Promise.all([page.waitForURL(/lang=en/), page.getByTestId('lang-switch').click()]);
    expect(await page.locator('h1').textContent()).toBe('Satisfaction survey');
    await Promise.all([page.waitForLoadState('load'), page.getByTestId('survey-submit').click()]);
    expect(await page.getByTestId('form-errors').textContent()).toContain('Please choose a rating from 1 to 5.');
    expect(await page.locator('#field-rating').getAttribute('aria-invalid')).toBe('true');
  });
});
