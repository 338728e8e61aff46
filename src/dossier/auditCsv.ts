/**
 * audit-trail.csv of a dispute file: the case's whole trail (every event names its case, so it is
 * one indexed read on `complaint_id, position`), oldest first, one row per event — the time in UTC
 * and in the organisation's zone, the actor and their roles, the action's label and code, the
 * entity, and what lets a reader check the event without Casebook: its chain position, hash,
 * content hash, signature and signing key. UTF-8 with a BOM, so Excel shows Vietnamese.
 */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { Translate } from '../lib/i18n';
import { AuditEvent } from '../models';
import { auditLinks } from '../queries/audit';

export interface AuditCsv {
  bytes: Buffer;
  events: number;
}

const COLUMNS = ['position', 'occurredAtUtc', 'occurredAtLocal', 'actor', 'roles', 'action', 'actionCode', 'entity', 'entityId', 'chain', 'hash', 'contentHash', 'signature', 'keyId', 'requestId'] as const;

export async function auditTrailCsv(complaintId: string, zone: string, t: Translate): Promise<AuditCsv> {
  const events = await AuditEvent.findAll({ where: { complaintId }, order: [['position', 'ASC']] });
  const links = await auditLinks(events);
  const label = (key: string, fallback: string) => t(key, { defaultValue: fallback });
  const rows = events.map((e) => [
    String(e.position),
    e.occurredAt.toISOString(),
    DateTime.fromJSDate(e.occurredAt, { zone }).toFormat("yyyy-MM-dd HH:mm:ss ZZ"),
    (e.actorId && links.userNames.get(e.actorId)) || e.actorLabel || (e.actorId ?? t('dossier.csv.system')),
    e.actorRoles.map((r) => label(`roles.${r}`, r)).join(', '),
    label(`audit.actions.${e.action}`, e.action),
    e.action,
    label(`audit.entityTypes.${e.entityType}`, e.entityType),
    e.entityId ?? '',
    `${e.chainKey}#${e.seq}`,
    e.hash,
    e.contentHash,
    e.signature,
    e.keyId,
    e.requestId ?? '',
  ]);
  const header = COLUMNS.map((c) => (c === 'occurredAtLocal' ? t('dossier.csv.occurredAtLocal', { zone }) : t(`dossier.csv.${c}`)));
  const text = stringify([header, ...rows], { bom: true, record_delimiter: 'windows' });
  return { bytes: Buffer.from(text, 'utf8'), events: events.length };
}
