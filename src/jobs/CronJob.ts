import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import * as clock from '../lib/clock';
import { currentTransaction, runWithContext, systemContext } from '../lib/context';
import { describeError } from '../lib/errorHandler';
import { logger } from '../lib/logger';

export type JobCounts = Record<string, number>;

/** What `perform()` works with: the tick it runs, counters, and short transactions. */
export interface JobContext {
  readonly job: string;
  readonly tick: Date;
  readonly runId: number;
  /** The counts so far (those of committed chunks, and any counted outside a chunk). */
  readonly counts: Readonly<JobCounts>;
  /** Adds `n` to a counter. Inside `chunk()`, the addition is kept only if the chunk commits. */
  count(name: string, n?: number): void;
  /**
   * Runs `fn` in a transaction of its own that commits when it returns: work a big job in
   * chunks (`for (…) await ctx.chunk(…)`), so no transaction stays open for the whole run and a
   * failure keeps the chunks before it.
   */
  chunk<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RunOutcome {
  /** False when another run (another instance, or an earlier call) already claimed this tick. */
  ran: boolean;
  runId?: number;
  status?: 'succeeded' | 'failed';
  counts?: JobCounts;
  error?: string;
  result?: unknown;
}

/** A tick is a scheduled minute: the instant truncated to the minute. */
export function tickOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/** A manual run's tick: now, never minute-aligned, so it cannot collide with a scheduled tick. */
export function manualTick(at: Date = clock.now()): Date {
  const t = at.getTime();
  return new Date(t % 60_000 === 0 ? t + 1 : t);
}

/**
 * What the runs table may keep of an error: its kind and message, with a trailing quoted input
 * value (PostgreSQL's `…: "abc"`) replaced. Jobs throw messages about their work, not about people.
 */
function errorText(err: unknown): string {
  const d = describeError(err);
  const text = [d.error, d.sqlstate, d.dbMessage ?? d.message].filter(Boolean).join(': ');
  return String(text).replace(/: ".*"$/s, ': "[value]"').slice(0, 1000);
}

/**
 * A scheduled task. `perform(ctx)` holds the work; `run(tick)` is what the scheduler calls.
 *
 * Every (job, tick) runs once across all instances sharing the database: `run()` first inserts
 * the run row in a short transaction of its own (`ON CONFLICT (job, tick) DO NOTHING`); the
 * instance whose insert succeeded performs the tick, any other skips it. No transaction is held
 * for the run: `perform()` works in chunks (`ctx.chunk`), each its own short transaction, so a
 * long run holds back neither vacuum nor the audit anchors' xmin. The run row is then finished
 * with its outcome and counts, and the job's runs beyond the last `keepRuns` are deleted.
 */
export abstract class CronJob {
  abstract readonly name: string;
  /** node-cron pattern, evaluated in the organisation's zone. */
  abstract readonly schedule: string;
  /** How many finished runs the table keeps for this job. */
  readonly keepRuns: number = 100;
  /**
   * A run still `running` this long after it started belongs to an instance that stopped (a crash,
   * a kill): the job's next run records it as failed ("abandoned"), so it never shows as running
   * forever. The next tick does its work — every job is written to catch up.
   */
  readonly abandonedAfterMs: number = 60 * 60_000;

  abstract perform(ctx: JobContext): Promise<unknown>;

  /** Runs `tick` (the scheduled minute; default: the clock's current minute) unless some instance already did. */
  async run(tick: Date = tickOf(clock.now())): Promise<RunOutcome> {
    if (currentTransaction()) throw new Error(`job ${this.name}: run() must not be called inside a transaction`);
    return runWithContext(systemContext(`job:${this.name}`), async () => {
      let runId: number;
      try {
        const now = clock.now();
        const claimed = await transaction(async () => {
          await sequelize().query(
            `UPDATE job_runs SET status = 'failed', finished_at = :now, error = :error
              WHERE job = :job AND status = 'running' AND started_at < :before`,
            {
              replacements: {
                job: this.name,
                now,
                before: new Date(now.getTime() - this.abandonedAfterMs),
                error: `abandoned: no outcome ${Math.round(this.abandonedAfterMs / 60_000)} minutes after it started (the instance running it stopped)`,
              },
            },
          );
          return sequelize().query<{ id: number }>(
            `INSERT INTO job_runs (job, tick, status, started_at) VALUES (:job, :tick, 'running', :now)
             ON CONFLICT (job, tick) DO NOTHING RETURNING id`,
            { replacements: { job: this.name, tick, now }, type: QueryTypes.SELECT },
          );
        });
        if (claimed.length === 0) return { ran: false };
        runId = Number(claimed[0].id);
      } catch (err) {
        logger.error('job could not claim its tick', { job: this.name, tick: tick.toISOString(), ...describeError(err) });
        return { ran: false };
      }

      const counts: JobCounts = {};
      let staged: JobCounts | undefined;
      const ctx: JobContext = {
        job: this.name,
        tick,
        runId,
        counts,
        count(name, n = 1) {
          const into = staged ?? counts;
          into[name] = (into[name] ?? 0) + n;
        },
        async chunk<T>(fn: () => Promise<T>): Promise<T> {
          if (staged) throw new Error('chunks do not nest');
          staged = {};
          try {
            const result = await transaction(() => fn());
            for (const [k, v] of Object.entries(staged)) counts[k] = (counts[k] ?? 0) + v;
            return result;
          } finally {
            staged = undefined;
          }
        },
      };

      let outcome: RunOutcome;
      try {
        const result = await this.perform(ctx);
        outcome = { ran: true, runId, status: 'succeeded', counts, result };
        logger.info('job finished', { job: this.name, tick: tick.toISOString(), counts });
      } catch (err) {
        outcome = { ran: true, runId, status: 'failed', counts, error: errorText(err) };
        logger.error('job failed', { job: this.name, tick: tick.toISOString(), counts, ...describeError(err) });
      }
      try {
        await this.finish(runId, outcome);
      } catch (err) {
        logger.error('job could not record its outcome', { job: this.name, runId, ...describeError(err) });
      }
      return outcome;
    });
  }

  private finish(runId: number, outcome: RunOutcome): Promise<void> {
    return transaction(async () => {
      const s = sequelize();
      await s.query(
        `UPDATE job_runs SET status = :status, finished_at = :now, counts = :counts::jsonb, error = :error WHERE id = :id`,
        {
          replacements: { id: runId, status: outcome.status, now: clock.now(), counts: JSON.stringify(outcome.counts ?? {}), error: outcome.error ?? null },
        },
      );
      await s.query(
        `DELETE FROM job_runs WHERE job = :job AND id NOT IN (
           SELECT id FROM job_runs WHERE job = :job ORDER BY started_at DESC, id DESC LIMIT :keep)`,
        { replacements: { job: this.name, keep: this.keepRuns } },
      );
    });
  }
}
