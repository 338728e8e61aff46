import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes, Op } from 'sequelize';
import { sequelize, transaction } from '../db';
import { rateLimited, unauthenticated } from '../lib/errors';
import { verifyPassword } from '../lib/passwords';
import { newToken, tokenHash } from '../lib/tokens';
import { AuthToken, LoginAttempt, User } from '../models';
import { recordAudit } from '../models/AuditEvent';
import { currentTransaction, type Actor } from '../lib/context';

/**
 * Sign-in throttling. Every limit is keyed so that nobody can lock out someone else:
 *
 * 1. **Account × address.** 5 failures for account A from address X within 15 minutes (counted
 *    since X last signed in to A) stop A from X: 429 with Retry-After until the oldest of those 5
 *    leaves the window. Refused attempts are not recorded, so retrying does not extend it.
 * 2. **Account under attack.** From 10 failures against A within 15 minutes (all addresses
 *    together), an attempt at A from an address that has *never* signed in to A is held
 *    200 ms per failure beyond 9, at most 2 s, before its password is checked (success included,
 *    so the hold cannot be skipped by reading the answer early). It is only ever a hold, never a
 *    refusal: the real owner on a new network waits 2 s at most; addresses that have signed in
 *    to A before are not held at all. (Per-address limits alone would let a botnet spread its
 *    guesses; a refusal here would let that botnet lock the owner out.)
 * 3. **Address failing across accounts.** A *failure* from X is answered 100 ms later per failure
 *    of X beyond 5 within 15 minutes, at most 1 s. A correct password is never held or refused
 *    by this rule, so one office behind one NAT address cannot lock itself out.
 *
 * Each figure comes from one round trip of bounded index probes (LIMITed counts; migration
 * 0005's pair index). Holds sleep outside any transaction: no database connection is held while
 * waiting (the embedded database has a single one).
 */
export const LOGIN_THROTTLE = {
  windowMinutes: 15,
  pairMaxFailures: 5,
  accountHoldFrom: 10,
  accountHoldStepMs: 200,
  accountHoldMaxMs: 2000,
  addressFreeFailures: 5,
  failureDelayStepMs: 100,
  failureDelayMaxMs: 1000,
} as const;

export type TokenKind = 'session' | 'api';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const userActor = (user: User): Actor => ({ userId: user.id, roles: [...user.roles] });

interface ThrottleState {
  /** X has signed in to A successfully before. */
  knownAddress: boolean;
  /** Seconds until A may be tried from X again, or null when it may be tried now. */
  pairRetryAfter: number | null;
  /** Failures against A from every address in the window (capped where the hold stops growing). */
  accountFailures: number;
  /** Failures from X against every account in the window (capped where the delay stops growing). */
  addressFailures: number;
}

const P = LOGIN_THROTTLE;
const ACCOUNT_CAP = P.accountHoldFrom - 1 + Math.ceil(P.accountHoldMaxMs / P.accountHoldStepMs);
const ADDRESS_CAP = P.addressFreeFailures + Math.ceil(P.failureDelayMaxMs / P.failureDelayStepMs);

/** How long an attempt at an account under attack waits when it comes from an address new to that account. */
export function accountHoldMs(state: Pick<ThrottleState, 'knownAddress' | 'accountFailures'>): number {
  if (state.knownAddress || state.accountFailures < P.accountHoldFrom) return 0;
  return Math.min(P.accountHoldMaxMs, P.accountHoldStepMs * (state.accountFailures - P.accountHoldFrom + 1));
}

/** How long the answer to a failure waits, given the address's failures in the window including this one. */
export function failureDelayMs(addressFailures: number): number {
  return Math.min(P.failureDelayMaxMs, P.failureDelayStepMs * Math.max(0, addressFailures - P.addressFreeFailures));
}

async function throttleState(email: string, ip: string | null): Promise<ThrottleState> {
  const ipIs = ip === null ? 'ip IS NULL' : 'ip = :ip';
  const [row] = await sequelize().query<ThrottleState>(
    `WITH since AS (SELECT now() - make_interval(mins => :window) AS t),
          pair_success AS (SELECT max(attempted_at) AS at FROM login_attempts WHERE lower(email) = :email AND ${ipIs} AND succeeded = true)
     SELECT
       (SELECT at FROM pair_success) IS NOT NULL AS "knownAddress",
       (SELECT greatest(1, ceil(extract(epoch FROM attempted_at - (SELECT t FROM since))))::int
          FROM login_attempts
         WHERE lower(email) = :email AND ${ipIs} AND succeeded = false
           AND attempted_at > greatest((SELECT t FROM since), (SELECT at FROM pair_success))
         ORDER BY attempted_at DESC OFFSET :pairOffset LIMIT 1) AS "pairRetryAfter",
       (SELECT count(*)::int FROM (SELECT 1 FROM login_attempts
         WHERE lower(email) = :email AND succeeded = false AND attempted_at > (SELECT t FROM since) LIMIT :accountCap) a) AS "accountFailures",
       (SELECT count(*)::int FROM (SELECT 1 FROM login_attempts
         WHERE ${ipIs} AND succeeded = false AND attempted_at > (SELECT t FROM since) LIMIT :addressCap) x) AS "addressFailures"`,
    {
      replacements: { email, ip, window: P.windowMinutes, pairOffset: P.pairMaxFailures - 1, accountCap: ACCOUNT_CAP, addressCap: ADDRESS_CAP },
      type: QueryTypes.SELECT,
    },
  );
  return row;
}

