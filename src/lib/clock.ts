/**
 * The one clock seam. Commands, jobs and queries ask `now()` instead of `new Date()`, and SQL
 * that compares with "now" for business logic (overdue, due times) binds the clock's now rather
 * than calling the database's `now()`. Tests move time here (test/support/clock.ts) instead of
 * rewriting rows. Database defaults (`created_at`) and the sign-in throttle keep the database's
 * own clock on purpose.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved. */
export class FixedClock implements Clock {
  private t: number;
  constructor(at: Date | string | number) {
    this.t = new Date(at).getTime();
    if (Number.isNaN(this.t)) throw new Error(`FixedClock: invalid date ${String(at)}`);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

let current: Clock = systemClock;

/** The current instant from the process-wide clock (a fresh Date each call). */
export function now(): Date {
  return new Date(current.now().getTime());
}

/** Replaces the process-wide clock (tests; production never needs to). */
export function setClock(clock: Clock): void {
  current = clock;
}

/** Freezes time at `at` until advanced or reset. Returns the frozen instant. */
export function useFixedClock(at: Date | string | number): Date {
  setClock(new FixedClock(at));
  return now();
}

/** Moves time forward by `ms`: a fixed clock moves; any other clock is offset by `ms` (and keeps ticking). */
export function advanceClock(ms: number): Date {
  if (current instanceof FixedClock) current.advance(ms);
  else {
    const base = current;
    current = { now: () => new Date(base.now().getTime() + ms) };
  }
  return now();
}

/** Back to the system clock. */
export function resetClock(): void {
  current = systemClock;
}
