import type { Request } from 'express';
import { badRequest, notFound, preconditionRequired } from './errors';
import { uuidParam } from './pagination';

/** The `:id` route parameter; a malformed id is as unknown as a missing one. */
export function idParam(req: Request, name = 'id'): string {
  const parsed = uuidParam.safeParse(req.params[name]);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/**
 * The expected version from `If-Match` (a number, quoted or not) or the body's `version`.
 * Every PATCH must name the version it edits (API.md): without one it is 428
 * `precondition_required`, never a silent last-write-wins.
 */
export function expectedVersion(req: Request, bodyVersion?: number): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) {
    if (bodyVersion === undefined && req.method === 'PATCH')
      throw preconditionRequired('Send the version you are editing: an If-Match header (e.g. If-Match: 3) or "version" in the body.');
    return bodyVersion;
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw badRequest('If-Match must be the record version, e.g. If-Match: 3.', [{ path: 'If-Match', message: 'Not a version number.' }]);
  return Number(match[1]);
}

/**
 * A page's filter form as sent in the query string, cleaned: only the `known` parameters (so the
 * footer's ?lang=en is not taken for a filter), blanks dropped, repeated values joined with commas.
 */
export function pageQuery(req: Request, known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) {
    if (!known.includes(k)) continue;
    const s = Array.isArray(v) ? v.map(String).filter(Boolean).join(',') : typeof v === 'string' ? v.trim() : '';
    if (s) out[k] = s;
  }
  return out;
}
