/**
 * Who reads the CAPA register (the page `/actions`, `GET /api/v1/actions` and
 * `GET /reports/capa-register.xlsx`) and how much of it: quality (who creates and verifies the
 * actions), the CS director and the auditor see every action; a department head sees their own
 * department's (the ones they update: src/policies/ability.ts `ownsDepartment`). Everybody else
 * who reads cases reads an action through its cases (GET /actions/:id, the case page).
 */
import type { Request } from 'express';
import { forbidden, unauthenticated } from '../lib/errors';
import { allowed } from './authorize';

export type RegisterScope = { all: true } | { departmentId: string };

const hasRole = (req: Request, roles: readonly string[]) => (req.user?.roles ?? []).some((r) => roles.includes(r));

/** The part of the register this user reads, or null when they read none of it. */
export function registerScope(req: Request): RegisterScope | null {
  if (!req.user || !allowed(req, 'read', 'Action')) return null;
  if (allowed(req, 'verify', 'Action') || hasRole(req, ['cs_director', 'auditor'])) return { all: true };
  if (hasRole(req, ['dept_head']) && req.user.departmentId) return { departmentId: req.user.departmentId };
  return null;
}

/** The register's scope, or 401/403. */
export function authorizeRegister(req: Request): RegisterScope {
  if (!req.user) throw unauthenticated();
  const scope = registerScope(req);
  if (!scope) throw forbidden('You are not allowed to read the CAPA register.', { action: 'read', subject: 'Report', entityId: 'capa-register' });
  return scope;
}
