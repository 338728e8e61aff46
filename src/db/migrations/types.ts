import type { Sequelize } from 'sequelize';

/** Migrations are forward-only: production never runs a `down`. */
export type Migration = (params: { context: Sequelize }) => Promise<void>;
