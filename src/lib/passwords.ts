import argon2 from 'argon2';
import { fieldError, type FieldError } from './errors';

export interface HashCost {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id, memory-hard (OWASP's 19 MiB / t=2 baseline, raised to 64 MiB / t=3). Every environment but tests. */
export const PRODUCTION_HASH_COST: Readonly<HashCost> = Object.freeze({ memoryCost: 65536, timeCost: 3, parallelism: 1 });

/**
 * NODE_ENV=test only: the same algorithm at 1 MiB / t=1, so that a suite which creates users and
 * signs them in by the hundred does not spend minutes in argon2 (a production-cost hash takes
 * ~100-200 ms of a core). Never a way to weaken production: nothing else selects it.
 */
export const TEST_HASH_COST: Readonly<HashCost> = Object.freeze({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

/**
 * The cost new hashes are made with, from the environment (read at each call, like the logger's
 * level): production cost unless NODE_ENV is exactly `test`. Verification does not depend on it:
 * argon2 encodes its parameters in every hash, so a hash made at any cost verifies.
 */
export function hashCost(env: NodeJS.ProcessEnv = process.env): Readonly<HashCost> {
  return env.NODE_ENV === 'test' ? TEST_HASH_COST : PRODUCTION_HASH_COST;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...hashCost() });
}

/** A hash of a random string: verifying against it costs what a real check costs, so timing does not reveal unknown emails. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

const COMMON = new Set([
  'password', 'password1', 'password123', '1234567890', '12345678910', 'qwertyuiop', 'abc123456789',
  'iloveyou123', 'matkhau123', 'matkhau1234', '0123456789', 'admin12345', 'administrator', 'casebook123',
  'letmein12345', 'welcome123', '1111111111', '123456789a', 'a123456789', 'qwerty12345',
]);

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/**
 * NIST SP 800-63B style: long enough, not a known-common password, not the account's own email
 * or name; no composition rules (they make passwords worse, not better).
 */
export function passwordProblems(password: string, who: { email?: string; name?: string } = {}, field = 'password'): FieldError[] {
  const problems: FieldError[] = [];
  if (password.length < PASSWORD_MIN) problems.push(fieldError(field, 'errors.password.tooShort', { min: PASSWORD_MIN }));
  if (password.length > PASSWORD_MAX) problems.push(fieldError(field, 'errors.password.tooLong', { max: PASSWORD_MAX }));
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) problems.push(fieldError(field, 'errors.password.common'));
  if (new Set(password).size < 4) problems.push(fieldError(field, 'errors.password.repetitive'));
  const local = who.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) problems.push(fieldError(field, 'errors.password.containsEmail'));
  if (who.name && who.name.length >= 4 && lower.includes(who.name.toLowerCase())) problems.push(fieldError(field, 'errors.password.containsName'));
  return problems;
}
