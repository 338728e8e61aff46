import { Op, QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { foldText, type CustomerType, type Tier } from '../domain/entries';
import { conflict, fieldError, notFound, staleVersion } from '../lib/errors';
import { Complaint, Customer } from '../models';
import type { CustomerContact } from '../models/Customer';

export interface CustomerInput {
  code?: string;
  name: string;
  type: CustomerType;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
  tier?: Tier;
  contacts?: CustomerContact[];
}

/** What the customer search matches: code, name, email and phone, without diacritics. */
export function customerSearchText(c: { code: string; name: string; email?: string | null; phone?: string | null }): string {
  return foldText([c.code, c.name, c.email ?? '', c.phone ?? ''].join(' '));
}

/** Complaint search covers the customer's name too, so a rename refreshes their entries. */
export function complaintSearchText(c: { reference: string; subject: string; description: string }, customerName: string): string {
  return foldText(`${c.reference} ${c.subject} ${c.description} ${customerName}`);
}

async function nextCode(): Promise<string> {
  const [{ n }] = await sequelize().query<{ n: number }>("SELECT nextval('customer_code_seq') AS n", { type: QueryTypes.SELECT });
  return `KH-${String(n).padStart(6, '0')}`;
}

async function codeTaken(code: string, exceptId?: string): Promise<boolean> {
  const s = sequelize();
  const found = await Customer.findOne({ where: s.where(s.fn('lower', s.col('code')), code.toLowerCase()) });
  return Boolean(found && found.id !== exceptId);
}

/** Creates a customer; the code is generated (KH-000123) unless one is given. Joins the caller's transaction. */
export async function createCustomer(input: CustomerInput): Promise<Customer> {
  return transaction(async () => {
    let code = input.code?.trim();
    if (code && (await codeTaken(code))) throw conflict('A customer with this code already exists.', [fieldError('code', 'errors.alreadyInUse')]);
    // A generated code can collide with one typed by hand earlier; skip those.
    while (!code || (await codeTaken(code))) code = await nextCode();
    const values = {
      code,
      name: input.name.trim(),
      type: input.type,
      email: input.email?.trim() || null,
      phone: input.phone?.trim() || null,
      address: input.address?.trim() || null,
      tier: input.tier ?? 'new',
      contacts: input.contacts ?? [],
    };
    return Customer.create({ ...values, searchText: customerSearchText(values) });
  });
}

export type CustomerChanges = Partial<Omit<CustomerInput, 'code'>> & { code?: string };

/** Edits a customer with a version check; a new name is carried into the search text of their entries. */
export async function updateCustomer(id: string, expectedVersion: number | undefined, changes: CustomerChanges): Promise<Customer> {
  return transaction(async () => {
    const customer = await Customer.findByPk(id, { lock: true });
    if (!customer) throw notFound('Customer');
    if (expectedVersion !== undefined && customer.version !== expectedVersion) throw staleVersion(customer.version);
    if (changes.code !== undefined && changes.code.trim() !== customer.code && (await codeTaken(changes.code.trim(), id)))
      throw conflict('A customer with this code already exists.', [fieldError('code', 'errors.alreadyInUse')]);
    const renamed = changes.name !== undefined && changes.name.trim() !== customer.name;
    customer.set({
      ...(changes.code !== undefined ? { code: changes.code.trim() } : {}),
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      ...(changes.type !== undefined ? { type: changes.type } : {}),
      ...(changes.email !== undefined ? { email: changes.email?.trim() || null } : {}),
      ...(changes.phone !== undefined ? { phone: changes.phone?.trim() || null } : {}),
      ...(changes.address !== undefined ? { address: changes.address?.trim() || null } : {}),
      ...(changes.tier !== undefined ? { tier: changes.tier } : {}),
      ...(changes.contacts !== undefined ? { contacts: changes.contacts } : {}),
    });
    customer.searchText = customerSearchText(customer);
    await customer.save();
    if (renamed) {
      // A derived column (left out of the audit trail): refreshed without touching the entries' versions.
      // Sealed (archived) entries are immutable in the database and keep the name they were sealed with.
      for (const c of await Complaint.findAll({ where: { customerId: id, status: { [Op.ne]: 'archived' } }, attributes: ['id', 'reference', 'subject', 'description'] })) {
        await Complaint.update({ searchText: complaintSearchText(c, customer.name) }, { where: { id: c.id }, hooks: false, silent: true });
      }
    }
    return customer;
  });
}