/**
 * Checks an email and password and, when they match an active user, issues a token of `kind`.
 * Every attempt that is not refused is recorded (for throttling, see LOGIN_THROTTLE) and audited;
 * the caller learns only "incorrect".
 */
export async function authenticate(input: {
  email: string;
  password: string;
  kind: TokenKind;
  ip: string | null;
  userAgent: string | null;
  ttlMs: number;
}): Promise<{ token: string; user: User; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  // The holds below sleep: inside a transaction they would keep its connection (the embedded database's only one).
  if (currentTransaction()) throw new Error('authenticate() must not run inside a transaction');
  const state = await throttleState(email, input.ip);
  if (state.pairRetryAfter !== null) {
    await transaction(() =>
      recordAudit({
        action: 'auth.rate_limited',
        entityType: 'Login',
        entityId: email,
        meta: { scope: 'account_address', retryAfter: state.pairRetryAfter },
        actor: { userId: null, roles: [] },
      }),
    );
    throw rateLimited(state.pairRetryAfter, 'Too many failed sign-ins for this account from this address. Try again later.');
  }
  const hold = accountHoldMs(state);
  if (hold > 0) await sleep(hold);
  const user = await User.findOne({ where: sequelize().where(sequelize().fn('lower', sequelize().col('email')), email) });
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  const ok = Boolean(user && passwordOk && user.active);
  const issued = await transaction(async () => {
    await LoginAttempt.create({ email, ip: input.ip, succeeded: ok });
    if (!user || !ok) {
      await recordAudit({
        action: 'auth.login_failed',
        entityType: user ? 'User' : 'Login',
        entityId: user ? user.id : email,
        meta: { kind: input.kind, reason: !user ? 'unknown_account' : !user.active ? 'deactivated' : 'wrong_password', heldMs: hold, delayMs: failureDelayMs(state.addressFailures + 1) },
        actor: { userId: null, roles: [] },
      });
      return null;
    }
    const { token, hash } = newToken();
    const expiresAt = new Date(Date.now() + input.ttlMs);
    const row = await AuthToken.create({
      userId: user.id,
      kind: input.kind,
      tokenHash: hash,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 500) ?? null,
    });
    await recordAudit({
      action: 'auth.login',
      entityType: 'User',
      entityId: user.id,
      meta: { kind: input.kind, tokenId: row.id, heldMs: hold },
      actor: userActor(user),
    });
    return { token, user, expiresAt };
  });
  if (!issued) {
    const delay = failureDelayMs(state.addressFailures + 1);
    if (delay > 0) await sleep(delay);
    throw unauthenticated('Email or password is incorrect.');
  }
  return issued;
}

const TOUCH_INTERVAL_MS = 60_000;

/** The active user behind a presented token, or null when it is unknown, revoked, expired or its user is deactivated. */
export async function resolveToken(token: string, kind: TokenKind): Promise<{ user: User; tokenId: string } | null> {
  // Every request passes here: one join mapped straight onto User, without an include tree.
  const [user] = await sequelize().query<User>(
    `SELECT u.*, t.id AS "authTokenId", t.last_used_at AS "authTokenLastUsedAt"
       FROM auth_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.kind = $2 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active`,
    { bind: [tokenHash(token), kind], model: User, mapToModel: true },
  );
  if (!user) return null;
  const extra = user.dataValues as unknown as { authTokenId?: string; authTokenLastUsedAt?: Date | null };
  const tokenId = extra.authTokenId!;
  const lastUsedAt = extra.authTokenLastUsedAt ?? null;
  delete extra.authTokenId;
  delete extra.authTokenLastUsedAt;
  // Bounded write rate: last use is for the sessions list, not for security decisions.
  if (!lastUsedAt || Date.now() - new Date(lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
    await AuthToken.update({ lastUsedAt: new Date() }, { where: { id: tokenId } });
  }
  return { user, tokenId };
}

/** Revokes one token (sign-out) and audits it. */
export async function signOut(tokenId: string, user: User): Promise<void> {
  await transaction(async () => {
    await AuthToken.update({ revokedAt: new Date() }, { where: { id: tokenId, revokedAt: null } });
    await recordAudit({ action: 'auth.logout', entityType: 'User', entityId: user.id, meta: { tokenId } });
  });
}

/** Revokes every live token of a user (deactivation, password reset). Runs in the caller's transaction. */
export async function revokeAllTokens(userId: string, exceptTokenId?: string): Promise<number> {
  const [count] = await AuthToken.update(
    { revokedAt: new Date() },
    { where: { userId, revokedAt: null, ...(exceptTokenId ? { id: { [Op.ne]: exceptTokenId } } : {}) } },
  );
  return count;
}
