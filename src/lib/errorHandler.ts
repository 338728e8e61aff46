import type { NextFunction, Request, Response } from 'express';
import {
  BaseError,
  ConnectionError,
  DatabaseError,
  ForeignKeyConstraintError,
  OptimisticLockError,
  UniqueConstraintError,
  ValidationError as SequelizeValidationError,
} from 'sequelize';
import { transaction } from '../db';
import { recordAudit } from '../models/AuditEvent';
import { AppError, type ErrorCode, type FieldError } from './errors';
import { logger } from './logger';

export interface Problem {
  status: number;
  code: ErrorCode;
  messageKey?: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const problem = (status: number, code: ErrorCode, detail: string, errors?: FieldError[], headers?: Record<string, string>): Problem => ({
  status,
  code,
  title: TITLES[status] ?? 'Error',
  detail,
  errors,
  headers,
});

/** SQLSTATEs that mean "your input", not "our bug". */
const SQLSTATE: Record<string, [number, ErrorCode, string]> = {
  '22001': [400, 'validation_failed', 'A value is too long.'],
  '22003': [400, 'validation_failed', 'A number is out of range.'],
  '22007': [400, 'validation_failed', 'A date or time is not valid.'],
  '22008': [400, 'validation_failed', 'A date or time is out of range.'],
  '22P02': [400, 'validation_failed', 'A value has the wrong format.'],
  '23502': [400, 'validation_failed', 'A required value is missing.'],
  '23514': [400, 'validation_failed', 'A value is not allowed.'],
  '23505': [409, 'conflict', 'A record with the same unique value already exists.'],
  '23503': [409, 'conflict', 'The record refers to, or is referred to by, another record.'],
  '40001': [409, 'conflict', 'The record was changed concurrently. Try again.'],
  '40P01': [409, 'conflict', 'The record was changed concurrently. Try again.'],
  CB001: [409, 'immutable_record', 'This record is sealed and cannot be changed.'],
};

const BODY_PARSER: Record<string, [number, ErrorCode, string]> = {
  'entity.parse.failed': [400, 'validation_failed', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_media_type', 'The request body charset is not supported.'],
  'request.aborted': [400, 'validation_failed', 'The request body was incomplete.'],
  'request.size.invalid': [400, 'validation_failed', 'The request body length does not match its Content-Length.'],
  'parameters.too.many': [413, 'payload_too_large', 'The request has too many parameters.'],
};

/** Maps anything thrown to the problem it stands for. Unknown errors become a generic 500. */
export function toProblem(err: unknown): Problem {
  if (err instanceof AppError) return { ...problem(err.status, err.code, err.message, err.errors, err.headers), messageKey: err.messageKey };
  const type = (err as { type?: unknown })?.type;
  if (typeof type === 'string' && BODY_PARSER[type]) return problem(...BODY_PARSER[type]);
  if (err instanceof OptimisticLockError)
    return problem(409, 'conflict', 'The record was changed by someone else. Reload and try again.');
  if (err instanceof UniqueConstraintError)
    return problem(409, 'conflict', SQLSTATE['23505'][2], err.errors.map((e) => ({ path: e.path ?? '', message: 'Already in use.' })));
  if (err instanceof ForeignKeyConstraintError) return problem(...SQLSTATE['23503']);
  if (err instanceof SequelizeValidationError)
    return problem(400, 'validation_failed', 'The request has invalid fields.', err.errors.map((e) => ({ path: e.path ?? '', message: e.message })));
  if (err instanceof ConnectionError) return problem(503, 'service_unavailable', 'The database is unavailable. Try again shortly.');
  if (err instanceof DatabaseError || err instanceof BaseError) {
    const code = (err as DatabaseError).parent && ((err as DatabaseError).parent as { code?: string }).code;
    if (code && SQLSTATE[code]) return problem(...SQLSTATE[code]);
  }
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed';
    return problem(status, code, (err as Error).message || TITLES[status] || 'Bad request');
  }
  return problem(500, 'internal', 'Something went wrong on our side. The error was logged with the request id.');
}

/**
 * What an operator needs to find a 500's cause: for a database error, PostgreSQL's message,
 * SQLSTATE and the table/constraint/routine it names — never the SQL's bound values, the
 * statement text or the error's `detail` (they may hold personal data). Otherwise the stack.
 */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const parent = (err as { parent?: unknown }).parent ?? (err as { original?: unknown }).original;
  const pg = (parent && typeof parent === 'object' ? parent : err) as { code?: unknown; message?: unknown; table?: unknown; constraint?: unknown; routine?: unknown; severity?: unknown };
  const out: Record<string, unknown> = { error: err.name };
  if (typeof pg.code === 'string' && /^[0-9A-Z]{5}$/.test(pg.code)) {
    out.sqlstate = pg.code;
    // PostgreSQL ends some messages with the offending input (`…type uuid: "abc"`): that is a value.
    out.dbMessage = typeof pg.message === 'string' ? pg.message.replace(/: ".*"$/s, ': "[value]"') : undefined;
    for (const k of ['table', 'constraint', 'routine', 'severity'] as const) if (typeof pg[k] === 'string') out[k] = pg[k];
  } else out.message = err.message;
  // The stack's first line repeats the message: keep only the frames.
  out.stack = ((parent instanceof Error ? parent.stack : undefined) ?? err.stack)?.split('\n').slice(1).join('\n');
  return out;
}

async function auditDenial(err: AppError): Promise<void> {
  if (!err.denial) return;
  try {
    await transaction(() =>
      recordAudit({
        action: 'permission.denied',
        entityType: err.denial!.subject,
        entityId: err.denial!.entityId,
        meta: { action: err.denial!.action },
      }),
    );
  } catch (auditErr) {
    // The response must still go out; the failure is logged loudly for the operators.
    logger.error('could not audit a permission denial', { error: String(auditErr) });
  }
}

export interface ErrorPageRenderer {
  (req: Request, res: Response, p: Problem): void;
}

/**
 * The one error handler: problem+json for /api and /health, a friendly page (with the request
 * id) for the UI. Stacks are logged, never sent.
 */
export function errorHandler(renderPage: ErrorPageRenderer) {
  return async (err: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const p = toProblem(err);
    if (p.status >= 500) logger.error('request failed', { requestId: req.requestId, method: req.method, path: req.baseUrl + req.path, ...describeError(err) });
    if (err instanceof AppError && err.status === 403) await auditDenial(err);
    if (res.headersSent) return void res.end();
    for (const [k, v] of Object.entries(p.headers ?? {})) res.setHeader(k, v);
    if (req.path.startsWith('/api/') || req.path === '/health' || req.accepts(['html', 'json']) === 'json') {
      res
        .status(p.status)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: `/problems/${p.code}`,
            title: p.title,
            status: p.status,
            detail: p.detail,
            code: p.code,
            ...(p.errors?.length ? { errors: p.errors.map(({ path, message }) => ({ path, message })) } : {}),
            requestId: req.requestId,
          }),
        );
      return;
    }
    renderPage(req, res, p);
  };
}
