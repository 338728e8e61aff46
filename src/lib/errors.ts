import { translator } from './i18n';

/** Stable machine codes of API.md; clients switch on these, so never rename one. */
export const ERROR_CODES = [
  'validation_failed',
  'not_found',
  'forbidden',
  'unauthenticated',
  'invalid_transition',
  'conflict',
  'immutable_record',
  'signature_invalid',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'precondition_required',
  'service_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  /** English, for API clients. */
  message: string;
  /** Locale key (and its values) so a page can say the same in the user's language. */
  key?: string;
  params?: Record<string, unknown>;
}

/** A domain or HTTP error that maps one-to-one onto an RFC 9457 problem document. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** For 403s: what was refused, so the error handler can audit the denial. */
    readonly denial?: { action: string; subject: string; entityId: string | null },
    /** Locale key of `message` for pages; pages fall back to a message per status. */
    readonly messageKey?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A field error with its locale key; the English text comes from locales/en.json. */
export function fieldError(path: string, key: string, params?: Record<string, unknown>): FieldError {
  return { path, message: translator('en')(key, params ?? {}), key, params };
}

export const badRequest = (message: string, errors?: FieldError[]) =>
  new AppError(400, 'validation_failed', message, errors);
export const validationFailed = (errors: FieldError[], message = 'The request has invalid fields.') =>
  new AppError(400, 'validation_failed', message, errors);
export const unauthenticated = (message = 'Authentication is required.') =>
  new AppError(401, 'unauthenticated', message, undefined, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (
  message = 'You are not allowed to do this.',
  denial?: { action: string; subject: string; entityId: string | null },
) => new AppError(403, 'forbidden', message, undefined, undefined, denial);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string, errors?: FieldError[]) => new AppError(409, 'conflict', message, errors);
export const staleVersion = (current: number) =>
  new AppError(
    409,
    'conflict',
    `The record was changed by someone else (current version ${current}). Reload and try again.`,
    undefined,
    undefined,
    undefined,
    'errors.staleVersion',
  );
export const invalidTransition = (message: string, missing: FieldError[]) =>
  new AppError(409, 'invalid_transition', message, missing, undefined, undefined, 'errors.transitionBlocked');
export const immutableRecord = (message = 'This record is sealed and cannot be changed.') =>
  new AppError(409, 'immutable_record', message);
export const signatureInvalid = (message = 'The signature could not be verified: wrong password.') =>
  new AppError(401, 'signature_invalid', message);
export const payloadTooLarge = (message = 'The request body is too large.') =>
  new AppError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message = 'This content type is not supported.') =>
  new AppError(415, 'unsupported_media_type', message);
export const preconditionRequired = (message: string) =>
  new AppError(428, 'precondition_required', message, [{ path: 'version', message: 'Required: If-Match header or version.' }]);
export const rateLimited = (retryAfterSeconds: number, message = 'Too many attempts. Try again later.') =>
  new AppError(429, 'rate_limited', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
