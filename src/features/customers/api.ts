import { Router } from 'express';
import { createCustomer, updateCustomer } from '../../commands/customers';
import { notFound } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import { idempotent } from '../../lib/idempotency';
import { parse } from '../../lib/validate';
import { Customer } from '../../models';
import { authorize } from '../../policies/authorize';
import { listCustomers } from '../../queries/customers';
import { presentCustomer } from '../../presenters/customers';
import { CreateCustomerBody, UpdateCustomerBody } from '../../http/schemas/customers';
import { CustomerListQuery } from './schema';
import type { Config } from '../../config';
import { customerServicesApi } from './services';

/** /api/v1/customers (and a customer's services: ./services.ts) */
export function customersApi(config: Pick<Config, 'timezone'>): Router {
  const r = Router();
  r.use(customerServicesApi(config));

  r.post('/customers', async (req, res) => {
    authorize(req, 'create', 'Customer');
    const body = parse(CreateCustomerBody, req.body);
    const out = await idempotent(req, 201, () => createCustomer(body), presentCustomer);
    res.status(out.status).location(`/api/v1/customers/${(out.body as { id: string }).id}`).json(out.body);
  });

  r.get('/customers', async (req, res) => {
    authorize(req, 'read', 'Customer');
    res.json(await listCustomers(req.ability, parse(CustomerListQuery, req.query), presentCustomer));
  });

  r.get('/customers/:id', async (req, res) => {
    const customer = await Customer.findByPk(idParam(req));
    if (!customer) throw notFound('Customer');
    authorize(req, 'read', 'Customer', customer.get({ plain: true }));
    res.json(presentCustomer(customer));
  });

  r.patch('/customers/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Customer');
    const { version, ...changes } = parse(UpdateCustomerBody, req.body);
    res.json(presentCustomer(await updateCustomer(id, expectedVersion(req, version), changes)));
  });

  return r;
}
