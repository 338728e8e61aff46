import { QueryTypes, type Sequelize } from 'sequelize';
import { Umzug, type UmzugStorage } from 'umzug';
import { migrations } from './migrations';
import { logger } from '../lib/logger';

/** Any constant shared by every instance: two processes starting at once migrate one after the other. */
const MIGRATION_LOCK = 7_421_001;

/** Keeps the list of applied migrations in `schema_migrations` (no Sequelize `sync()` anywhere). */
function storage(sequelize: Sequelize): UmzugStorage {
  return {
    async executed() {
      // Only when missing: CREATE … IF NOT EXISTS still needs the CREATE privilege on the schema,
      // which the app's role lacks under the production role split (docs/production-roles.md).
      const [{ present }] = await sequelize.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present", { type: QueryTypes.SELECT });
      if (!present)
        await sequelize.query('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const rows = await sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', {
        type: QueryTypes.SELECT,
      });
      return rows.map((r) => r.name);
    },
    async logMigration({ name }) {
      await sequelize.query('INSERT INTO schema_migrations (name) VALUES (:name)', { replacements: { name } });
    },
    async unlogMigration() {
      throw new Error('Migrations are forward-only.');
    },
  };
}

/**
 * Applies every pending migration in one transaction under an advisory lock: PostgreSQL DDL is
 * transactional, so a failing migration leaves the schema exactly as it was.
 * Returns the names applied.
 */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  return sequelize.transaction(async () => {
    await sequelize.query('SELECT pg_advisory_xact_lock(:lock)', { replacements: { lock: MIGRATION_LOCK } });
    const umzug = new Umzug({
      migrations: migrations.map((m) => ({ name: m.name, up: m.up })),
      context: sequelize,
      storage: storage(sequelize),
      logger: undefined,
    });
    const applied = await umzug.up();
    if (applied.length) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
    return applied.map((m) => m.name);
  });
}

/** Migrations not yet applied (for `cli migrate --status` and health of a deploy). */
export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
  const executed = new Set(await storage(sequelize).executed({ context: sequelize }));
  return migrations.map((m) => m.name).filter((n) => !executed.has(n));
}
