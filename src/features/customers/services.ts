import { Router, type Request, type Response } from 'express';
import { createCustomerService, customerServices, updateCustomerService, withReminders, type ServiceWithReminders } from '../../commands/customerServices';
import type { Config } from '../../config';
import { daysBetween, SERVICE_KINDS } from '../../domain/renewals';
import { localDay } from '../../commands/customerServices';
import * as clock from '../../lib/clock';
import { isoDate } from '../../lib/dates';
import { notFound, type FieldError } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import type { Translate } from '../../lib/i18n';
import { idempotent } from '../../lib/idempotency';
import { parse } from '../../lib/validate';
import { z } from '../../lib/zod';
import { Customer, CustomerService } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { documentRoute, IdParams } from '../../http/openapi';
import { field, friendlierErrors, isChecked, versionField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import { presentCustomerService, type CustomerServiceJson } from '../../presenters/customerServices';

// ---------------------------------------------------------------------------------------------
// Schemas

const serviceFields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(SERVICE_KINDS),
  expiresOn: isoDate.openapi({ description: 'The expiry date (YYYY-MM-DD, a day in the organisation’s zone). A new date (a renewal) starts a new reminder schedule' }),
  notes: z.string().trim().max(2000).nullable().optional(),
};

export const CreateCustomerServiceBody = z.object(serviceFields).strict().openapi('CreateCustomerService');
export const UpdateCustomerServiceBody = z
  .object({
    name: serviceFields.name.optional(),
    kind: serviceFields.kind.optional(),
    expiresOn: serviceFields.expiresOn.optional(),
    notes: serviceFields.notes,
    ended: z.boolean().optional().openapi({ description: 'The customer does not renew: no more reminders (the service and its reminders stay on record)' }),
    version: z.number().int().nonnegative().optional(),
  })
  .strict()
  .openapi('UpdateCustomerService');

export const CustomerServiceSchema = z
  .object({
    id: z.string().uuid(),
    customerId: z.string().uuid(),
    name: z.string(),
    kind: z.enum(SERVICE_KINDS),
    expiresOn: z.string(),
    notes: z.string().nullable(),
    ended: z.boolean(),
    nextReminder: z
      .object({ offsetDays: z.number().int().openapi({ description: 'Days before the expiry (negative: after)' }), on: z.string().openapi({ description: 'The day it is due; today when it waits for the job’s next run' }) })
      .nullable(),
    remindersSent: z.array(z.object({ offsetDays: z.number().int(), sentOn: z.string() })).openapi({ description: 'The reminders sent for the current expiry date' }),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('CustomerService');

const who = 'those who may edit customers (intake, quality)';
documentRoute({ method: 'get', path: '/api/v1/customers/{id}/services', summary: "A customer's services with an expiry date, each with its next renewal reminder", tags: ['Customers'], params: IdParams, response: { status: 200, schema: z.object({ items: z.array(CustomerServiceSchema) }) }, problems: [403, 404] });
documentRoute({ method: 'post', path: '/api/v1/customers/{id}/services', summary: `Add a service with an expiry date to a customer (${who}); reminded on the renewal schedule`, tags: ['Customers'], params: IdParams, body: CreateCustomerServiceBody, response: { status: 201, schema: CustomerServiceSchema }, problems: [403, 404] });
documentRoute({ method: 'get', path: '/api/v1/customer-services/{id}', summary: 'One customer service', tags: ['Customers'], params: IdParams, response: { status: 200, schema: CustomerServiceSchema }, problems: [403, 404] });
documentRoute({ method: 'patch', path: '/api/v1/customer-services/{id}', summary: `Edit, renew (a new expiresOn) or end a customer service (${who}; If-Match or version). A service is never deleted: it is ended`, tags: ['Customers'], params: IdParams, body: UpdateCustomerServiceBody, response: { status: 200, schema: CustomerServiceSchema }, problems: [403, 404, 409] });

// ---------------------------------------------------------------------------------------------
// API

const present = ({ service, ...reminders }: ServiceWithReminders) => presentCustomerService(service, reminders);

async function presented(service: CustomerService, zone: string): Promise<CustomerServiceJson> {
  return present((await withReminders([service], zone))[0]);
}

async function readableCustomer(req: Request, id: string): Promise<Customer> {
  authorize(req, 'read', 'Customer');
  const customer = await Customer.findByPk(id);
  if (!customer) throw notFound('Customer');
  authorize(req, 'read', 'Customer', customer.get({ plain: true }) as SubjectRecord);
  return customer;
}

/** /api/v1/customers/:id/services, /api/v1/customer-services/:id */
export function customerServicesApi(config: Pick<Config, 'timezone'>): Router {
  const r = Router();

  r.get('/customers/:id/services', async (req, res) => {
    const customer = await readableCustomer(req, idParam(req));
    res.json({ items: (await customerServices(customer.id, config.timezone)).map(present) });
  });

  r.post('/customers/:id/services', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Customer');
    const body = parse(CreateCustomerServiceBody, req.body);
    const out = await idempotent(req, 201, () => createCustomerService(id, body), (s) => presentCustomerService(s));
    const created = out.body as CustomerServiceJson;
    res.status(out.status).location(`/api/v1/customer-services/${created.id}`).json(out.replayed ? created : await presented((await CustomerService.findByPk(created.id))!, config.timezone));
  });

  r.get('/customer-services/:id', async (req, res) => {
    authorize(req, 'read', 'Customer');
    const service = await CustomerService.findByPk(idParam(req));
    if (!service) throw notFound('Customer service');
    res.json(await presented(service, config.timezone));
  });

  r.patch('/customer-services/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Customer');
    const { version, ...changes } = parse(UpdateCustomerServiceBody, req.body);
    res.json(await presented(await updateCustomerService(id, expectedVersion(req, version), changes), config.timezone));
  });

  return r;
}

