import type { Request } from 'express';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { canonicalJson, sha256Hex } from '../domain/canonical';
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
  const key = req.get('idempotency-key');
  if (key === undefined) return { status, body: present(await transaction(work)), replayed: false };
  if (!KEY.test(key)) throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'Invalid key.' }]);
  const userId = req.user!.id;
  const requestHash = sha256Hex(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(fingerprinted ?? null)}`);
  return transaction(async () => {
    const s = sequelize();
    const inserted = await s.query<{ key: string }>(
      `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash) VALUES (:userId, :key, :method, :path, :requestHash)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      { replacements: { userId, key, method: req.method, path: `${req.baseUrl}${req.path}`, requestHash }, type: QueryTypes.SELECT },
    );
    if (inserted.length === 0) {
      const [previous] = await s.query<{ requestHash: string; statusCode: number; response: unknown }>(
        'SELECT request_hash AS "requestHash", status_code AS "statusCode", response FROM idempotency_keys WHERE user_id = :userId AND key = :key',
        { replacements: { userId, key }, type: QueryTypes.SELECT },
      );
      if (previous.requestHash !== requestHash)
        throw new AppError(409, 'conflict', 'This Idempotency-Key was already used with a different request.', [{ path: 'Idempotency-Key', message: 'Reused with another body.' }]);
      return { status: previous.statusCode, body: previous.response, replayed: true };
    }
    const body = present(await work());
    await s.query('UPDATE idempotency_keys SET status_code = :status, response = :response WHERE user_id = :userId AND key = :key', {
      replacements: { status, response: JSON.stringify(body), userId, key },
    });
    return { status, body, replayed: false };
  });
}
