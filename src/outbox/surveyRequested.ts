import { DEFAULT_LANG, isLang, translator } from '../lib/i18n';
import { formatDateTime } from '../lib/dates';
import { z } from '../lib/zod';
import { registerOutboxKind } from './kinds';
import type { Effect } from './outbox';

export const SURVEY_REQUESTED = 'survey.requested';

/**
 * The facts the satisfaction request needs. The token is the link's secret: it exists in clear
 * only here (the invitation keeps its SHA-256), and disposal purges the payload with the case.
 */
const Payload = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  customerName: z.string(),
  expiresAt: z.string(),
  locale: z.string().optional(),
});
type Payload = z.infer<typeof Payload>;

/** The e-mail of one invitation: one per case ever (cause = the case), to the customer's address. */
export function surveyRequestedEffect(
  invitation: { complaintId: string; token: string; expiresAt: Date; locale: string },
  customer: { name: string; email: string },
): Effect {
  const payload: Payload = { token: invitation.token, customerName: customer.name, expiresAt: invitation.expiresAt.toISOString(), locale: invitation.locale };
  return { kind: SURVEY_REQUESTED, cause: invitation.complaintId, recipient: customer.email, complaintId: invitation.complaintId, payload };
}

/** The path of the public page for a token (PUBLIC_URL is prepended in the e-mail). */
export const surveyPath = (token: string): string => `/survey/${token}`;

registerOutboxKind(SURVEY_REQUESTED, {
  render(raw, { timezone, senderName, reference, publicUrl }) {
    const p = Payload.parse(raw);
    if (!reference) throw new Error("survey.requested needs the entry's reference");
    const lang = isLang(p.locale) ? p.locale : DEFAULT_LANG;
    const t = translator(lang);
    const values = {
      reference,
      name: p.customerName,
      link: `${publicUrl}${surveyPath(p.token)}${lang === DEFAULT_LANG ? '' : `?lang=${lang}`}`,
      expiresAt: formatDateTime(p.expiresAt, timezone, lang),
      sender: senderName,
    };
    return { subject: t('mail.surveyRequested.subject', values), text: t('mail.surveyRequested.body', values), toName: p.customerName };
  },
});
