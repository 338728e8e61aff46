import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { runWithContext, systemContext } from '../lib/context';
import { logger } from '../lib/logger';

/**
 * A scheduled task. `perform()` holds the work (tests call it directly); `run()` is what the
 * scheduler calls: it takes a transaction-scoped advisory lock so that, with several app
 * instances sharing one database, exactly one of them performs each run.
 */
export abstract class CronJob {
  abstract readonly name: string;
  /** node-cron pattern, evaluated in the organisation's zone. */
  abstract readonly schedule: string;
  /** A number unique among jobs: the advisory lock key. */
  abstract readonly lockKey: number;

  abstract perform(): Promise<unknown>;

  async run(): Promise<{ ran: boolean; result?: unknown }> {
    return runWithContext(systemContext(`job:${this.name}`), async () => {
      try {
        return await transaction(async () => {
          const [{ locked }] = await sequelize().query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(:key) AS locked', {
            replacements: { key: this.lockKey },
            type: QueryTypes.SELECT,
          });
          if (!locked) return { ran: false };
          const result = await this.perform();
          logger.info('job finished', { job: this.name });
          return { ran: true, result };
        });
      } catch (err) {
        logger.error('job failed', { job: this.name, error: err instanceof Error ? err.stack : String(err) });
        return { ran: false };
      }
    });
  }
}
