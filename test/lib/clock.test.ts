import { advanceClock, now, resetClock, setClock, systemClock, useFixedClock } from '../../src/lib/clock';
import { useTestClock } from '../support/clock';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';

useTestClock();

describe('the clock seam', () => {
  it('is the system clock by default, and can be fixed, advanced, replaced and reset', () => {
    const before = Date.now();
    expect(now().getTime()).toBeGreaterThanOrEqual(before);
    expect(useFixedClock('2026-03-01T08:00:00Z').toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(now().toISOString()).toBe('2026-03-01T08:00:00.000Z');
    // Each call is a fresh Date: mutating one does not move time.
    now().setFullYear(1999);
    expect(now().toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(advanceClock(90 * 60_000).toISOString()).toBe('2026-03-01T09:30:00.000Z');
    setClock({ now: () => new Date('2030-01-01T00:00:00Z') });
    advanceClock(1000);
    expect(now().toISOString()).toBe('2030-01-01T00:00:01.000Z');
    resetClock();
    expect(Math.abs(now().getTime() - systemClock.now().getTime())).toBeLessThan(1000);
  });

  it('offsets a ticking clock when advanced', () => {
    advanceClock(24 * 3600_000);
    expect(now().getTime() - Date.now()).toBeGreaterThan(24 * 3600_000 - 1000);
  });

  it('is back to the system clock in the next test (test/support/clock.ts resets after each test)', () => {
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('moving the clock moves business time', () => {
  const t = useTestApp();
  const refs = (body: { items: Array<{ reference: string }> }) => body.items.map((i) => i.reference);

  it('makes an entry overdue in GET /api/v1/complaints?overdue=true without touching its rows', async () => {
    const { auth } = await signedIn(['quality']);
    const customer = await buildCustomer();
    const entry = await buildComplaint({ customerId: customer.id });
    expect(entry.nextDueAt).toBeTruthy();
    const list = () => t.request().get('/api/v1/complaints').query({ overdue: 'true', customerId: customer.id }).set(auth);
    const before = await list();
    expect(before.status).toBe(200);
    expect(refs(before.body)).toEqual([]);

    advanceClock(entry.nextDueAt!.getTime() - Date.now() + 60_000);
    const after = await list();
    expect(refs(after.body)).toEqual([entry.reference]);
    expect(after.body.items[0].overdue).toBe(true);
    const detail = await t.request().get(`/api/v1/complaints/${entry.id}`).set(auth);
    expect(detail.status).toBe(200);
    expect(new Date(detail.body.nextDueAt ?? entry.nextDueAt!).getTime()).toBe(entry.nextDueAt!.getTime());
  });
});
