import { QueryTypes, Op } from 'sequelize';
import { sequelize, transaction } from '../db';
import { rateLimited, unauthenticated } from '../lib/errors';
import { verifyPassword } from '../lib/passwords';
import { newToken, tokenHash } from '../lib/tokens';
import { AuthToken, LoginAttempt, User } from '../models';
import { recordAudit } from '../models/AuditEvent';
import type { Actor } from '../lib/context';

/** Lockout policy: failures counted in a sliding window, per account and per client address. */
export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_ACCOUNT_FAILURES = 5;
export const MAX_ADDRESS_FAILURES = 20;

export type TokenKind = 'session' | 'api';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const userActor = (user: User): Actor => ({ userId: user.id, roles: [...user.roles] });

async function throttle(email: string, ip: string | null): Promise<void> {
  const [row] = await sequelize().query<{ account: number; address: number; oldest: Date | null }>(
    `SELECT
       count(*) FILTER (WHERE lower(email) = :email AND attempted_at > COALESCE(
         (SELECT max(attempted_at) FROM login_attempts WHERE lower(email) = :email AND succeeded), '-infinity')) AS account,
       count(*) FILTER (WHERE ip = :ip) AS address,
       min(attempted_at) AS oldest
     FROM login_attempts
     WHERE NOT succeeded AND attempted_at > now() - make_interval(mins => :window) AND (lower(email) = :email OR ip = :ip)`,
    { replacements: { email, ip: ip ?? '', window: LOGIN_WINDOW_MINUTES }, type: QueryTypes.SELECT },
  );
  const locked = row.account >= MAX_ACCOUNT_FAILURES ? 'account' : row.address >= MAX_ADDRESS_FAILURES ? 'address' : null;
  if (!locked) return;
  const retryAfter = row.oldest
    ? Math.max(1, Math.ceil((row.oldest.getTime() + LOGIN_WINDOW_MINUTES * 60_000 - Date.now()) / 1000))
    : LOGIN_WINDOW_MINUTES * 60;
  await transaction(() =>
    recordAudit({
      action: 'auth.rate_limited',
      entityType: 'Login',
      entityId: email,
      meta: { scope: locked },
      actor: { userId: null, roles: [] },
    }),
  );
  throw rateLimited(
    retryAfter,
    locked === 'account'
      ? 'Too many failed sign-ins for this account. Try again later.'
      : 'Too many failed sign-ins from this address. Try again later.',
  );
}

/**
 * Checks an email and password and, when they match an active user, issues a token of `kind`.
 * Every attempt is recorded (for lockout) and audited; the caller learns only "incorrect".
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
  await throttle(email, input.ip);
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
        meta: { kind: input.kind, reason: !user ? 'unknown_account' : !user.active ? 'deactivated' : 'wrong_password' },
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
      meta: { kind: input.kind, tokenId: row.id },
      actor: userActor(user),
    });
    return { token, user, expiresAt };
  });
  if (!issued) throw unauthenticated('Email or password is incorrect.');
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
