import { CUSTOMER_TYPES, TIERS } from '../../domain/entries';
import { z } from '../../lib/zod';
import { registry } from '../openapi';

/**
 * The customer shapes more than one feature speaks (customers, and the complaint intake that
 * creates a customer with the entry). Registered here, so each component is generated from its own
 * definition whichever feature's route names it first; routes stay in each feature's schema.ts.
 */
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

export const CreateCustomerBody = registry.register('CreateCustomer', z.object(customerFields).strict());
export const UpdateCustomerBody = registry.register(
  'UpdateCustomer',
  z.object({ ...customerFields, name: customerFields.name.optional(), type: customerFields.type.optional(), version: z.number().int().nonnegative().optional() }).strict(),
);

export const CustomerSchema = registry.register(
  'Customer',
  z.object({
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
  }),
);
