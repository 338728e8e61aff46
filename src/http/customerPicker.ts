import type { Request } from 'express';
import { Customer } from '../models';
import { uuidParam } from '../lib/pagination';
import type { SubjectRecord } from '../policies/ability';
import { allowed } from '../policies/authorize';
import { presentCustomer } from '../presenters/customers';
import { listCustomers } from '../queries/customers';

/**
 * The customer picker of the page forms (the intake form, and GET /customers/suggest that
 * refreshes it): shared by the complaint and customer pages, so it lives below both.
 */

interface CustomerOption {
  id: string;
  code: string;
  name: string;
  type: string;
  detail: string;
  checked: boolean;
}

/** The intake form's radio list of customers: the chosen one first, then the matches of the search (also GET /customers/suggest). */
export async function intakeCustomerOptions(req: Request, q: string, selectedId: string, searched: boolean) {
  const items: CustomerOption[] = [];
  const seen = new Set<string>();
  const push = (c: ReturnType<typeof presentCustomer>) => {
    if (seen.has(c.id)) return;
    seen.add(c.id);
    items.push({ id: c.id, code: c.code, name: c.name, type: c.type, detail: [c.email, c.phone].filter(Boolean).join(' · '), checked: c.id === selectedId });
  };
  if (selectedId && uuidParam.safeParse(selectedId).success) {
    const selected = await Customer.findByPk(selectedId);
    if (selected && allowed(req, 'read', 'Customer', selected.get({ plain: true }) as SubjectRecord)) push(presentCustomer(selected));
  }
  if (searched && q.trim()) {
    const page = await listCustomers(req.ability, { q: q.trim().slice(0, 200), limit: 8 }, presentCustomer);
    page.items.forEach(push);
  }
  return { items, q, searched: searched && Boolean(q.trim()), noneChecked: !items.some((i) => i.checked) };
}
