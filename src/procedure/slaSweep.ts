/**
 * The capability "SLA sweep" (issue 12): the `sla-sweep` job (src/jobs/slaSweepJob.ts, registered
 * with the platform's jobs in src/jobs/scheduler.ts) records each level a clock reaches — 80 %,
 * 100 %, 150 % of its measured time — once, with who held the case and in which stage. It guards
 * no step; its detail `slaBreaches` lists the case's breaches, the latest first.
 */
import { breachesOf } from '../queries/slaBreaches';
import type { Capability } from './types';

export interface SlaBreachJson {
  id: string;
  level: 80 | 100 | 150;
  clock: string;
  stage: string;
  dueAt: string;
  reachedAt: string;
  detectedAt: string;
  heldBy: { id: string; name: string } | null;
  department: string | null;
}

export const slaSweep: Capability<Record<never, never>> = {
  name: 'SLA sweep',
  issue: 12,
  facts: () => ({}),
  guards: {},
  detail: {
    slaBreaches: async ({ complaint }): Promise<SlaBreachJson[]> =>
      (await breachesOf(complaint.id)).map((b) => ({
        id: b.id,
        level: b.level,
        clock: b.clockKind,
        stage: b.stage,
        dueAt: new Date(b.dueAt).toISOString(),
        reachedAt: new Date(b.reachedAt).toISOString(),
        detectedAt: new Date(b.detectedAt).toISOString(),
        heldBy: b.assigneeId ? { id: b.assigneeId, name: b.assigneeName ?? '' } : null,
        department: b.departmentName,
      })),
  },
  abilities: [],
};
