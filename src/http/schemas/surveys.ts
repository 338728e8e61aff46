import { z } from '../../lib/zod';

/** The case's satisfaction survey, as GET /complaints/:id shows it (`survey`): the invitation and the customer's answer. */
export const CaseSurveySchema = z
  .object({
    invitedAt: z.string().openapi({ description: 'When the personal link was made (72 hours after closure)' }),
    expiresAt: z.string().openapi({ description: 'When the link stops taking an answer (14 days after the invitation)' }),
    usedAt: z.string().nullable(),
    open: z.boolean().openapi({ description: 'Neither answered nor expired: the archive-sealing job waits for it' }),
    answer: z
      .object({
        rating: z.number().int().min(1).max(5),
        comment: z.string(),
        answeredAt: z.string(),
        archiveId: z.string().uuid().nullable().openapi({ description: 'The case\'s archive, when the answer arrived after the case was sealed' }),
      })
      .nullable(),
  })
  .openapi('CaseSurvey', { description: 'The satisfaction survey of a closed case; null when its customer was never invited' });
