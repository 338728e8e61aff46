import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import { CATEGORIES, CHANNELS, CONTACT_CHANNELS, CUSTOMER_TYPES, HARMS, KINDS, SEVERITIES, TIERS } from '../../domain/entries';
import { STAGES } from '../../domain/workflow';
import { AppError, fieldError, validationFailed, type FieldError } from '../../lib/errors';
import { uuidParam } from '../../lib/pagination';
import { parse } from '../../lib/validate';
import { User, type Complaint } from '../../models';
import { allowed } from '../../policies/authorize';
import { presentComplaint } from '../../presenters/complaints';
import { CreateComplaintBody } from './schema';
import { intakeCustomerOptions } from '../../http/customerPicker';
import { field, friendlierErrors, isChecked } from '../../http/forms';

/**
 * The entry forms of the complaint pages: the intake form (values, customer choice, validation
 * as the API's body) and the classification edit form. The routes are in pages.ts.
 */

export type Form = Record<string, unknown>;

/** The vocabularies every entry form offers (labels come from the `enum.*` locale keys). */
export const OPTIONS = { kinds: KINDS, channels: CHANNELS, categories: CATEGORIES, severities: SEVERITIES, harms: HARMS, customerTypes: CUSTOMER_TYPES, tiers: TIERS, contactChannels: CONTACT_CHANNELS, stages: STAGES };

const LOCAL_INPUT = "yyyy-MM-dd'T'HH:mm";

/** "2026-11-02T10:00" typed in a datetime-local field, read in the organisation's zone. An unreadable value goes to zod as is. */
export function localInstant(value: string | undefined, zone: string): string | undefined {
  if (!value) return undefined;
  const dt = DateTime.fromISO(value, { zone });
  return dt.isValid ? dt.toISO()! : value;
}

export const nowLocal = (zone: string) => DateTime.now().setZone(zone).toFormat(LOCAL_INPUT);
export const isUuid = (v: string) => uuidParam.safeParse(v).success;

/** Active quality users: who an entry can be assigned to. */
export async function assignees(): Promise<Array<{ id: string; name: string }>> {
  const users = await User.findAll({ where: { active: true, roles: { [Op.contains]: ['quality'] } }, attributes: ['id', 'name'], order: [['name', 'ASC']] });
  return users.map((u) => ({ id: u.id, name: u.name }));
}

// ——— The intake form ———

export interface IntakeValues {
  kind: string;
  channel: string;
  receivedAt: string;
  incidentDate: string;
  category: string;
  subject: string;
  description: string;
  severity: string;
  harm: string;
  safetyImpact: boolean;
  brandImpact: boolean;
  productRef: string;
  lotRef: string;
  supplierRef: string;
  assigneeId: string;
  customerId: string;
  customerQ: string;
  customer: { name: string; type: string; email: string; phone: string; tier: string };
}

const TEXT_FIELDS = ['kind', 'channel', 'receivedAt', 'incidentDate', 'category', 'subject', 'description', 'severity', 'harm', 'productRef', 'lotRef', 'supplierRef', 'assigneeId', 'customerId', 'customerQ'] as const;

export function intakeValues(body: Form): IntakeValues {
  const text = Object.fromEntries(TEXT_FIELDS.map((k) => [k, field(body, k)])) as Record<(typeof TEXT_FIELDS)[number], string>;
  return {
    ...text,
    safetyImpact: isChecked(body, 'safetyImpact'),
    brandImpact: isChecked(body, 'brandImpact'),
    customer: {
      name: field(body, 'customer.name'),
      type: field(body, 'customer.type'),
      email: field(body, 'customer.email'),
      phone: field(body, 'customer.phone'),
      tier: field(body, 'customer.tier'),
    },
  };
}

export function blankIntake(zone: string, customerId = ''): IntakeValues {
  return {
    ...(Object.fromEntries(TEXT_FIELDS.map((k) => [k, ''])) as Record<(typeof TEXT_FIELDS)[number], string>),
    kind: 'complaint',
    harm: 'none',
    receivedAt: nowLocal(zone),
    customerId,
    safetyImpact: false,
    brandImpact: false,
    customer: { name: '', type: 'person', email: '', phone: '', tier: 'new' },
  };
}

export const blank = (s: string) => (s.trim() === '' ? undefined : s);
export const newCustomerGiven = (v: IntakeValues) => Boolean(v.customer.name.trim() || v.customer.email.trim() || v.customer.phone.trim());

