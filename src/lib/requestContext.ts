import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { anonymousActor, runWithContext } from './context';
import { logger } from './logger';

const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (the client's X-Request-Id when it looks sane), runs the rest of the
 * chain inside its async context, and logs one JSON line when the response is finished. The
 * line holds no query string, body or name: those may carry personal data.
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  const requestId = incoming && CLIENT_ID.test(incoming) ? incoming : randomUUID();
  req.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.http('request', {
      requestId,
      method: req.method,
      path: req.baseUrl + req.path,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
      userId: req.user?.id ?? null,
    });
  });
  runWithContext({ actor: anonymousActor(), requestId, ip: req.ip ?? null }, next);
}
