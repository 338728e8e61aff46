/**
 * Who reads the regulatory pages and documents that no single ability rule names (the permission
 * matrix is unchanged: these combine its `sign` / `submit` / `file` rules with the roles that
 * oversee the CEO's decision — PRODUCT.md "Escalation of serious cases").
 * - the CEO's queue: who signs (ceo), and cs_director, legal, auditor;
 * - the register: those, and who submits (quality, intake) or files (admin_officer);
 * - the report form PDF: ceo, admin_officer, legal, auditor.
 */
import type { Request } from 'express';
import { allowed } from './authorize';

const hasRole = (req: Request, roles: readonly string[]) => (req.user?.roles ?? []).some((r) => roles.includes(r));

export const mayReadRegulatoryQueue = (req: Request): boolean => allowed(req, 'sign', 'RegulatoryReview') || hasRole(req, ['cs_director', 'legal', 'auditor']);

export const mayReadRegulatoryRegister = (req: Request): boolean =>
  mayReadRegulatoryQueue(req) || allowed(req, 'submit', 'RegulatoryReview') || allowed(req, 'file', 'RegulatoryReview');

export const mayReadReportForm = (req: Request): boolean => allowed(req, 'sign', 'RegulatoryReview') || allowed(req, 'file', 'RegulatoryReview') || hasRole(req, ['legal', 'auditor']);
