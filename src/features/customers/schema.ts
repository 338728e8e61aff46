import { CUSTOMER_TYPES, TIERS } from '../../domain/entries';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { documentRoute, IdParams } from '../../http/openapi';
import { CreateCustomerBody, CustomerSchema, UpdateCustomerBody } from '../../http/schemas/customers';

export const CustomerListQuery = z
  .object({ q: z.string().trim().max(200).optional(), type: z.enum(CUSTOMER_TYPES).optional(), tier: z.enum(TIERS).optional(), limit: limitSchema, cursor: z.string().max(500).optional() })
  .strict();

documentRoute({ method: 'post', path: '/api/v1/customers', summary: 'Create a customer (intake, quality); code generated when absent', tags: ['Customers'], body: CreateCustomerBody, response: { status: 201, schema: CustomerSchema }, problems: [403, 409] });
documentRoute({ method: 'get', path: '/api/v1/customers', summary: 'Search customers by code, name, email or phone (diacritics ignored)', tags: ['Customers'], query: CustomerListQuery, response: { status: 200, schema: z.object({ items: z.array(CustomerSchema), nextCursor: z.string().nullable() }) }, problems: [403] });
documentRoute({ method: 'get', path: '/api/v1/customers/{id}', summary: 'One customer', tags: ['Customers'], params: IdParams, response: { status: 200, schema: CustomerSchema }, problems: [403, 404] });
documentRoute({ method: 'patch', path: '/api/v1/customers/{id}', summary: 'Edit a customer (If-Match or version)', tags: ['Customers'], params: IdParams, body: UpdateCustomerBody, response: { status: 200, schema: CustomerSchema }, problems: [403, 404, 409] });
