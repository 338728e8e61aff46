import type { Migration } from './types';

/**
 * Sign-in throttling is keyed by (account, address) (src/commands/authenticator.ts): "failures
 * against A from X since X last signed in to A" and "has X ever signed in to A" are each one
 * probe of this index, however many attempts the table holds for A or for X.
 */
export const up: Migration = async ({ context: sequelize }) => {
  await sequelize.query('CREATE INDEX login_attempts_pair_idx ON login_attempts (lower(email), ip, succeeded, attempted_at)');
};
