import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import { describeError } from '../lib/errorHandler';
import { logger } from '../lib/logger';
import type { JobContext } from './CronJob';

/**
 * What the reminder jobs share (docs "Reminder jobs"): every job reads what is due with one
 * set-based query on an indexed due time, skips what it already reminded about (a notification
 * with the row's cause exists: a probe of the notifications' (cause, recipient, kind) key), and
 * notifies each row in a short transaction of its own (`ctx.chunk`). notify()'s UNIQUE key makes
 * a second notification impossible whatever runs concurrently; the NOT EXISTS only keeps a run's
 * work proportional to what is new. After downtime the next run finds everything that came due
 * meanwhile, so every job catches up.
 */

/** A row a reminder query returns: its id, its due time as exact text (the keyset), and its cause. */
export interface DueRow {
  id: string;
  /** The due time as PostgreSQL prints it (microseconds kept): a JS Date could round it and repeat or skip a row. */
  dueKey: string;
  /** The notification's cause, built by the query itself so the NOT EXISTS and notify() use the very same text. */
  cause: string;
}

export const PAGE = 100;

/** A cause's time part: the due instant to the second, UTC (`20261109T165959`). */
export const causeTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS')`;

/** The condition "not reminded yet" for a row whose cause is `causeExpr`. */
export const notReminded = (causeExpr: string, kind: string) =>
  `NOT EXISTS (SELECT 1 FROM notifications n WHERE n.cause = ${causeExpr} AND n.kind = '${kind.replace(/'/g, "''")}')`;

/**
 * Runs `sql` page by page (keyset on the due time and the id, `page` rows, default PAGE) and
 * `remind(row)` for each row in a chunk of its own. `sql(keyset, limit)` is a SELECT returning
 * DueRow's columns, ending with `${keyset} ORDER BY <due>, <id> LIMIT ${limit}` where `keyset` is
 * built from `dueColumn`/`idColumn`;
 * `bind` are its parameters ($1…). Counts: `reminded` (rows that notified someone), `notifications`
 * (created), `unreached` (nobody to notify: retried next run), `failed` (logged, retried next run).
 */
export async function remindEach<R extends DueRow>(
  ctx: JobContext,
  query: { sql: (keyset: string, limit: number) => string; bind: unknown[]; dueColumn: string; idColumn: string; page?: number },
  remind: (row: R) => Promise<string[] | null>,
): Promise<void> {
  const limit = query.page ?? PAGE;
  let after: { dueKey: string; id: string } | null = null;
  for (;;) {
    const bind = [...query.bind];
    const keyset: string = after ? `AND (${query.dueColumn}, ${query.idColumn}) > ($${bind.push(after.dueKey)}::timestamptz, $${bind.push(after.id)}::uuid)` : '';
    const rows: R[] = await sequelize().query<R>(query.sql(keyset, limit), { bind, type: QueryTypes.SELECT });
    for (const row of rows) {
      try {
        const created = await ctx.chunk(() => remind(row));
        if (created === null) ctx.count('unreached');
        else {
          ctx.count('reminded');
          ctx.count('notifications', created.length);
        }
      } catch (err) {
        logger.warn(`${ctx.job}: reminder not written`, { id: row.id, ...describeError(err) });
        ctx.count('failed');
      }
    }
    if (rows.length < limit) return;
    const last: R = rows[rows.length - 1];
    after = { dueKey: last.dueKey, id: last.id };
  }
}

/** The recipients once per run, or null when there is nobody (the row is retried next run). */
export const someone = (ids: readonly string[]): string[] | null => (ids.length ? [...new Set(ids)] : null);
