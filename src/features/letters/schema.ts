import { documentRoute, IdParams } from '../../http/openapi';
import { LetterSchema } from '../../http/schemas/letters';
import { z } from '../../lib/zod';
import { LETTER_CHANNELS, LETTER_KINDS, LETTER_LOCALES } from '../../models/Letter';

const kind = z.enum(LETTER_KINDS).openapi({
  description: 'acknowledgment, first_reply (thư trả lời), invitation (giấy mời), resolution (fixed and pending items), second_round, time_barred, closure (with the satisfaction request), receipt (phiếu tiếp nhận, a complaint taken in person)',
});
const locale = z.enum(LETTER_LOCALES);
const instant = z.string().datetime({ offset: true });

/** API.md: `{template, channel, locale?}`, with the invitation's meeting and, for post or in person, when it was handed over. */
export const IssueLetterBody = z
  .object({
    template: kind,
    channel: z.enum(LETTER_CHANNELS).openapi({ description: '`email` goes through the outbox with the PDF attached (the customer needs an address); `post` and `in_person` record who handed it over and when' }),
    locale: locale.optional().openapi({ description: 'Default `vi`' }),
    meeting: z
      .object({ at: instant, place: z.string().trim().min(1).max(300) })
      .strict()
      .nullable()
      .optional()
      .openapi({ description: 'The invitation (giấy mời): when and where to meet. Required for `invitation`' }),
    handedOverAt: instant.nullable().optional().openapi({ description: 'Post / in person: when it was handed over (default: now)' }),
  })
  .strict()
  .openapi('IssueLetter');

export const TemplateParams = z.object({ kind, locale }).strict();

export const SaveTemplateBody = z
  .object({
    source: z.string().max(50_000).openapi({ description: 'Handlebars (strict, no HTML) writing the letter markup: `# ` title, `## ` heading, `- ` item, `> ` set-apart line, blank line between paragraphs' }),
    version: z.number().int().nonnegative().optional().openapi({ description: 'The current version you edited: a later one saved meanwhile is 409' }),
  })
  .strict()
  .openapi('SaveLetterTemplate');

export const LetterTemplateSchema = z
  .object({ id: z.string().uuid(), kind, locale, version: z.number().int(), source: z.string(), createdBy: z.string().uuid().nullable(), createdAt: z.string() })
  .openapi('LetterTemplate');

const pdf = { status: 200, contentType: 'application/pdf', schema: z.string().openapi({ format: 'binary' }) };

documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/letters', summary: 'Issue a letter: rendered to PDF, stored (SHA-256, template version), immutable; by e-mail through the outbox with the PDF attached. A first reply, invitation or resolution letter meets the 48-hour first-reply clock', tags: ['Letters'], params: IdParams, body: IssueLetterBody, response: { status: 201, schema: LetterSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/complaints/{id}/letters/preview', summary: 'The letter as it would be issued now, as a PDF: nothing stored', tags: ['Letters'], params: IdParams, body: IssueLetterBody, response: { ...pdf, description: 'The letter, shown inline' }, problems: [403, 404, 409] });
documentRoute({ method: 'get', path: '/api/v1/letters/{id}/pdf', summary: "An issued letter's PDF (readers of the case)", tags: ['Letters'], params: IdParams, response: { ...pdf, description: 'The stored bytes, named <kind>_<reference>.pdf' }, problems: [403, 404] });
documentRoute({ method: 'get', path: '/api/v1/letter-templates', summary: 'Every letter template (kind × locale) at its current version (sysadmin)', tags: ['Letters'], response: { status: 200, schema: z.object({ items: z.array(LetterTemplateSchema) }) }, problems: [403] });
documentRoute({ method: 'get', path: '/api/v1/letter-templates/{kind}/{locale}', summary: "A template's versions, newest first (sysadmin)", tags: ['Letters'], params: TemplateParams, response: { status: 200, schema: z.object({ items: z.array(LetterTemplateSchema) }) }, problems: [403] });
documentRoute({ method: 'post', path: '/api/v1/letter-templates/{kind}/{locale}', summary: 'Save a new version of a template (sysadmin); one that does not compile is 400 naming the line', tags: ['Letters'], params: TemplateParams, body: SaveTemplateBody, response: { status: 201, schema: LetterTemplateSchema }, problems: [403, 409] });
