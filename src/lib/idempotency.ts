import type { Request } from 'express';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { canonicalJson, sha256Hex } from '../domain/canonical';
import { currentTransaction } from './context';
import { AppError, badRequest } from './errors';

export interface Outcome {
  status: number;
  body: unknown;
  replayed: boolean;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a creating request at most once per `Idempotency-Key` (per user). The key row is written
 * in the same transaction as what the request creates: if the request fails, the key is free
 * again; a concurrent retry waits on the first one's row and then answers what it answered; the
 * same key with a different body is a 409.
 *
 * `work` runs in the transaction; `present` turns its result into the response body — after the
 * commit when there is no key (so row locks taken by `work`, such as a gapless counter's, are not
 * held while JSON is built), inside it when the response must be stored with the key.
 *
 * `fingerprinted` is what the stored request hash covers (default: the whole body). A body that
 * carries a secret — a signature's re-entered password — passes itself without it: a SHA-256 of a
 * low-entropy secret beside known fields would let whoever reads the table guess the secret.
 */
export async function idempotent<T>(req: Request, status: number, work: () => Promise<T>, present: (result: T) => unknown, fingerprinted: unknown = req.body): Promise<Outcome> {
  const key = idempotencyKey(req);
  if (key === undefined) return { status, body: present(await transaction(work)), replayed: false };
  const claim = idempotencyClaim(req, key, fingerprinted);
  return transaction(async () => {
    const previous = await claimKey(claim);
    if (previous) return previous;
    const body = present(await work());
    await recordOutcome(claim, status, body);
    return { status, body, replayed: false };
  });
}

/** The request's `Idempotency-Key`, undefined without one; 400 for a malformed one (checked before the body is read). */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !KEY.test(key)) throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'Invalid key.' }]);
  return key;
}

/** A key of this user for this request: what its row holds. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

/** The claim of `key` for this request, its hash over `fingerprinted` (method and path included). */
export function idempotencyClaim(req: Request, key: string, fingerprinted: unknown): IdempotencyClaim {
  const path = `${req.baseUrl}${req.path}`;
  return { userId: req.user!.id, key, method: req.method, path, requestHash: sha256Hex(`${req.method} ${path}\n${canonicalJson(fingerprinted ?? null)}`) };
}

const reusedWithAnotherBody = () =>
  new AppError(409, 'conflict', 'This Idempotency-Key was already used with a different request.', [{ path: 'Idempotency-Key', message: 'Reused with another body.' }]);

async function previousOutcome(claim: IdempotencyClaim): Promise<Outcome | null> {
  const [previous] = await sequelize().query<{ requestHash: string; statusCode: number; response: unknown }>(
    'SELECT request_hash AS "requestHash", status_code AS "statusCode", response FROM idempotency_keys WHERE user_id = :userId AND key = :key',
    { replacements: { userId: claim.userId, key: claim.key }, type: QueryTypes.SELECT },
  );
  if (!previous) return null;
  if (previous.requestHash !== claim.requestHash) throw reusedWithAnotherBody();
  return { status: previous.statusCode, body: previous.response, replayed: true };
}

/**
 * Outside a transaction, before any work: the stored answer to this key (a retry after the first
 * committed), null when the key is unused; 409 when it was used with another request. A request
 * whose work cannot run in one transaction (an upload stages its bytes first) asks this before
 * starting, then claims the key in its transaction all the same (a concurrent first try).
 */
export async function storedOutcome(claim: IdempotencyClaim): Promise<Outcome | null> {
  if (currentTransaction()) throw new Error('storedOutcome runs before the work, outside a transaction');
  return previousOutcome(claim);
}

/**
 * In the transaction that does the work, first: takes the key (a concurrent request with the same
 * key waits here until the first one ends) — null when taken, so the work goes on; else the first
 * request's answer (the caller returns it and does nothing), or 409 for another request.
 */
export async function claimKey(claim: IdempotencyClaim): Promise<Outcome | null> {
  const inserted = await sequelize().query<{ key: string }>(
    `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash) VALUES (:userId, :key, :method, :path, :requestHash)
     ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
    { replacements: { ...claim }, type: QueryTypes.SELECT },
  );
  return inserted.length ? null : previousOutcome(claim);
}

/** In the same transaction, last: the answer a retry with the key gets. */
export async function recordOutcome(claim: IdempotencyClaim, status: number, body: unknown): Promise<void> {
  await sequelize().query('UPDATE idempotency_keys SET status_code = :status, response = :response WHERE user_id = :userId AND key = :key', {
    replacements: { status, response: JSON.stringify(body), userId: claim.userId, key: claim.key },
  });
}
