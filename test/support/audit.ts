import { QueryTypes, type WhereOptions } from 'sequelize';
import { AuditEvent } from '../../src/models';
import { sequelize } from '../../src/db';

/**
 * Waits until every transaction up to `txId` is below the cluster's snapshot xmin, i.e. until an
 * anchor can seal it. On a PostgreSQL server xmin is cluster-wide: a transaction still open in
 * another database (a parallel test file) holds it back until that transaction ends.
 */
export async function waitUntilSealable(txId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ sealable }] = await sequelize().query<{ sealable: boolean }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot()) > :txId::xid8 AS sealable',
      { replacements: { txId: String(txId) }, type: QueryTypes.SELECT },
    );
    if (sealable) return;
    if (Date.now() > deadline) throw new Error(`transaction ${txId} did not become sealable within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Events matching `where` whose (purgeable) meta contains every field of `meta`. */
export async function countAuditEvents(where: WhereOptions<AuditEvent>, meta: Record<string, unknown>): Promise<number> {
  const events = await AuditEvent.findAll({ where });
  return events.filter((e) => Object.entries(meta).every(([k, v]) => JSON.stringify(e.meta?.[k]) === JSON.stringify(v))).length;
}
