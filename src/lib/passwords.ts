import argon2 from 'argon2';
import { fieldError, type FieldError } from './errors';

/** argon2id, memory-hard (OWASP's 19 MiB / t=2 baseline, raised to 64 MiB / t=3). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
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
