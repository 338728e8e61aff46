import type { NextFunction, Request, Response } from 'express';
import { fieldError, validationFailed, type FieldError } from './errors';

const MAX_REPORTED = 20;

/** Every path in `value` (object keys included) whose text holds a NUL character, as `a.b.0.c`. */
function nulPaths(value: unknown, path: string[], out: string[]): void {
  if (out.length >= MAX_REPORTED) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path.join('.') || '(body)');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, [...path, String(i)], out));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) out.push([...path, k.replaceAll('\u0000', '\\u0000')].join('.'));
      else nulPaths(v, [...path, k], out);
    }
  }
}

/**
 * Refuses a NUL character (U+0000) anywhere in a request's body or query string, for every
 * route at once: PostgreSQL text and jsonb cannot hold it, so it would otherwise reach the
 * database as a 500 (jsonb audit insert) or be stored altered. 400 `validation_failed`
 * naming each field; nothing is written.
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const paths: string[] = [];
  nulPaths(req.body, [], paths);
  nulPaths(req.query, [], paths);
  if (paths.length) {
    const errors: FieldError[] = paths.map((p) => fieldError(p, 'errors.nulCharacter'));
    throw validationFailed(errors, `The request contains a NUL character (U+0000) in: ${paths.join(', ')}.`);
  }
  next();
}
