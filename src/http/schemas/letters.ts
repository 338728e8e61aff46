import { z } from '../../lib/zod';
import { LETTER_CHANNELS, LETTER_KINDS, LETTER_LOCALES } from '../../models/Letter';

/** One issued letter, as POST …/letters answers and GET /complaints/:id lists it (`letters`). */
export const LetterSchema = z
  .object({
    id: z.string().uuid(),
    complaintId: z.string().uuid(),
    template: z.enum(LETTER_KINDS),
    locale: z.enum(LETTER_LOCALES),
    round: z.number().int(),
    templateVersion: z.number().int().openapi({ description: 'The version of the template the letter was rendered with' }),
    channel: z.enum(LETTER_CHANNELS),
    recipient: z.string().nullable(),
    meeting: z.object({ at: z.string(), place: z.string() }).nullable(),
    sha256: z.string(),
    size: z.number().int(),
    author: z.object({ id: z.string().uuid(), name: z.string() }),
    issuedAt: z.string(),
    sentAt: z.string().nullable().openapi({ description: 'E-mail: null until the outbox delivered it; post, in person, phone: the issue time' }),
    handedOverBy: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
    handedOverAt: z.string().nullable(),
    delivery: z.object({ status: z.string(), attempts: z.number().int(), lastError: z.string().nullable() }).nullable().openapi({ description: "E-mail: the outbox row's status and last error" }),
    pdfUrl: z.string(),
  })
  .openapi('Letter');
