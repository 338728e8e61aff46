/**
 * Re-authentication at signing (21 CFR 11.200: the signer re-enters their password). The check
 * runs before the signing transaction and outside any (argon2 must not hold the embedded
 * database's one connection). A wrong password is recorded in its own transaction — the
 * `signature.failed` audit event and a row of `signature_attempts` — so it survives the refusal.
 *
 * Rate limit: `SIGNATURE_THROTTLE.maxFailures` wrong passwords by one user within
 * `windowMinutes` (since their last successful signature) refuse that user's signing with 429 +
 * `Retry-After` until the oldest of them leaves the window (audited `signature.rate_limited`;
 * refusals are not recorded, so retrying does not extend it). Keyed by the user alone: the signer
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
 * Verifies the signer's password against their stored hash. Refuses with 429 while rate-limited,
 * with 401 `signature_invalid` when wrong (both audited in their own transaction).
 */
export async function verifySigner(attempt: SigningAttempt): Promise<void> {
  const wait = await retryAfter(attempt.userId);
  const entity = { entityType: 'Signature', entityId: attempt.reviewId, complaintId: attempt.complaintId };
  if (wait !== null) {
    await transaction(() => recordAudit({ action: 'signature.rate_limited', ...entity, meta: { retryAfter: wait } }));
    throw rateLimited(wait, 'Too many wrong passwords at signing. Try again later.');
  }
  const user = await User.findByPk(attempt.userId, { attributes: ['id', 'passwordHash'] });
  if (await verifyPassword(user?.passwordHash, attempt.password)) return;
  await transaction(async () => {
    await sequelize().query('INSERT INTO signature_attempts (user_id, succeeded) VALUES (:userId, false)', { replacements: { userId: attempt.userId } });
    await recordAudit({ action: 'signature.failed', ...entity, meta: { reason: 'wrong_password' } });
  });
  throw signatureInvalid();
}

/** A successful signature closes the user's failure window (called inside the signing transaction). */
export async function recordSignedAttempt(userId: string): Promise<void> {
  await sequelize().query('INSERT INTO signature_attempts (user_id, succeeded) VALUES (:userId, true)', { replacements: { userId } });
}
