import type { Migration } from './types';

/**
 * Recurrence means the same customer, product, lot or supplier — no longer the same category
 * (src/domain/recurrence.ts). Intake looks up each criterion in its own `ORDER BY received_at
 * DESC LIMIT 20` branch (bench/README.md): lot and supplier get an index each, partial like the
 * product one (and on complaints only, the kind the branches read).
 *
 * The stored default of 0002 (`customer, product, category`) becomes the new default; any other
 * stored choice is left as the sysadmin made it, and a `category` in it is ignored when read. The
 * row keeps its version (what it means to a client holding it has not changed: the defaults).
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE INDEX complaints_lot_idx ON complaints (lot_ref, received_at DESC) WHERE lot_ref IS NOT NULL AND kind = 'complaint';
    CREATE INDEX complaints_supplier_idx ON complaints (supplier_ref, received_at DESC) WHERE supplier_ref IS NOT NULL AND kind = 'complaint';
    UPDATE settings SET value = '{"periodDays": 90, "match": ["customer", "product", "lot", "supplier"]}', updated_at = now()
      WHERE key = 'recurrence' AND value = '{"periodDays": 90, "match": ["customer", "product", "category"]}'::jsonb;
  `);
};