// ---------------------------------------------------------------------------------------------
// Pages

type Form = Record<string, unknown>;
interface ServiceValues {
  name: string;
  kind: string;
  expiresOn: string;
  notes: string;
  ended: boolean;
}

/** "30 ngày trước hạn", "đúng ngày hết hạn", "1 ngày sau hạn". */
export function offsetText(offset: number, t: Translate): string {
  if (offset === 0) return t('customerServices.offset.on');
  return t(offset > 0 ? 'customerServices.offset.before' : 'customerServices.offset.after', { count: Math.abs(offset) });
}

/** What the customer page lists: each service with its state in words and its next reminder. */
export async function serviceRows(customerId: string, zone: string, t: Translate) {
  const today = localDay(clock.now(), zone);
  return (await customerServices(customerId, zone)).map((s) => {
    const json = present(s);
    const left = daysBetween(today, json.expiresOn);
    return {
      ...json,
      state: json.ended ? 'ended' : left < 0 ? 'expired' : left <= 30 ? 'soon' : 'active',
      left: left === 0 ? t('customerServices.left.today') : left > 0 ? t('customerServices.left.before', { count: left }) : t('customerServices.left.after', { count: -left }),
      next: json.nextReminder ? { on: json.nextReminder.on, text: offsetText(json.nextReminder.offsetDays, t) } : null,
      sent: json.remindersSent.map((x) => offsetText(x.offsetDays, t)).join(', '),
    };
  });
}

function serviceValues(body: Form): ServiceValues {
  return { name: field(body, 'name'), kind: field(body, 'kind'), expiresOn: field(body, 'expiresOn'), notes: field(body, 'notes'), ended: isChecked(body, 'ended') };
}

const blank = (s: string) => (s.trim() === '' ? undefined : s);

function renderForm(req: Request, res: Response, customer: Customer, v: ServiceValues, extra: { status?: number; errors?: FieldError[]; message?: string; service?: CustomerService } = {}): void {
  res.status(extra.status ?? 200).render('customers/service-form', {
    title: extra.service ? req.t('customerServices.editTitle', { name: extra.service.name }) : req.t('customerServices.new'),
    customer: { id: customer.id, name: customer.name },
    service: extra.service ? { id: extra.service.id, version: extra.service.version } : null,
    values: v,
    kinds: SERVICE_KINDS,
    errors: extra.errors,
    message: extra.message,
  });
}

async function editableCustomer(req: Request): Promise<Customer> {
  const customer = await readableCustomer(req, idParam(req));
  authorize(req, 'update', 'Customer', customer.get({ plain: true }) as SubjectRecord);
  return customer;
}

async function serviceOf(req: Request, customer: Customer): Promise<CustomerService> {
  const service = await CustomerService.findByPk(idParam(req, 'serviceId'));
  if (!service || service.customerId !== customer.id) throw notFound('Customer service');
  return service;
}

function failed(req: Request, res: Response, err: unknown, customer: Customer, v: ServiceValues, service?: CustomerService): void {
  const { status, errors, message } = formErrors(err, req.t);
  const blanks = new Set(Object.entries(v).filter(([, x]) => typeof x === 'string' && x.trim() === '').map(([k]) => k));
  renderForm(req, res, customer, v, { status, errors: friendlierErrors(errors, (p) => blanks.has(p), req.t), message, service });
}

/** /customers/:id/services/new, /customers/:id/services/:serviceId/edit (under the customers pages' sign-in). */
export function customerServicesPages(): Router {
  const r = Router();

  r.get('/customers/:id/services/new', async (req, res) => {
    const customer = await editableCustomer(req);
    renderForm(req, res, customer, { name: '', kind: 'domain', expiresOn: '', notes: '', ended: false });
  });

  r.post('/customers/:id/services/new', async (req, res) => {
    const customer = await editableCustomer(req);
    const v = serviceValues(req.body as Form);
    try {
      await createCustomerService(customer.id, parse(CreateCustomerServiceBody, { name: v.name, kind: blank(v.kind), expiresOn: blank(v.expiresOn), notes: blank(v.notes) ?? null }, req.lang));
      setFlash(res, 'customers.flash.service_created');
      res.redirect(303, `/customers/${customer.id}#services`);
    } catch (err) {
      failed(req, res, err, customer, v);
    }
  });

  r.get('/customers/:id/services/:serviceId/edit', async (req, res) => {
    const customer = await editableCustomer(req);
    const s = await serviceOf(req, customer);
    renderForm(req, res, customer, { name: s.name, kind: s.kind, expiresOn: s.expiresOn, notes: s.notes ?? '', ended: s.ended }, { service: s });
  });

  r.post('/customers/:id/services/:serviceId/edit', async (req, res) => {
    const customer = await editableCustomer(req);
    const service = await serviceOf(req, customer);
    const body = req.body as Form;
    const v = serviceValues(body);
    try {
      const { version, ...changes } = parse(
        UpdateCustomerServiceBody,
        { name: v.name, kind: blank(v.kind), expiresOn: blank(v.expiresOn), notes: blank(v.notes) ?? null, ended: v.ended, version: versionField(body) },
        req.lang,
      );
      await updateCustomerService(service.id, version, changes);
      setFlash(res, 'customers.flash.service_saved');
      res.redirect(303, `/customers/${customer.id}#services`);
    } catch (err) {
      failed(req, res, err, customer, v, (await CustomerService.findByPk(service.id))!);
    }
  });

  return r;
}
