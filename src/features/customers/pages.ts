import { Router } from 'express';

/** /customers, /customers/new, /customers/:id — customer search, page and edit. */
export function customersPages(): Router {
  const r = Router();
  return r;
}
