import { Router } from 'express';
import { QueryTypes } from 'sequelize';
import { db } from '../../db';
import { z } from '../../lib/zod';
import { documentRoute } from '../../http/openapi';

const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), db: z.enum(['ok', 'down']) }).openapi('Health');
documentRoute({ method: 'get', path: '/health', summary: 'Liveness and database reachability (503 when the database is down)', tags: ['Health'], response: { status: 200, schema: HealthSchema }, public: true });

const TIMEOUT_MS = 2000;

/** GET /health: 200 when the database answers within 2 s, else 503 — what a load balancer needs. */
export function healthRouter(): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db().sequelize.query('SELECT 1', { type: QueryTypes.SELECT }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS))),
      ]);
      res.json({ status: 'ok', db: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', db: 'down' });
    } finally {
      clearTimeout(timer);
    }
  });
  return r;
}
