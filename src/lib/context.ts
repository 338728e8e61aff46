import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who is acting. System actors (jobs, CLI, migrations) carry a label instead of a user id. */
export interface Actor {
  userId: string | null;
  roles: string[];
  label?: string;
}

/** Per-request (or per-job) facts every audit event needs. Mutable: auth fills `actor` after the fact. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  ip: string | null;
}

interface Store {
  ctx: RequestContext | undefined;
  /** Backing map for Sequelize's CLS namespace: holds the current transaction. */
  values: Map<string, unknown>;
}

const storage = new AsyncLocalStorage<Store>();

export const anonymousActor = (): Actor => ({ userId: null, roles: [] });
export const systemActor = (label: string): Actor => ({ userId: null, roles: ['system'], label });

/** Runs `fn` with `ctx` as the current context; everything it awaits sees the same context. */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run({ ctx, values: new Map() }, fn);
}

/** A context for work that no HTTP request started: jobs, the CLI, seeds. */
export function systemContext(label: string): RequestContext {
  return { actor: systemActor(label), requestId: `${label}-${randomUUID()}`, ip: null };
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore()?.ctx;
}

/** The transaction Sequelize's CLS holds for the current async context, if any. */
export function currentTransaction(): unknown {
  return storage.getStore()?.values.get('transaction') ?? undefined;
}

/**
 * A cls-hooked–compatible namespace over AsyncLocalStorage, handed to `Sequelize.useCLS`,
 * so that every query issued inside `sequelize.transaction(async () => …)` joins that
 * transaction without passing it by hand. Forgetting to pass a transaction is the classic
 * way to write outside it (or, on the single-session embedded database, to wait forever).
 */
export const sequelizeNamespace = {
  run<T>(fn: (values: Map<string, unknown>) => T): T {
    const parent = storage.getStore();
    const store: Store = { ctx: parent?.ctx, values: new Map(parent?.values) };
    return storage.run(store, () => fn(store.values));
  },
  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return fn;
  },
  get(key: string): unknown {
    return storage.getStore()?.values.get(key);
  },
  set(key: string, value: unknown): unknown {
    storage.getStore()?.values.set(key, value);
    return value;
  },
};
