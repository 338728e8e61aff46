/**
 * Who sees the archives page (/archives) and its nav entry: the auditor (who verifies), legal (who
 * holds) and quality (who seals) — the permission matrix's `verify` / `hold` / `create` rules on
 * Archive, for a reader of case content.
 */
import type { Request } from 'express';
import { allowed } from './authorize';

export const mayListArchives = (req: Request): boolean =>
  allowed(req, 'read', 'Archive') && (allowed(req, 'verify', 'Archive') || allowed(req, 'hold', 'Archive') || allowed(req, 'create', 'Archive'));
