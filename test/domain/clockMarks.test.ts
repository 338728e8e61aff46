import { clockMarks, markAt, measureOf, measureOfKind, wallMarks, WALL } from '../../src/domain/clockMarks';
import { endOfWorkingDays } from '../../src/domain/calendar';
import { stageDueAt, type ClockContext } from '../../src/domain/deadlines';
import { VIETNAM_DEFAULT_CALENDAR } from '../../src/domain/holidays';

const ctx: ClockContext = { zone: 'Asia/Ho_Chi_Minh', calendar: VIETNAM_DEFAULT_CALENDAR, hours: { start: '08:00', end: '17:00' } };
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('SLA marks (80 % / 150 % of the measured time)', () => {
  it('on an exact clock are 80 % and 150 % of the target', () => {
    const start = at('2026-11-02T10:00:00+07:00');
    const target = { minutes: 60, mode: 'exact' as const };
    const due = stageDueAt(start, target, [], start, ctx)!;
    const m = clockMarks(start, due, measureOf(target), [], ctx);
    expect(iso(m.warnAt)).toBe('2026-11-02T03:48:00.000Z');
    expect(iso(m.escalateAt)).toBe('2026-11-02T04:30:00.000Z');
  });

  it('on a business-hour clock fall inside business hours, not at 80 % of the wall span', () => {
    // Friday 15:00 with 8 business hours: 2 h on Friday, 6 h on Monday → due Monday 14:00.
    const start = at('2026-11-06T15:00:00+07:00');
    const target = { minutes: 480, mode: 'business' as const };
    const due = stageDueAt(start, target, [], start, ctx)!;
    expect(iso(due)).toBe(iso(at('2026-11-09T14:00:00+07:00')));
    const m = clockMarks(start, due, measureOf(target), [], ctx);
    // 6 h 24 min of office time: Friday 15–17, Monday 08:00 + 4 h 24 min.
    expect(iso(m.warnAt)).toBe(iso(at('2026-11-09T12:24:00+07:00')));
    // 12 h: Friday 2 h, Monday 9 h, Tuesday 1 h.
    expect(iso(m.escalateAt)).toBe(iso(at('2026-11-10T09:00:00+07:00')));
    // Wall time would have put 80 % on Sunday, when nobody works.
    expect(iso(wallMarks(start, due).warnAt)).not.toBe(iso(m.warnAt));
  });

  it('on a stage clock pushed out by a hold are counted without the hold', () => {
    const start = at('2026-11-02T10:00:00+07:00');
    const target = { minutes: 600, mode: 'exact' as const };
    const pauses = [{ from: at('2026-11-02T11:00:00+07:00'), to: at('2026-11-02T14:00:00+07:00') }];
    const due = stageDueAt(start, target, pauses, at('2026-11-02T15:00:00+07:00'), ctx)!;
    expect(iso(due)).toBe(iso(at('2026-11-02T23:00:00+07:00')));
    const m = clockMarks(start, due, measureOf(target), pauses, ctx);
    // 8 h of running time: 1 h before the hold, 7 h after it.
    expect(iso(m.warnAt)).toBe(iso(at('2026-11-02T21:00:00+07:00')));
    // An open hold: no due time, no marks.
    expect(clockMarks(start, null, measureOf(target), [{ from: start, to: null }], ctx)).toEqual({ warnAt: null, escalateAt: null });
  });

  it('on a working-day limit count working days, skipping the weekend', () => {
    // Received Monday 2 Nov 2026: 7 working days → end of Wednesday 11 Nov; 5.6 days → 5 whole (to Monday 9) and 0.6 of Tuesday 10: 14:24.
    const start = at('2026-11-02T10:00:00+07:00');
    const due = endOfWorkingDays(start, 7, ctx.zone, ctx.calendar);
    const m = clockMarks(start, due, measureOfKind('negotiationStart', null), [], ctx);
    expect(iso(m.warnAt)).toBe(iso(at('2026-11-10T14:24:00+07:00')));
    // 10.5 days: Tue 3 … Mon 16 is the 10th, Tuesday 17 at noon.
    expect(iso(m.escalateAt)).toBe(iso(at('2026-11-17T12:00:00+07:00')));
  });

  it('on a calendar-day limit are of the wall span', () => {
    const start = at('2026-11-02T00:00:00+07:00');
    const due = at('2026-11-11T23:59:59.999+07:00');
    expect(iso(markAt(start, due, 80, WALL, [], ctx))).toBe(iso(new Date(start.getTime() + (due.getTime() - start.getTime()) * 0.8)));
    expect(iso(markAt(start, due, 100, WALL, [], ctx))).toBe(iso(due));
    expect(measureOf({ minutes: 2880, mode: 'calendar_days' })).toEqual(WALL);
    expect(measureOfKind('firstReply', { minutes: 60, mode: 'business' })).toEqual(WALL);
  });
});
