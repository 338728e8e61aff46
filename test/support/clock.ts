import { resetClock } from '../../src/lib/clock';

export { advanceClock, now, setClock, useFixedClock } from '../../src/lib/clock';

/** Call at the top of a test file: every test that moves time gets the system clock back afterwards. */
export function useTestClock(): void {
  afterEach(() => resetClock());
}
