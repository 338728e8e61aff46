import { Router } from 'express';

/** /admin/sla, /admin/holidays, /admin/settings — the sysadmin's pages. */
export function settingsPages(): Router {
  const r = Router();
  return r;
}
