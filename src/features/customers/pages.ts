import { Router, type Request, type Response } from 'express';
import { createCustomer, updateCustomer } from '../../commands/customers';
import { CUSTOMER_TYPES, TIERS } from '../../domain/entries';
import { AppError, notFound, type FieldError } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Customer } from '../../models';
import type { SubjectRecord } from '../../policies/ability';
import { allowed, authorize } from '../../policies/authorize';
import { listComplaints } from '../../queries/complaints';
import { listCustomers } from '../../queries/customers';
import { requireSignIn } from '../../http/auth';
import { intakeCustomerOptions } from '../../http/customerPicker';
import { presentComplaint } from '../../presenters/complaints';
import { field, friendlierErrors } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import { presentCustomer } from '../../presenters/customers';
import { CreateCustomerBody, UpdateCustomerBody } from '../../http/schemas/customers';
import { CustomerListQuery } from './schema';
import * as clock from '../../lib/clock';
import { customerServicesPages, serviceRows } from './services';

type Form = Record<string, unknown>;

const OPTIONS = { customerTypes: CUSTOMER_TYPES, tiers: TIERS };
/** Contact rows the form offers: the existing ones plus this many empty rows. */
const EMPTY_CONTACT_ROWS = 2;
const MAX_CONTACTS = 20;

interface ContactValues {
  name: string;
  role: string;
  email: string;
  phone: string;
}

interface CustomerValues {
  code: string;
  name: string;
  type: string;
  email: string;
  phone: string;
  address: string;
  tier: string;
  contacts: ContactValues[];
}

const blank = (s: string) => (s.trim() === '' ? undefined : s);

/** Contact rows arrive as contacts.0.name, contacts.0.email…; fully empty rows are dropped. */
function customerValues(body: Form): CustomerValues {
  const contacts: ContactValues[] = [];
  for (let i = 0; i < MAX_CONTACTS + EMPTY_CONTACT_ROWS; i++) {
    const row = { name: field(body, `contacts.${i}.name`), role: field(body, `contacts.${i}.role`), email: field(body, `contacts.${i}.email`), phone: field(body, `contacts.${i}.phone`) };
    if (Object.values(row).some((x) => x.trim() !== '')) contacts.push(row);
  }
  return {
    code: field(body, 'code'),
    name: field(body, 'name'),
    type: field(body, 'type'),
    email: field(body, 'email'),
    phone: field(body, 'phone'),
    address: field(body, 'address'),
    tier: field(body, 'tier'),
    contacts,
  };
}

/** The form as the API's body, so the same schema validates both; blanks are "not given" (or cleared, when editing). */
function customerBody(v: CustomerValues, editing: boolean) {
  const clearable = (s: string) => blank(s) ?? (editing ? null : undefined);
  return {
    code: blank(v.code),
    name: v.name,
    type: blank(v.type),
    email: clearable(v.email),
    phone: clearable(v.phone),
    address: clearable(v.address),
    tier: blank(v.tier),
    contacts: v.contacts.map((c) => ({ name: c.name, role: blank(c.role) ?? null, email: blank(c.email) ?? null, phone: blank(c.phone) ?? null })),
  };
}

function blankPathsOf(v: CustomerValues): Set<string> {
  const paths = new Set(Object.entries(v).filter(([k, x]) => k !== 'contacts' && typeof x === 'string' && x.trim() === '').map(([k]) => k));
  v.contacts.forEach((c, i) => Object.entries(c).forEach(([k, x]) => x.trim() === '' && paths.add(`contacts.${i}.${k}`)));
  return paths;
}

function withEmptyRows(v: CustomerValues) {
  return { ...v, contacts: [...v.contacts, ...Array.from({ length: EMPTY_CONTACT_ROWS }, () => ({ name: '', role: '', email: '', phone: '' }))].slice(0, MAX_CONTACTS + EMPTY_CONTACT_ROWS) };
}

function renderForm(
  req: Request,
  res: Response,
  v: CustomerValues,
  extra: { status?: number; errors?: FieldError[]; message?: string; customer?: ReturnType<typeof presentCustomer> } = {},
): void {
  res.status(extra.status ?? 200).render('customers/form', {
    title: extra.customer ? req.t('customers.editTitle', { name: extra.customer.name }) : req.t('customers.new'),
    values: withEmptyRows(v),
    customer: extra.customer,
    isNew: !extra.customer,
    options: OPTIONS,
    errors: extra.errors,
    message: extra.message,
  });
}

async function readableCustomer(req: Request): Promise<Customer> {
  authorize(req, 'read', 'Customer');
  const customer = await Customer.findByPk(idParam(req));
  if (!customer) throw notFound('Customer');
  authorize(req, 'read', 'Customer', customer.get({ plain: true }) as SubjectRecord);
  return customer;
}

