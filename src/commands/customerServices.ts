import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { nextReminder, readRenewalSchedule, type ServiceKind } from '../domain/renewals';
import * as clock from '../lib/clock';
import { notFound, staleVersion } from '../lib/errors';
import { Customer, CustomerService, Setting } from '../models';

export interface CustomerServiceInput {
  name: string;
  kind: ServiceKind;
  expiresOn: string;
  notes?: string | null;
}

export type CustomerServiceChanges = Partial<CustomerServiceInput> & { ended?: boolean };

const text = (s: string | null | undefined) => (s == null ? null : s.normalize('NFC').trim() || null);

/** Adds a service to a customer (audited `customer_service.created`). */
export async function createCustomerService(customerId: string, input: CustomerServiceInput): Promise<CustomerService> {
  return transaction(async () => {
    // The customer's row is only read: a service never changes the customer's version.
    const customer = await Customer.findByPk(customerId, { attributes: ['id'] });
    if (!customer) throw notFound('Customer');
    return CustomerService.create({ customerId, name: text(input.name)!, kind: input.kind, expiresOn: input.expiresOn, notes: text(input.notes) });
  });
}

/**
 * Edits a service with a version check (409 when stale): renewing it is a new `expiresOn` (a new
 * reminder schedule), ending it stops the reminders. Audited `customer_service.updated`.
 */
export async function updateCustomerService(id: string, expectedVersion: number | undefined, changes: CustomerServiceChanges): Promise<CustomerService> {
  return transaction(async () => {
    const service = await CustomerService.findByPk(id, { lock: true });
    if (!service) throw notFound('Customer service');
    if (expectedVersion !== undefined && service.version !== expectedVersion) throw staleVersion(service.version);
    if (changes.name !== undefined) service.name = text(changes.name)!;
    if (changes.kind !== undefined) service.kind = changes.kind;
    if (changes.expiresOn !== undefined) service.expiresOn = changes.expiresOn;
    if (changes.notes !== undefined) service.notes = text(changes.notes);
    if (changes.ended !== undefined) service.ended = changes.ended;
    await service.save();
    return service;
  });
}

/** The organisation's renewal schedule (setting `renewal_schedule`, default 30/18/15/3/−1/−4). */
export async function renewalSchedule(): Promise<number[]> {
  return readRenewalSchedule((await Setting.findByPk('renewal_schedule'))?.value);
}

/** The organisation's calendar day of `at` (YYYY-MM-DD in `zone`). */
export const localDay = (at: Date, zone: string): string => DateTime.fromJSDate(at, { zone }).toISODate()!;

export interface SentReminder {
  offsetDays: number;
  sentOn: string;
}

export interface ServiceWithReminders {
  service: CustomerService;
  /** The reminders already sent for the service's current expiry date, earliest first. */
  sent: SentReminder[];
  /** The next reminder: its offset and the day it is due (today when it waits for the job's next run). */
  next: { offset: number; on: string } | null;
}

/** A customer's services by expiry (live ones first), each with its reminders and the next one. */
export async function customerServices(customerId: string, zone: string): Promise<ServiceWithReminders[]> {
  const services = await CustomerService.findAll({ where: { customerId }, order: [['ended', 'ASC'], ['expiresOn', 'ASC'], ['id', 'ASC']] });
  return withReminders(services, zone);
}

/** Each service with the reminders sent for its current expiry date and its next one (two queries, whatever the number). */
export async function withReminders(services: readonly CustomerService[], zone: string): Promise<ServiceWithReminders[]> {
  if (services.length === 0) return [];
  const rows = await sequelize().query<{ service_id: string; offset_days: number; sent_on: string }>(
    `SELECT r.service_id, r.offset_days, r.sent_on::text AS sent_on
       FROM renewal_reminders r JOIN customer_services s ON s.id = r.service_id AND s.expires_on = r.expires_on
      WHERE r.service_id = ANY($1::uuid[]) ORDER BY r.sent_on, r.offset_days DESC`,
    { bind: [services.map((s) => s.id)], type: QueryTypes.SELECT },
  );
  const schedule = await renewalSchedule();
  const today = localDay(clock.now(), zone);
  return services.map((service) => {
    const sent = rows.filter((r) => r.service_id === service.id).map((r) => ({ offsetDays: r.offset_days, sentOn: r.sent_on }));
    const next = service.ended ? null : nextReminder(schedule, service.expiresOn, today, new Set(sent.map((x) => x.offsetDays)));
    return { service, sent, next };
  });
}
