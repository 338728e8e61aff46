import { nextDueAt, outcomeOf, pendingClocks, type ClockedCase, type ClockKind, type ClockState } from '../../src/domain/clocks';
import { filingWindowEndsAt, legalClocks, stageDueAt } from '../../src/domain/deadlines';
import type { Stage } from '../../src/domain/workflow';
import { DEFAULT_WEEKEND, VIETNAM_DEFAULT_CALENDAR, makeCalendar } from '../../src/domain/holidays';

const ZONE = 'Asia/Ho_Chi_Minh';
const ctx = { zone: ZONE, calendar: VIETNAM_DEFAULT_CALENDAR };
const at = (iso: string) => new Date(iso);

describe('legal clocks (PRODUCT.md "Deadlines")', () => {
  it('received 2026-11-02 10:00 (+07:00): reply in 48 h, resolution 2026-11-22 23:59:59.999, negotiation by 7 working days', () => {
    const c = legalClocks({ receivedAt: at('2026-11-02T10:00:00+07:00'), incidentDate: '2026-10-20', category: 'service_quality', customerType: 'person' }, ctx);
    expect(c.firstReplyAt.toISOString()).toBe('2026-11-04T03:00:00.000Z');
    expect(c.resolutionAt.toISOString()).toBe('2026-11-22T16:59:59.999Z');
    expect(c.negotiationStartAt!.toISOString()).toBe('2026-11-11T16:59:59.999Z');
    expect(c.timeBarred).toBe(false);
  });

  it('incident 2026-08-01 with the 90-day window: last filing moment 2026-10-30 23:59:59.999 (+07:00)', () => {
    expect(filingWindowEndsAt('2026-08-01', 'service_quality', ZONE).toISOString()).toBe('2026-10-30T16:59:59.999Z');
    expect(filingWindowEndsAt('2026-08-01', 'business', ZONE).toISOString()).toBe('2026-08-31T16:59:59.999Z');
  });

  it('is time-barred one millisecond after the window, not at its last moment', () => {
    const base = { incidentDate: '2026-08-01', category: 'service_quality' as const, customerType: 'company' as const };
    expect(legalClocks({ ...base, receivedAt: at('2026-10-30T16:59:59.999Z') }, ctx).timeBarred).toBe(false);
    expect(legalClocks({ ...base, receivedAt: at('2026-10-30T17:00:00.000Z') }, ctx).timeBarred).toBe(true);
    expect(legalClocks({ ...base, receivedAt: at('2026-10-30T17:00:00.000Z') }, ctx).negotiationStartAt).toBeNull();
  });

  it('skips Tết in the negotiation clock', () => {
    // Received Thu 12 Feb 2026; Tết days off 16–20 Feb; weekends skipped.
    const c = legalClocks({ receivedAt: at('2026-02-12T09:00:00+07:00'), incidentDate: '2026-02-10', category: 'business', customerType: 'person' }, ctx);
    expect(c.negotiationStartAt!.toISOString()).toBe('2026-03-02T16:59:59.999Z');
  });
});

describe('negotiation clock with a make-up working day', () => {
  it('ends a day earlier when the 7 working days span a make-up Saturday', () => {
    const entry = { receivedAt: at('2026-03-03T10:00:00+07:00'), incidentDate: '2026-03-01', category: 'business' as const, customerType: 'person' as const };
    const calendar = makeCalendar([...VIETNAM_DEFAULT_CALENDAR.holidays], DEFAULT_WEEKEND, ['2026-03-07']);
    expect(legalClocks(entry, ctx).negotiationStartAt!.toISOString()).toBe('2026-03-12T16:59:59.999Z');
    expect(legalClocks(entry, { zone: ZONE, calendar }).negotiationStartAt!.toISOString()).toBe('2026-03-11T16:59:59.999Z');
  });
});

