/**
 * Per-test and per-hook time limits under jest-light-runner (jest.config.js), which runs test
 * functions without jest-circus's timers: a test that never settles would otherwise hang the
 * whole run with no name on it. Each test and hook gets jest's `testTimeout` from the config
 * (30 s), or the limit passed as its last argument, exactly as under jest's own runner; when it
 * passes, the test fails with its name and the limit. Loaded once per worker process
 * (`setupFilesAfterEnv`), after the runner has installed the globals, and wraps them in place.
 */
const DEFAULT_TIMEOUT_MS = Number(process.env.CASEBOOK_TEST_TIMEOUT_MS) || 30_000;

type Fn = (...args: unknown[]) => unknown;

function limited(fn: Fn | undefined, ms: number | undefined, what: string): Fn | undefined {
  if (typeof fn !== 'function') return fn;
  const limit = ms ?? DEFAULT_TIMEOUT_MS;
  return function (this: unknown, ...args: unknown[]) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${limit} ms (a test's limit is its last argument, else ${DEFAULT_TIMEOUT_MS} ms)`)), limit);
    });
    return Promise.race([Promise.resolve().then(() => fn.apply(this, args)), expired]).finally(() => clearTimeout(timer));
  };
}

type TestFn = ((name: string, fn?: Fn, timeout?: number) => unknown) & Record<string, unknown>;

/** `it`/`test` with `.only` and `.skip` keeping the limit; `.each` rows get it too. */
function wrapTest(original: TestFn): TestFn {
  const wrapped = ((name: string, fn?: Fn, timeout?: number) => original(name, limited(fn, timeout, `test "${name}"`), timeout)) as TestFn;
  Object.assign(wrapped, original);
  for (const variant of ['only', 'skip'] as const) {
    const inner = original[variant] as TestFn | undefined;
    if (inner) wrapped[variant] = wrapTest(inner);
  }
  const each = original.each as ((...table: unknown[]) => (name: string, fn: Fn, timeout?: number) => unknown) | undefined;
  if (each) {
    wrapped.each = (...table: unknown[]) => (name: string, fn: Fn, timeout?: number) => each(...table)(name, limited(fn, timeout, `test "${name}"`)!, timeout);
  }
  return wrapped;
}

const g = globalThis as unknown as Record<string, unknown>;
for (const name of ['it', 'test']) g[name] = wrapTest(g[name] as TestFn);
g.fit = (g.it as TestFn).only;
g.xit = g.xtest = (g.it as TestFn).skip;
for (const hook of ['beforeAll', 'afterAll', 'beforeEach', 'afterEach']) {
  const original = g[hook] as (fn: Fn, timeout?: number) => unknown;
  g[hook] = (fn: Fn, timeout?: number) => original(limited(fn, timeout, hook)!, timeout);
}
