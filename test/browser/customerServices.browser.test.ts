import { createCustomerService } from '../../src/commands/customerServices';
import { CustomerService } from '../../src/models';
import { asActor } from '../support/context';
import { buildCustomer, buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

describe("a customer's services on a phone", () => {
  it('lists them without horizontal scrolling and adds one through the form', async () => {
    const user = await buildUser({ roles: ['intake'] });
    const customer = await buildCustomer({ name: 'Công ty TNHH Thương mại Đông Á' });
    await asActor(() => createCustomerService(customer.id, { name: 'Gói hosting Doanh nghiệp 20 GB cho website bán hàng', kind: 'hosting', expiresOn: '2030-01-31', notes: 'Liên hệ chị Hương trước 2 tuần' }));
    const page = await b.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, user.email, TEST_PASSWORD);
    await page.goto(`/customers/${customer.id}?lang=vi`);
    await page.getByTestId('customer-services').waitFor();
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

    await Promise.all([page.waitForURL((url) => url.pathname === `/customers/${customer.id}/services/new`), page.getByTestId('service-add').click()]);
    await page.locator('#field-name').fill('dongavn.example');
    await page.locator('#field-kind').selectOption('domain');
    await page.locator('#field-expiresOn').fill('2030-03-15');
    await Promise.all([page.waitForURL((url) => url.pathname === `/customers/${customer.id}`), page.getByTestId('service-submit').click()]);
    expect(await page.getByTestId('service-row').count()).toBe(2);
    expect(await CustomerService.count({ where: { customerId: customer.id, name: 'dongavn.example', expiresOn: '2030-03-15' } })).toBe(1);
  });
});