const fromCustomer = (c: ReturnType<typeof presentCustomer>): CustomerValues => ({
  code: c.code,
  name: c.name,
  type: c.type,
  email: c.email ?? '',
  phone: c.phone ?? '',
  address: c.address ?? '',
  tier: c.tier,
  contacts: c.contacts.map((x) => ({ name: x.name, role: x.role ?? '', email: x.email ?? '', phone: x.phone ?? '' })),
});

/** /customers, /customers/new, /customers/:id — customer search, page and edit. */
export function customersPages(): Router {
  const r = Router();
  r.use('/customers', requireSignIn);
  r.use(customerServicesPages());

  r.get('/customers', async (req, res) => {
    authorize(req, 'read', 'Customer');
    const query = pageQuery(req, Object.keys(CustomerListQuery.shape));
    let page: Awaited<ReturnType<typeof listCustomers<ReturnType<typeof presentCustomer>>>> = { items: [], nextCursor: null };
    let errors: FieldError[] | undefined;
    try {
      page = await listCustomers(req.ability, parse(CustomerListQuery, query, req.lang), presentCustomer);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      errors = err.errors;
    }
    res.status(errors ? 400 : 200).render('customers/index', {
      title: req.t('customers.title'),
      page,
      values: query,
      errors,
      options: OPTIONS,
      canCreate: allowed(req, 'create', 'Customer'),
      nextQuery: page.nextCursor ? new URLSearchParams({ ...query, cursor: page.nextCursor }).toString() : null,
    });
  });

  /** The intake form's suggestion list (htmx): radio buttons of matching customers, the chosen one kept. */
  r.get('/customers/suggest', async (req, res) => {
    authorize(req, 'read', 'Customer');
    const q = typeof req.query.customerQ === 'string' ? req.query.customerQ : typeof req.query.q === 'string' ? req.query.q : '';
    const selected = typeof req.query.customerId === 'string' ? req.query.customerId : '';
    res.render('partials/intake-customer-options', { layout: false, ...(await intakeCustomerOptions(req, q, selected, true)) });
  });

  r.get('/customers/new', (req, res) => {
    authorize(req, 'create', 'Customer');
    renderForm(req, res, { code: '', name: '', type: 'person', email: '', phone: '', address: '', tier: 'new', contacts: [] });
  });

  r.post('/customers/new', async (req, res) => {
    authorize(req, 'create', 'Customer');
    const v = customerValues(req.body as Form);
    try {
      const customer = await createCustomer(parse(CreateCustomerBody, customerBody(v, false), req.lang));
      setFlash(res, 'customers.flash.created');
      res.redirect(303, `/customers/${customer.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const blanks = blankPathsOf(v);
      renderForm(req, res, v, { status, errors: friendlierErrors(errors, (p) => blanks.has(p), req.t), message });
    }
  });

  r.get('/customers/:id', async (req, res) => {
    const customer = await readableCustomer(req);
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined;
    const now = clock.now();
    const entries = allowed(req, 'read', 'Complaint')
      ? await listComplaints(req.ability, { customerId: customer.id, sort: 'received', limit: 25, cursor }, (c) => presentComplaint(c, now), now)
      : { items: [], nextCursor: null };
    res.render('customers/show', {
      title: customer.name,
      customer: presentCustomer(customer),
      entries,
      canEdit: allowed(req, 'update', 'Customer', customer.get({ plain: true }) as SubjectRecord),
      services: await serviceRows(customer.id, String(res.locals.timezone), req.t),
      canIntake: allowed(req, 'create', 'Complaint'),
    });
  });

  r.get('/customers/:id/edit', async (req, res) => {
    const customer = await readableCustomer(req);
    authorize(req, 'update', 'Customer', customer.get({ plain: true }) as SubjectRecord);
    const c = presentCustomer(customer);
    renderForm(req, res, fromCustomer(c), { customer: c });
  });

  r.post('/customers/:id/edit', async (req, res) => {
    const customer = await readableCustomer(req);
    authorize(req, 'update', 'Customer', customer.get({ plain: true }) as SubjectRecord);
    const body = req.body as Form;
    const v = customerValues(body);
    try {
      const version = field(body, 'version').trim();
      const { version: expected, ...changes } = parse(UpdateCustomerBody, { ...customerBody(v, true), version: version === '' ? undefined : Number(version) }, req.lang);
      await updateCustomer(customer.id, expected, changes);
      setFlash(res, 'customers.flash.saved');
      res.redirect(303, `/customers/${customer.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const blanks = blankPathsOf(v);
      const fresh = presentCustomer((await Customer.findByPk(customer.id))!);
      renderForm(req, res, v, { status, errors: friendlierErrors(errors, (p) => blanks.has(p), req.t), message, customer: fresh });
    }
  });

  return r;
}
