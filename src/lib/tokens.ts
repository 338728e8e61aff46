import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../domain/canonical';

/** 256 random bits, URL-safe. The client keeps it; the database keeps only its hash. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256Hex(token) };
}

export function tokenHash(token: string): string {
  return sha256Hex(token);
}
