import { createCustomerService, localDay } from '../src/commands/customerServices';
import { addDays } from '../src/domain/renewals';
import * as clock from '../src/lib/clock';
import type { Customer } from '../src/models';

/**
 * Two demo customers' services with an expiry date close enough that the renewal reminders show
 * (the customer page's "next reminder", `npm run cli -- job:run renewal-reminders`): Đông Á's domain
 * in 15 days (its 15-day reminder is due today) and its hosting in 40 days; Hòa Bình's maintenance
 * contract expired yesterday (the "1 day after" reminder).
 */
export async function demoServices(customers: Customer[], zone: string, as: <T>(fn: () => Promise<T>) => Promise<T>): Promise<void> {
  const today = localDay(clock.now(), zone);
  const [dongA, hoaBinh] = [customers[2], customers[4]];
  await as(() => createCustomerService(dongA.id, { name: 'donga.example.vn', kind: 'domain', expiresOn: addDays(today, 15), notes: 'Tên miền chính của công ty; gia hạn qua VNNIC.' }));
  await as(() => createCustomerService(dongA.id, { name: 'Gói hosting Doanh nghiệp 20 GB', kind: 'hosting', expiresOn: addDays(today, 40) }));
  await as(() => createCustomerService(hoaBinh.id, { name: 'Hợp đồng bảo trì hệ thống lọc nước HĐ-2025/117', kind: 'maintenance', expiresOn: addDays(today, -1) }));
}
