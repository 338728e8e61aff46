import { formatDate } from '../lib/dates';
import { DEFAULT_LANG, isLang, translator } from '../lib/i18n';
import { z } from '../lib/zod';
import { registerOutboxKind } from './kinds';
import type { Effect } from './outbox';

export const RENEWAL_REMINDER = 'renewal.reminder';

/** The facts of the customer's renewal e-mail, stored when the job sends the reminder. */
const Payload = z.object({
  customerName: z.string(),
  service: z.string(),
  serviceKind: z.string(),
  expiresOn: z.string(),
  /** Days from the reminder's day to the expiry: positive before, 0 on the day, negative after. */
  days: z.number().int(),
  locale: z.string().optional(),
});
type Payload = z.infer<typeof Payload>;

/**
 * The care procedure's renewal e-mail to the customer's registered address (Bước 3: "Email thông
 * báo gia hạn" before the expiry, "Email thông báo quá hạn" after it). One per (reminder, address):
 * `cause` is the reminder's (service, expiry date, offset).
 */
export function renewalReminderEffect(cause: string, recipient: string, facts: Omit<Payload, 'locale'>): Effect {
  return { kind: RENEWAL_REMINDER, cause, recipient, complaintId: null, payload: { ...facts, locale: DEFAULT_LANG } };
}

registerOutboxKind(RENEWAL_REMINDER, {
  render(raw, { timezone, senderName }) {
    const p = Payload.parse(raw);
    const lang = isLang(p.locale) ? p.locale : DEFAULT_LANG;
    const t = translator(lang);
    const phase = p.days > 0 ? 'before' : p.days === 0 ? 'today' : 'after';
    const values = {
      name: p.customerName,
      service: p.service,
      kind: t(`enum.serviceKind.${p.serviceKind}`),
      expiresOn: formatDate(p.expiresOn, timezone, lang),
      days: Math.abs(p.days),
      count: Math.abs(p.days),
      sender: senderName,
    };
    const status = t(`mail.renewalReminder.status.${phase}`, values);
    return {
      subject: t(`mail.renewalReminder.subject.${phase}`, values),
      text: t('mail.renewalReminder.body', { ...values, status }),
      toName: p.customerName,
    };
  },
});
