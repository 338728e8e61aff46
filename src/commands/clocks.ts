import { NO_MARKS, wallMarks, type ClockMarks } from '../domain/clockMarks';
import { CLOCK_RULES, isRunning, nextDueAt, outcomeOf, type ClockKind } from '../domain/clocks';
import { CaseClock, type Complaint } from '../models';

/**
 * A case's clock rows inside a command's transaction. The command has locked the complaint,
 * which serialises every change to its clocks. Changes stay on the rows until `save()` writes
 * each changed one (an audited INSERT or UPDATE) and brings `complaint.nextDueAt` — the queue's
 * sort key — up to date; the command then saves the complaint.
 *
 * Every change of a due time also sets the clock's SLA marks (`warnAt` 80 %, `escalateAt` 150 %
 * of its measured time, src/domain/clockMarks.ts), which the SLA sweep scans: a command that
 * knows how the clock is measured (a stage SLA in business hours, a working-day limit) passes
 * `marks` computed with `clockMarks`; without them the marks are of the wall span, right for the
 * exact-hour and calendar-day clocks.
 */
export class CaseClocks {
  private constructor(
    private readonly complaint: Complaint,
    private readonly rows: Map<ClockKind, CaseClock>,
  ) {}

  static async load(complaint: Complaint): Promise<CaseClocks> {
    const rows = await CaseClock.findAll({ where: { complaintId: complaint.id } });
    return new CaseClocks(complaint, new Map(rows.map((r) => [r.kind, r])));
  }

  get(kind: ClockKind): CaseClock | undefined {
    return this.rows.get(kind);
  }

  /** (Re)starts the clock of `kind` from `startedAt`: the case's one row of that kind counts again. */
  start(kind: ClockKind, startedAt: Date, dueAt: Date, setBy: string, marks: ClockMarks = wallMarks(startedAt, dueAt)): void {
    const values = { startedAt, dueAt, metAt: null, outcome: null, pausedMinutes: 0, setBy, ...marks };
    const row = this.rows.get(kind);
    if (row) row.set(values);
    else this.rows.set(kind, CaseClock.build({ complaintId: this.complaint.id, kind, ...values }));
  }

  /** What the clock waits for happened at `at`: met, on time or late. A stopped clock stays as it was. */
  meet(kind: ClockKind, at: Date): void {
    const row = this.rows.get(kind);
    if (row && isRunning(row)) row.set({ metAt: at, outcome: outcomeOf(row.dueAt, at) });
  }

  /** A new due time (the target changed): a met clock is judged again against it. */
  reschedule(kind: ClockKind, dueAt: Date, setBy: string, marks?: ClockMarks): void {
    const row = this.rows.get(kind);
    if (!row) return;
    row.set({ dueAt, setBy, ...(marks ?? wallMarks(row.startedAt, dueAt, row.pausedMinutes)) });
    if (row.metAt) row.outcome = outcomeOf(dueAt, row.metAt);
  }

  /** The case goes on hold: every running clock of a kind that pauses has no due time until it resumes. */
  pause(setBy: string): void {
    for (const row of this.rows.values()) if (CLOCK_RULES[row.kind]?.pausesOnHold && isRunning(row)) row.set({ dueAt: null, setBy, ...NO_MARKS });
  }

  /** A paused clock runs again: its due time pushed out by the hold, and the hold time it has spent paused. */
  resume(kind: ClockKind, dueAt: Date | null, pausedMinutes: number, setBy: string, marks?: ClockMarks): void {
    const row = this.rows.get(kind);
    if (row && isRunning(row)) row.set({ dueAt, pausedMinutes, setBy, ...(marks ?? wallMarks(row.startedAt, dueAt, pausedMinutes)) });
  }

  /** What the clock waits for is no longer due (a `no_report` decision): it stops, neither met nor missed. */
  stop(kind: ClockKind, setBy: string): void {
    const row = this.rows.get(kind);
    if (row && isRunning(row)) row.set({ outcome: 'not_needed', setBy });
  }

  /** The case finished: a clock still running will never be met, so it is missed. */
  finish(): void {
    for (const row of this.rows.values()) if (isRunning(row)) row.outcome = 'missed';
  }

  /** Writes the changed rows (each with its audit event) and sets the complaint's `nextDueAt` and `clocks`. */
  async save(): Promise<void> {
    const rows = [...this.rows.values()];
    for (const row of rows) if (row.isNewRecord || row.changed()) await row.save();
    this.complaint.nextDueAt = nextDueAt({ status: this.complaint.status, clocks: rows });
    this.complaint.clocks = rows;
  }
}
