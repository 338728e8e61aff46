import { Router } from 'express';
import type { Config } from '../../config';

/** /complaints, /complaints/new, /complaints/:id — the intake form, the queue and the case page. */
export function complaintsPages(_config: Config): Router {
  const r = Router();
  return r;
}
