import type { LegalClocks } from './deadlines';
import { FINISHED, type Stage } from './workflow';

/**
 * A case's clocks as data (docs/ARCHITECTURE.md "Clocks"): one `case_clocks` row per kind and
 * case — when it started, when it is due, when it was met, met or missed, how long it was paused,
 * what set it. A new clock is a new kind here, a `clock.name.<kind>` label, and the commands that
 * start and meet it; no migration, no new column. The due times themselves are computed by
 * `deadlines.ts`; this module only says what the rows mean.
 *
 * Kind names are the project's clock names: `clock.name.<kind>` labels them, `due.<kind>At` is
 * the API field of the five kinds below, `clock-<kind>` the case page's row.
 */
/** `report`: the regulatory report's deadline (src/commands/regulatory.ts): started when a review is submitted, rescheduled by the CEO's decision, met when filed. */
export const CLOCK_KINDS = ['acknowledge', 'firstReply', 'resolution', 'stage', 'negotiationStart', 'report'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export function isClockKind(kind: string): kind is ClockKind {
  return (CLOCK_KINDS as readonly string[]).includes(kind);
}

/**
 * What each kind is, for the commands that move clocks. Only the stage SLA pauses while the case
 * is on hold; the legal and promised limits never pause (PRODUCT.md).
 */
export const CLOCK_RULES: Readonly<Record<ClockKind, { pausesOnHold: boolean }>> = {
  acknowledge: { pausesOnHold: false },
  firstReply: { pausesOnHold: false },
  resolution: { pausesOnHold: false },
  stage: { pausesOnHold: true },
  negotiationStart: { pausesOnHold: false },
  report: { pausesOnHold: false },
};

/** `not_needed`: the clock stopped because what it waited for is no longer due (a `no_report` decision stops the report clock). */
export type ClockOutcome = 'met' | 'missed' | 'not_needed';
export const CLOCK_OUTCOMES: readonly ClockOutcome[] = ['met', 'missed', 'not_needed'];

/** One clock as the rules see it: the fields of a `case_clocks` row. */
export interface ClockState {
  kind: ClockKind;
  startedAt: Date;
  /** Null while it has no deadline: a running stage clock is paused (the case is on hold). */
  dueAt: Date | null;
  /** When the act it waits for happened (the acknowledgment, the first reply, leaving the stage…). */
  metAt: Date | null;
  /**
   * Null while the clock runs. Set once it stops: `met` (by its due time), `missed` (met late, or
   * never met when the case finished).
   */
  outcome: ClockOutcome | null;
  /** Time spent on hold while it ran (whole minutes; closed holds only). */
  pausedMinutes: number;
  /** The action that set its due time: `complaint.created`, `complaint.transitioned`, … */
  setBy: string;
}

/** The action that starts the intake clocks (`set_by`). */
export const SET_AT_INTAKE = 'complaint.created';

export const isRunning = (c: Pick<ClockState, 'outcome'>): boolean => c.outcome === null;

/** Met at `at` against `dueAt`: on time up to and including the due instant. */
export function outcomeOf(dueAt: Date | null, at: Date): ClockOutcome {
  return dueAt === null || at.getTime() <= dueAt.getTime() ? 'met' : 'missed';
}

/** The clocks intake starts: the acknowledgment (the intake stage's SLA), the legal limits, and the stage clock. */
export function intakeClocks(
  receivedAt: Date,
  acknowledgeDueAt: Date,
  legal: Pick<LegalClocks, 'firstReplyAt' | 'resolutionAt' | 'negotiationStartAt'>,
): ClockState[] {
  const start = (kind: ClockKind, dueAt: Date): ClockState => ({ kind, startedAt: receivedAt, dueAt, metAt: null, outcome: null, pausedMinutes: 0, setBy: SET_AT_INTAKE });
  return [
    start('acknowledge', acknowledgeDueAt),
    start('firstReply', legal.firstReplyAt),
    start('resolution', legal.resolutionAt),
    start('stage', acknowledgeDueAt),
    ...(legal.negotiationStartAt ? [start('negotiationStart', legal.negotiationStartAt)] : []),
  ];
}

const rank = (kind: string) => {
  const i = (CLOCK_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? CLOCK_KINDS.length : i;
};

/** A case with its clock rows (a Complaint with its `clocks` loaded fits). */
export interface ClockedCase {
  status: Stage;
  clocks: readonly ClockState[];
}

/**
 * Each running clock with a due time, in the order of CLOCK_KINDS (so of two clocks due at the same
 * instant the acknowledgment comes before the stage SLA). Nothing for a finished case.
 */
export function pendingClocks(c: ClockedCase): Array<{ clock: ClockKind; due: Date }> {
  if (FINISHED.includes(c.status)) return [];
  return [...c.clocks]
    .filter((k) => isRunning(k) && k.dueAt !== null)
    .sort((a, b) => rank(a.kind) - rank(b.kind))
    .map((k) => ({ clock: k.kind, due: k.dueAt! }));
}

/** The earliest pending deadline: stored as `complaints.next_due_at`, the queue sorts by it and `overdue` compares it with now. */
export function nextDueAt(c: ClockedCase): Date | null {
  const pending = pendingClocks(c);
  if (pending.length === 0) return null;
  return new Date(Math.min(...pending.map((p) => p.due.getTime())));
}

/**
 * The API's `due.*`: each clock's due time, met or not; the stage clock's only while it runs
 * (none on hold, none once the case has left its last stage with an SLA). Null for a kind the
 * case does not have (the negotiation start of an organisation).
 */
export function dueTimes(clocks: readonly ClockState[]): Record<ClockKind, Date | null> {
  const due = Object.fromEntries(CLOCK_KINDS.map((k) => [k, null])) as Record<ClockKind, Date | null>;
  for (const c of clocks) {
    if (!isClockKind(c.kind)) continue;
    due[c.kind] = c.kind === 'stage' && !isRunning(c) ? null : c.dueAt;
  }
  return due;
}
