import { CUSTOMER_TYPES, TIERS } from '../../domain/entries';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { documentRoute } from '../openapi/registry';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const ContactSchema = z
  .object({ name: z.string().trim().min(1).max(200), role: optionalText(100), email: z.string().trim().email().max(254).nullable().optional(), phone: optionalText(40) })
  .strict();

const customerFields = {
  code: z.string().trim().min(1).max(32).regex(/^[\p{L}\p{N}._-]+$/u, 'Letters, digits, dot, dash or underscore').optional(),
  name: z.string().trim().min(1).max(300),
  type: z.enum(CUSTOMER_TYPES),
  email: z.string().trim().email().max(254).nullable().optional(),
  phone: z.string().trim().max(40).regex(/^[0-9+()\s.-]*$/, 'Digits, spaces and + ( ) . - only').nullable().optional(),
  address: optionalText(500),
  tier: z.enum(TIERS).optional(),
  contacts: z.array(ContactSchema).max(20).optional(),
};

export const CreateCustomerBody = z.object(customerFields).strict().openapi('CreateCustomer');
export const UpdateCustomerBody = z
  .object({ ...customerFields, name: customerFields.name.optional(), type: customerFields.type.optional(), version: z.number().int().nonnegative().optional() })
  .strict()
  .openapi('UpdateCustomer');

export const CustomerSchema = z
  .object({
    id: z.string().uuid(),
    code: z.string(),
    name: z.string(),
    type: z.enum(CUSTOMER_TYPES),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    tier: z.enum(TIERS),
    contacts: z.array(ContactSchema),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Customer');

export const CustomerListQuery = z
  .object({ q: z.string().trim().max(200).optional(), type: z.enum(CUSTOMER_TYPES).optional(), tier: z.enum(TIERS).optional(), limit: limitSchema, cursor: z.string().max(500).optional() })
  .strict();

const IdParams = z.object({ id: z.string().uuid() });
documentRoute({ method: 'post', path: '/api/v1/customers', summary: 'Create a customer (intake, quality); code generated when absent', tags: ['Customers'], body: CreateCustomerBody, response: { status: 201, schema: CustomerSchema }, problems: [403, 409] });
documentRoute({ method: 'get', path: '/api/v1/customers', summary: 'Search customers by code, name, email or phone (diacritics ignored)', tags: ['Customers'], query: CustomerListQuery, response: { status: 200, schema: z.object({ items: z.array(CustomerSchema), nextCursor: z.string().nullable() }) }, problems: [403] });
documentRoute({ method: 'get', path: '/api/v1/customers/{id}', summary: 'One customer', tags: ['Customers'], params: IdParams, response: { status: 200, schema: CustomerSchema }, problems: [403, 404] });
documentRoute({ method: 'patch', path: '/api/v1/customers/{id}', summary: 'Edit a customer (If-Match or version)', tags: ['Customers'], params: IdParams, body: UpdateCustomerBody, response: { status: 200, schema: CustomerSchema }, problems: [403, 404, 409] });
