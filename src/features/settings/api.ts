import { Router } from 'express';

/** /api/v1/sla-policies, /api/v1/holidays, /api/v1/settings — the sysadmin's SLA policy, holiday calendar and settings. */
export function settingsApi(): Router {
  const r = Router();
  return r;
}
