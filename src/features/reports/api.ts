import { Router } from 'express';
import type { Config } from '../../config';

/** /api/v1/reports/* — generated reports (the feedback log book first). */
export function reportsApi(_config: Config): Router {
  const r = Router();
  return r;
}
