import { Router } from 'express';
import type { Config } from '../../config';
import { auditKeyring } from '../../audit/keys';
import { verifyAuditTrail } from '../../commands/auditVerifier';
import { boundToInstant } from '../../lib/dates';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { auditLinks, listAuditEvents } from '../../queries/audit';
import { presentAuditEvent } from '../../presenters/audit';
import { AuditListQuery } from './schema';

/** Reads the filter of the list API and the auditor's page alike. */
export function auditFilter(query: unknown, config: Config, lang: 'vi' | 'en' = 'en') {
  const q = parse(AuditListQuery, query, lang);
  return {
    ...q,
    from: q.from ? boundToInstant(q.from, config.timezone, 'start') : undefined,
    to: q.to ? boundToInstant(q.to, config.timezone, 'end') : undefined,
  };
}

export function auditApi(config: Config): Router {
  const r = Router();

  r.get('/audit-events', async (req, res) => {
    authorize(req, 'read', 'AuditEvent');
    const page = await listAuditEvents(auditFilter(req.query, config), (e) => e);
    const links = await auditLinks(page.items);
    res.json({ items: page.items.map((e) => presentAuditEvent(e, links)), nextCursor: page.nextCursor });
  });

  r.get('/audit-events/keys', (req, res) => {
    authorize(req, 'read', 'AuditEvent');
    res.json({ algorithm: 'Ed25519', keys: auditKeyring().trusted() });
  });

  r.get('/audit-events/verify', async (req, res) => {
    authorize(req, 'verify', 'AuditEvent');
    res.json(await verifyAuditTrail());
  });

  return r;
}
