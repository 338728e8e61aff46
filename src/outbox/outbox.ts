import { EventEmitter } from 'node:events';
import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize, transaction } from '../db';
import { currentTransaction } from '../lib/context';
import { conflict, notFound } from '../lib/errors';
import { recordAudit } from '../models/AuditEvent';
import { outboxKind } from './kinds';

/** An effect a command records: sent after its transaction commits, at most once per dedupe key. */
export interface Effect {
  /** `entry.received`, `letter.issued`, `sla.breached`…: a kind registered in ./kinds. */
  kind: string;
  /** What caused it: the entry, letter or breach id. With kind and recipient it makes the dedupe key. */
  cause: string;
  /** E-mail address. */
  recipient: string;
  /** The case it belongs to, if any: retention purges the payloads of a disposed case. */
  complaintId?: string | null;
  /** The facts the kind's renderer needs (JSON). */
  payload: Record<string, unknown>;
}

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** The one key that makes a second copy of an effect impossible: (kind, cause, recipient). */
export function dedupeKey(effect: Pick<Effect, 'kind' | 'cause' | 'recipient'>): string {
  return `${effect.kind}:${effect.cause}:${effect.recipient.trim().toLowerCase()}`;
}

/**
 * Poked after every commit that enqueued something (and after a retry): the delivery workers of
 * this process wake at once instead of waiting for their next poll.
 */
export const outboxSignal = new EventEmitter();
outboxSignal.setMaxListeners(0);
export const WAKE = 'wake';

const signalled = new WeakSet<Transaction>();
function wakeAfterCommit(t: Transaction): void {
  if (signalled.has(t)) return;
  signalled.add(t);
  t.afterCommit(() => {
    outboxSignal.emit(WAKE);
  });
}

const INSERT_EFFECT = 'INSERT INTO outbox (kind, dedupe_key, complaint_id, recipient, payload) VALUES';

function checkedEffect(effect: Effect): { t: Transaction; values: unknown[] } {
  const t = currentTransaction() as Transaction | undefined;
  if (!t) throw new Error(`Outbox effect "${effect.kind}" enqueued outside a transaction`);
  if (!outboxKind(effect.kind)) throw new Error(`Unknown outbox kind "${effect.kind}"`);
  const recipient = effect.recipient.trim();
  return { t, values: [effect.kind, dedupeKey(effect), effect.complaintId ?? null, recipient, JSON.stringify(effect.payload)] };
}

/**
 * Records an effect in the caller's transaction: it is sent only if that transaction commits,
 * and a rolled-back one leaves nothing behind. Refuses to run outside a transaction. Returns the
 * row's id, or null when the same effect (same dedupe key) was already recorded.
 */
export async function enqueue(effect: Effect): Promise<string | null> {
  const { t, values } = checkedEffect(effect);
  const rows = await sequelize().query<{ id: string }>(`${INSERT_EFFECT} ($1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`, {
    bind: values,
    type: QueryTypes.SELECT,
    transaction: t,
  });
  if (rows.length === 0) return null;
  wakeAfterCommit(t);
  return rows[0].id;
}

/**
 * The same effect as `enqueue`, as a data-modifying part of a statement the caller sends anyway
 * (`insertAudited`'s `with`): one round trip less on intake's hot path. Checked now; the workers
 * are woken after the commit (an effect already recorded under its key is left as it was).
 */
export function enqueueWith(effect: Effect): (param: (value: unknown) => string) => string {
  const { t, values } = checkedEffect(effect);
  wakeAfterCommit(t);
  return (param) => `${INSERT_EFFECT} (${values.map(param).join(', ')}) ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * Puts a failed message back in the queue, due now, with a fresh run of attempts (audited
 * `outbox.retried` with what it was). Only a failed message can be retried: a queued one is
 * already due, a sent one must not be sent twice.
 */
export async function retryOutbox(id: string): Promise<void> {
  await transaction(async (t) => {
    const [row] = await sequelize().query<{ status: OutboxStatus; attempts: number; last_error: string | null; kind: string }>(
      'SELECT status, attempts, last_error, kind FROM outbox WHERE id = $1 FOR UPDATE',
      { bind: [id], type: QueryTypes.SELECT, transaction: t },
    );
    if (!row) throw notFound('Outbox message');
    if (row.status !== 'failed') throw conflict(`Only a failed message can be retried; this one is ${row.status}.`);
    await sequelize().query(
      `UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = now(), claimed_by = NULL, claimed_until = NULL WHERE id = $1`,
      { bind: [id], transaction: t },
    );
    await recordAudit(
      {
        action: 'outbox.retried',
        entityType: 'Outbox',
        entityId: id,
        changes: { before: { status: row.status, attempts: row.attempts, lastError: row.last_error }, after: { status: 'queued', attempts: 0 } },
        meta: { kind: row.kind },
      },
      { transaction: t },
    );
    wakeAfterCommit(t);
  });
}
