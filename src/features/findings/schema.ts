import { documentRoute, IdParams } from '../../http/openapi';
import { FindingSchema } from '../../http/schemas/findings';
import { z } from '../../lib/zod';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => v || null);

/** API.md: `{substantiated, rootCause, recurring?, responsibleDepartment?, responsiblePerson?, disciplinaryMeasure?}`, and the reason why there is no evidence. */
export const RecordFindingsBody = z
  .object({
    substantiated: z.boolean().openapi({ description: 'Có cơ sở (true) or không có cơ sở (false)' }),
    rootCause: z.string().trim().min(1).max(5000).openapi({ description: 'Nguyên nhân gốc' }),
    recurring: z.boolean().optional().openapi({ description: "Default: what intake's recurrence detection found" }),
    recurringWith: z.array(z.string().uuid()).max(50).optional().openapi({ description: 'Ids of the earlier entries it recurs with; default: those intake found' }),
    responsibleDepartment: z.string().trim().max(100).nullable().optional().openapi({ description: "A department's id or code; required when substantiated" }),
    responsibleUserId: z.string().uuid().nullable().optional(),
    responsiblePerson: optionalText(200),
    disciplinaryMeasure: optionalText(2000),
    noEvidenceReason: optionalText(2000).openapi({ description: 'Why there is no evidence, when there is none (the step to solution needs evidence or this reason)' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    // Said with the other fields' errors, not after them (the command checks it again, with the department's existence).
    if (v.substantiated && !v.responsibleDepartment?.trim())
      ctx.addIssue({ code: 'custom', path: ['responsibleDepartment'], message: 'A substantiated complaint names the responsible department.', params: { key: 'findings.errors.departmentRequired' } });
  })
  .openapi('RecordFindings');

documentRoute({
  method: 'post',
  path: '/api/v1/complaints/{id}/findings',
  summary: 'Record the findings of the investigation (a new version superseding the current one)',
  tags: ['Findings'],
  params: IdParams,
  body: RecordFindingsBody,
  response: { status: 201, schema: FindingSchema },
  problems: [403, 404, 409],
});
