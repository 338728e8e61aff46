import { z } from '../../lib/zod';

/** One level a clock of the case reached (the SLA sweep, src/jobs/slaSweepJob.ts), as GET /complaints/:id lists it (`slaBreaches`). */
export const SlaBreachSchema = z
  .object({
    id: z.string().uuid(),
    level: z.union([z.literal(80), z.literal(100), z.literal(150)]).openapi({ description: '80: near breach; 100: breach (the due time); 150: escalated' }),
    clock: z.string().openapi({ description: 'The clock kind: acknowledge, firstReply, resolution, stage, negotiationStart, report' }),
    stage: z.string().openapi({ description: "The case's status when the level was detected" }),
    dueAt: z.string().openapi({ description: "The clock's due time then" }),
    reachedAt: z.string().openapi({ description: 'When the level was reached (80 %/150 % of the measured time: business hours on business-hour calendars)' }),
    detectedAt: z.string().openapi({ description: 'When the sweep recorded it' }),
    heldBy: z.object({ id: z.string().uuid(), name: z.string() }).nullable().openapi({ description: 'The assignee then; null when nobody was assigned' }),
    department: z.string().nullable().openapi({ description: "The assignee's department then" }),
  })
  .openapi('SlaBreach');