/** The form as the API's body, so CreateComplaintBody validates both. */
function intakeBody(v: IntakeValues, zone: string) {
  const useNew = !blank(v.customerId) && newCustomerGiven(v);
  return {
    kind: blank(v.kind),
    customerId: blank(v.customerId),
    customer: useNew
      ? { name: v.customer.name, type: blank(v.customer.type), email: blank(v.customer.email), phone: blank(v.customer.phone), tier: blank(v.customer.tier) }
      : undefined,
    receivedAt: localInstant(blank(v.receivedAt), zone),
    ...classification(v),
  };
}

/** The classification fields of the intake and edit forms, as the schemas read them (blank = not given). */
export function classification(v: ReturnType<typeof editValues>) {
  return {
    channel: blank(v.channel),
    incidentDate: blank(v.incidentDate),
    category: blank(v.category),
    subject: v.subject,
    description: v.description,
    severity: blank(v.severity),
    harm: blank(v.harm),
    safetyImpact: v.safetyImpact,
    brandImpact: v.brandImpact,
    productRef: blank(v.productRef) ?? null,
    lotRef: blank(v.lotRef) ?? null,
    supplierRef: blank(v.supplierRef) ?? null,
    assigneeId: blank(v.assigneeId) ?? null,
  };
}

/** Validates the whole form at once (customer choice included), so every problem shows in one round. */
export function parseIntake(v: IntakeValues, req: Request, zone: string) {
  const errors: FieldError[] = [];
  const chosen = Boolean(blank(v.customerId));
  const typed = newCustomerGiven(v);
  if (!chosen && !typed) errors.push(fieldError('customerId', 'errors.customerRequired'));
  if (chosen && typed) errors.push(fieldError('customerId', 'intake.errors.customerBoth'));
  let parsed: ReturnType<typeof parse<typeof CreateComplaintBody>> | undefined;
  try {
    parsed = parse(CreateComplaintBody, intakeBody(v, zone), req.lang);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 400) throw err;
    // The schema's own "exactly one customer" rule is English; the check above says it in the user's language.
    errors.push(...(err.errors ?? []).filter((e) => !(e.path === 'customerId' && errors.some((x) => x.path === 'customerId'))));
  }
  if (errors.length || !parsed) {
    const flat: Record<string, string> = { ...Object.fromEntries(TEXT_FIELDS.map((k) => [k, v[k]])), ...Object.fromEntries(Object.entries(v.customer).map(([k, x]) => [`customer.${k}`, x])) };
    throw validationFailed(friendlierErrors(errors, (path) => path in flat && flat[path].trim() === '', req.t));
  }
  return parsed;
}

export async function renderIntake(
  req: Request,
  res: Response,
  v: IntakeValues,
  extra: { status?: number; errors?: FieldError[]; message?: string; searched?: boolean } = {},
): Promise<void> {
  const errors = extra.errors ?? [];
  const customerErrors = errors.some((e) => e.path.startsWith('customer.'));
  res.status(extra.status ?? 200).render('complaints/new', {
    title: req.t('intake.title'),
    values: v,
    options: OPTIONS,
    assignees: await assignees(),
    customerOptions: await intakeCustomerOptions(req, v.customerQ, v.customerId, extra.searched ?? Boolean(v.customerQ.trim())),
    newCustomerOpen: customerErrors || (!blank(v.customerId) && newCustomerGiven(v)),
    canCreateCustomer: allowed(req, 'create', 'Customer'),
    // An empty list would still open the error summary.
    errors: errors.length ? errors : undefined,
    message: extra.message,
  });
}

// ——— Edit (classification) ———

export const EDIT_FIELDS = ['channel', 'incidentDate', 'category', 'subject', 'description', 'severity', 'harm', 'productRef', 'lotRef', 'supplierRef', 'assigneeId'] as const;

export function editValues(body: Form) {
  return {
    ...(Object.fromEntries(EDIT_FIELDS.map((k) => [k, field(body, k)])) as Record<(typeof EDIT_FIELDS)[number], string>),
    safetyImpact: isChecked(body, 'safetyImpact'),
    brandImpact: isChecked(body, 'brandImpact'),
  };
}

export async function renderEdit(req: Request, res: Response, complaint: Complaint, values: ReturnType<typeof editValues>, extra: { status?: number; errors?: FieldError[]; message?: string } = {}) {
  const c = presentComplaint(complaint);
  res.status(extra.status ?? 200).render('complaints/edit', {
    title: req.t('case.edit.title', { reference: c.reference }),
    c,
    values,
    options: OPTIONS,
    assignees: await assignees(),
    errors: extra.errors,
    message: extra.message,
  });
}