describe('stage due times', () => {
  it('counts an exact target from entry, pushed out by closed holds, and stops while a hold is open', () => {
    const entered = at('2026-11-02T01:00:00Z');
    const target = { minutes: 720, mode: 'exact' as const };
    expect(stageDueAt(entered, target, [], entered, ctx)!.toISOString()).toBe('2026-11-02T13:00:00.000Z');
    const held = [{ from: at('2026-11-02T02:00:00Z'), to: at('2026-11-02T05:00:00Z') }];
    expect(stageDueAt(entered, target, held, entered, ctx)!.toISOString()).toBe('2026-11-02T16:00:00.000Z');
    expect(stageDueAt(entered, target, [{ from: at('2026-11-02T02:00:00Z'), to: null }], at('2026-11-02T03:00:00Z'), ctx)).toBeNull();
  });

  it('counts a calendar-day target to the end of the local day, holds included', () => {
    const entered = at('2026-11-02T03:00:00Z');
    const target = { minutes: 7 * 1440, mode: 'calendar_days' as const };
    expect(stageDueAt(entered, target, [], entered, ctx)!.toISOString()).toBe('2026-11-09T16:59:59.999Z');
    const twoDays = [{ from: at('2026-11-03T00:00:00Z'), to: at('2026-11-05T00:00:00Z') }];
    expect(stageDueAt(entered, target, twoDays, entered, ctx)!.toISOString()).toBe('2026-11-11T16:59:59.999Z');
  });

  it('counts business minutes in business mode (08:00–17:00, working days)', () => {
    // Friday 16:00 local + 120 business minutes = Monday 09:00 local.
    const due = stageDueAt(at('2026-11-06T16:00:00+07:00'), { minutes: 120, mode: 'business' }, [], at('2026-11-06T16:00:00+07:00'), ctx);
    expect(due!.toISOString()).toBe('2026-11-09T02:00:00.000Z');
  });
});

describe('pending clocks and the next deadline', () => {
  /** The case's clocks as the columns used to hold them, made into clock rows (a kind without a due time has no row). */
  interface Columns {
    status: Stage;
    dueAcknowledgeAt: Date;
    acknowledgedAt: Date | null;
    dueFirstReplyAt: Date;
    firstRepliedAt: Date | null;
    dueResolutionAt: Date;
    resolvedAt: Date | null;
    dueStageAt: Date | null;
    dueNegotiationStartAt: Date | null;
    negotiationStartedAt: Date | null;
  }
  const clocks = (over: Partial<Columns> = {}): ClockedCase => {
    const c: Columns = {
      status: 'investigation',
      dueAcknowledgeAt: at('2026-11-02T04:00:00Z'),
      acknowledgedAt: null,
      dueFirstReplyAt: at('2026-11-04T03:00:00Z'),
      firstRepliedAt: null,
      dueResolutionAt: at('2026-11-22T16:59:59.999Z'),
      resolvedAt: null,
      dueStageAt: at('2026-11-02T15:00:00Z'),
      dueNegotiationStartAt: null,
      negotiationStartedAt: null,
      ...over,
    };
    const row = (kind: ClockKind, dueAt: Date | null, metAt: Date | null): ClockState[] =>
      dueAt ? [{ kind, startedAt: at('2026-11-02T03:00:00Z'), dueAt, metAt, outcome: metAt ? outcomeOf(dueAt, metAt) : null, pausedMinutes: 0, setBy: 'test' }] : [];
    return {
      status: c.status,
      // Not in CLOCK_KINDS order: the rows come from the database in any order.
      clocks: [
        ...row('stage', c.dueStageAt, null),
        ...row('negotiationStart', c.dueNegotiationStartAt, c.negotiationStartedAt),
        ...row('resolution', c.dueResolutionAt, c.resolvedAt),
        ...row('firstReply', c.dueFirstReplyAt, c.firstRepliedAt),
        ...row('acknowledge', c.dueAcknowledgeAt, c.acknowledgedAt),
      ],
    };
  };

  it('is the earliest clock not yet met', () => {
    expect(nextDueAt(clocks())!.toISOString()).toBe('2026-11-02T04:00:00.000Z');
    expect(nextDueAt(clocks({ acknowledgedAt: at('2026-11-02T03:30:00Z') }))!.toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });

  it('drops the met ones and has nothing for a finished case', () => {
    const met = clocks({ acknowledgedAt: at('2026-11-02T03:00:00Z'), firstRepliedAt: at('2026-11-02T05:00:00Z'), resolvedAt: at('2026-11-10T00:00:00Z'), dueStageAt: null });
    expect(pendingClocks(met)).toEqual([]);
    expect(nextDueAt(met)).toBeNull();
    expect(nextDueAt(clocks({ status: 'closed' }))).toBeNull();
  });
});
