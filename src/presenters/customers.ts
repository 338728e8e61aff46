import type { Customer } from '../models';

export function presentCustomer(c: Customer) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    type: c.type,
    email: c.email,
    phone: c.phone,
    address: c.address,
    tier: c.tier,
    contacts: c.contacts ?? [],
    version: c.version,
    createdAt: c.createdAt.toISOString(),
  };
}

export type CustomerJson = ReturnType<typeof presentCustomer>;
