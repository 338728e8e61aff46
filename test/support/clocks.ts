import type { ClockKind } from '../../src/domain/clocks';
import { CaseClock, type Complaint } from '../../src/models';

/** The stored clock of `kind` of a case (case_clocks). */
export async function storedClock(complaintId: string, kind: ClockKind): Promise<CaseClock> {
  const row = await CaseClock.findOne({ where: { complaintId, kind } });
  if (!row) throw new Error(`No ${kind} clock for complaint ${complaintId}`);
  return row;
}

/** The clock of `kind` among a complaint's loaded clocks (as intake and the commands return it). */
export function loadedClock(complaint: Complaint, kind: ClockKind): CaseClock {
  const row = complaint.clocks?.find((c) => c.kind === kind);
  if (!row) throw new Error(`No ${kind} clock loaded on complaint ${complaint.id}`);
  return row;
}
