import { Router } from 'express';
import { notFound } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { retryOutbox } from '../../outbox/outbox';
import { findOutboxEntry, listOutbox } from '../../outbox/queries';
import { authorize } from '../../policies/authorize';
import { presentOutbox } from '../../presenters/outbox';
import { OutboxListQuery } from './schema';

/** /api/v1/outbox: what the delivery workers have sent, are sending, will retry or gave up on. */
export function outboxApi(): Router {
  const r = Router();

  r.get('/outbox', async (req, res) => {
    authorize(req, 'read', 'Outbox');
    res.json(await listOutbox(parse(OutboxListQuery, req.query), presentOutbox));
  });

  r.post('/outbox/:id/retry', async (req, res) => {
    authorize(req, 'update', 'Outbox');
    const id = idParam(req);
    await retryOutbox(id);
    const entry = await findOutboxEntry(id);
    if (!entry) throw notFound('Outbox message');
    res.json(presentOutbox(entry));
  });

  return r;
}
