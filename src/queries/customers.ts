import { Op, type WhereOptions } from 'sequelize';
import { foldText, type CustomerType, type Tier } from '../domain/entries';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { Customer } from '../models';
import type { AppAbility } from '../policies/ability';
import { accessibleWhere } from '../policies/accessible';

export interface CustomerFilter {
  q?: string;
  type?: CustomerType;
  tier?: Tier;
  limit: number;
  cursor?: string;
}

const CustomerCursor = z.object({ n: z.string(), i: z.string().uuid() });

/** Customers by name, searchable by code, name, email or phone without diacritics. */
export async function listCustomers<T>(ability: AppAbility, filter: CustomerFilter, present: (c: Customer) => T): Promise<Page<T>> {
  const allowed = accessibleWhere(ability, 'read', 'Customer');
  if (!allowed) return { items: [], nextCursor: null };
  const and: WhereOptions[] = [allowed];
  if (filter.q) {
    const folded = foldText(filter.q).replace(/[\\%_]/g, (c) => `\\${c}`);
    if (folded) and.push({ searchText: { [Op.like]: `%${folded}%` } });
  }
  if (filter.type) and.push({ type: filter.type });
  if (filter.tier) and.push({ tier: filter.tier });
  const after = decodeCursor(filter.cursor, CustomerCursor);
  if (after) and.push({ [Op.or]: [{ name: { [Op.gt]: after.n } }, { name: after.n, id: { [Op.gt]: after.i } }] });
  const rows = await Customer.findAll({ where: { [Op.and]: and }, order: [['name', 'ASC'], ['id', 'ASC']], limit: filter.limit + 1 });
  return toPage(rows, filter.limit, present, (c) => ({ n: c.name, i: c.id }));
}
