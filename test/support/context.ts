import { randomUUID } from 'node:crypto';
import { runWithContext, type Actor } from '../../src/lib/context';

/** Runs `fn` as `actor` (default: a system actor named "test"), as a request or job would. */
export function asActor<T>(fn: () => Promise<T>, actor: Actor = { userId: null, roles: ['system'], label: 'test' }): Promise<T> {
  return runWithContext({ actor, requestId: `test-${randomUUID()}`, ip: '127.0.0.1' }, fn);
}
