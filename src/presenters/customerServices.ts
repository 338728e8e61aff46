import type { ServiceWithReminders } from '../commands/customerServices';
import type { CustomerService } from '../models';

/** A customer's service as the API and the page show it: the next reminder and those sent for its current expiry. */
export function presentCustomerService(s: CustomerService, reminders?: Omit<ServiceWithReminders, 'service'>) {
  return {
    id: s.id,
    customerId: s.customerId,
    name: s.name,
    kind: s.kind,
    expiresOn: s.expiresOn,
    notes: s.notes,
    ended: s.ended,
    nextReminder: reminders?.next ? { offsetDays: reminders.next.offset, on: reminders.next.on } : null,
    remindersSent: reminders?.sent ?? [],
    version: s.version,
    updatedAt: s.updatedAt.toISOString(),
  };
}

export type CustomerServiceJson = ReturnType<typeof presentCustomerService>;
