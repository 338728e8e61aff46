/**
 * Re-authentication at signing (21 CFR 11.200: the signer re-enters their password). The check
 * runs before the signing transaction and outside any (argon2 must not hold the embedded
 * database's one connection). A wrong password is recorded in its own transaction — the
 * `signature.failed` audit event and a row of `signature_attempts` — so it survives the refusal.
 *
 * Rate limit: `SIGNATURE_THROTTLE.maxFailures` wrong passwords by one user within
 * `windowMinutes` (since their last successful signature) refuse that user's signing with 429 +
 * `Retry-After` until the oldest of them leaves the window (audited `signature.rate_limited`;
 * refusals are not recorded, so retrying does not extend it). The count and the recording of an
 * attempt are one step under a per-user lock (takeAttempt), so concurrent wrong passwords cannot
 * pass the limit. Keyed by the user alone: the signer
 * is already signed in, so nobody else can lock them out. The login throttle
 * (src/commands/authenticator.ts) is keyed by (email, address) for anonymous attempts and holds
 * before the check; it does not fit a signed-in user's re-authentication.
 */
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { rateLimited, signatureInvalid } from '../lib/errors';
import { verifyPassword } from '../lib/passwords';
import { User } from '../models';
import { recordAudit } from '../models/AuditEvent';

export const SIGNATURE_THROTTLE = { windowMinutes: 15, maxFailures: 5 } as const;

/** Seconds until the user may sign again, or null when they may sign now. The window is on the database's real time, like the login throttle's. */
async function retryAfter(userId: string): Promise<number | null> {
  const [row] = await sequelize().query<{ failures: number; retryAfter: number | null }>(
    `WITH since AS (
       SELECT greatest(now() - make_interval(mins => :window),
                       coalesce((SELECT max(attempted_at) FROM signature_attempts WHERE user_id = :userId AND succeeded), '-infinity')) AS t),
     failed AS (
       SELECT attempted_at FROM signature_attempts WHERE user_id = :userId AND succeeded = false AND attempted_at > (SELECT t FROM since)
       ORDER BY attempted_at DESC LIMIT :max)
     SELECT count(*)::int AS failures,
            greatest(1, ceil(extract(epoch FROM min(attempted_at) + make_interval(mins => :window) - now())))::int AS "retryAfter"
       FROM failed`,
    { replacements: { userId, window: SIGNATURE_THROTTLE.windowMinutes, max: SIGNATURE_THROTTLE.maxFailures }, type: QueryTypes.SELECT },
  );
  return row && row.failures >= SIGNATURE_THROTTLE.maxFailures ? row.retryAfter : null;
}

export interface SigningAttempt {
  userId: string;
  password: string;
  /** What the signer was signing (audit context): the case and its review. */
  complaintId: string;
  reviewId: string | null;
}

/**
 * Takes one of the user's attempts, atomically: under a per-user advisory lock held by one short
 * transaction, counts the window and — when it is not full — records the attempt as a failure
 * before the password is even checked, so concurrent attempts see each other and no more than
 * `maxFailures` passwords are ever evaluated. A full window records `signature.rate_limited` in the
 * same transaction instead. Only database statements run while the lock is held (never argon2).
 */
async function takeAttempt(userId: string, entity: { entityType: string; entityId: string | null; complaintId: string }): Promise<{ id: string } | { wait: number }> {
  return transaction(async () => {
    await sequelize().query('SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))', { replacements: { key: `casebook.signature:${userId}` } });
    const wait = await retryAfter(userId);
    if (wait !== null) {
      await recordAudit({ action: 'signature.rate_limited', ...entity, meta: { retryAfter: wait } });
      return { wait };
    }
    const [row] = await sequelize().query<{ id: string }>('INSERT INTO signature_attempts (user_id, succeeded) VALUES (:userId, false) RETURNING id::text AS id', {
      replacements: { userId },
      type: QueryTypes.SELECT,
    });
    return { id: row.id };
  });
}

/**
 * Verifies the signer's password against their stored hash. Refuses with 429 while rate-limited,
 * with 401 `signature_invalid` when wrong (both audited in their own transaction). The attempt is
 * counted as a failure from before the check (takeAttempt); a right password takes it back. A
 * process that dies mid-check leaves it counted: the limit errs on the safe side.
 */
export async function verifySigner(attempt: SigningAttempt): Promise<void> {
  const entity = { entityType: 'Signature', entityId: attempt.reviewId, complaintId: attempt.complaintId };
  const taken = await takeAttempt(attempt.userId, entity);
  if ('wait' in taken) throw rateLimited(taken.wait, 'Too many wrong passwords at signing. Try again later.');
  const user = await User.findByPk(attempt.userId, { attributes: ['id', 'passwordHash'] });
  if (await verifyPassword(user?.passwordHash, attempt.password)) {
    await sequelize().query('DELETE FROM signature_attempts WHERE id = :id', { replacements: { id: taken.id } });
    return;
  }
  await transaction(() => recordAudit({ action: 'signature.failed', ...entity, meta: { reason: 'wrong_password' } }));
  throw signatureInvalid();
}

/** A successful signature closes the user's failure window (called inside the signing transaction). */
export async function recordSignedAttempt(userId: string): Promise<void> {
  await sequelize().query('INSERT INTO signature_attempts (user_id, succeeded) VALUES (:userId, true)', { replacements: { userId } });
}
