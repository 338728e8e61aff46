import { appendAuditV1 } from './lib/auditV1';
import type { Migration } from './types';

const OLD_DEFAULT = { periodDays: 90, match: ['customer', 'product', 'category'] };
const NEW_DEFAULT = { periodDays: 90, match: ['customer', 'product', 'lot', 'supplier'] };

/**
 * Recurrence means the same customer, product, lot or supplier — no longer the same category
 * (src/domain/recurrence.ts). Intake looks up each criterion in its own `ORDER BY received_at
 * DESC LIMIT 20` branch (bench/README.md): lot and supplier get an index each, partial like the
 * product one (and on complaints only, the kind the branches read).
 *
 * The stored default of 0002 (`customer, product, category`) becomes the new default; any other
 * stored choice is left as the sysadmin made it, and a `category` in it is ignored when read. The
 * row keeps its version (what it means to a client holding it has not changed: the defaults).
 * The change is audited like a sysadmin's (`setting.updated`, actor system/"migration").
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE INDEX complaints_lot_idx ON complaints (lot_ref, received_at DESC) WHERE lot_ref IS NOT NULL AND kind = 'complaint';
    CREATE INDEX complaints_supplier_idx ON complaints (supplier_ref, received_at DESC) WHERE supplier_ref IS NOT NULL AND kind = 'complaint';
  `);
  const [changed] = await sequelize.query(
    `UPDATE settings SET value = $1::jsonb, updated_at = now() WHERE key = 'recurrence' AND value = $2::jsonb RETURNING key`,
    { bind: [JSON.stringify(NEW_DEFAULT), JSON.stringify(OLD_DEFAULT)] },
  );
  if ((changed as unknown[]).length === 0) return;
  await appendAuditV1(sequelize, {
    action: 'setting.updated',
    entityType: 'Setting',
    entityId: 'recurrence',
    changes: { before: { value: OLD_DEFAULT }, after: { value: NEW_DEFAULT } },
    actorLabel: 'migration',
    meta: { migration: '0006-recurrence' },
  });
};
