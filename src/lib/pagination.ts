import { z } from './zod';
import { badRequest } from './errors';

export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.output<S> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Fall through to the 400 below: a cursor we did not make.
  }
  throw badRequest('The cursor is not valid.', [{ path: 'cursor', message: 'Not a cursor issued by this API.' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fetch `limit + 1` rows, return `limit` and a cursor when there were more. */
export function toPage<R, T>(rows: R[], limit: number, present: (r: R) => T, keyOf: (r: R) => Record<string, unknown>): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(present), nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

export const uuidParam = z.string().uuid();
