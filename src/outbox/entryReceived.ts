import { DateTime } from 'luxon';
import { formatDateTime } from '../lib/dates';
import { DEFAULT_LANG, isLang, translator } from '../lib/i18n';
import { z } from '../lib/zod';
import { registerOutboxKind } from './kinds';
import type { Effect } from './outbox';
import { recordAcknowledgmentSent } from '../commands/acknowledgment';

export const ENTRY_RECEIVED = 'entry.received';

/** The facts the acknowledgment needs, stored with the effect at intake. */
const Payload = z.object({
  /** The entry's own reference is used when the row names the entry (it does at intake). */
  reference: z.string().optional(),
  subject: z.string(),
  customerName: z.string(),
  receivedAt: z.string(),
  firstReplyAt: z.string(),
  locale: z.string().optional(),
});
type Payload = z.infer<typeof Payload>;

/**
 * The acknowledgment of PRODUCT.md stage 1, sent automatically when the customer has an e-mail
 * address: the reference, the subject, when it was received (in the organisation's zone) and the
 * 48-hour first-reply promise. One per (entry, address). Intake records it before it takes the
 * number, so the reference is not in the payload: the worker reads the entry's at delivery.
 */
export function entryReceivedEffect(entry: { id: string; subject: string; receivedAt: Date; dueFirstReplyAt: Date }, customer: { name: string; email: string }): Effect {
  const payload: Payload = {
    subject: entry.subject,
    customerName: customer.name,
    receivedAt: entry.receivedAt.toISOString(),
    firstReplyAt: entry.dueFirstReplyAt.toISOString(),
    locale: DEFAULT_LANG,
  };
  return { kind: ENTRY_RECEIVED, cause: entry.id, recipient: customer.email, complaintId: entry.id, payload };
}

/** "02/11/2026 10:00 (UTC+7)": the wall-clock time in the zone, and which zone. */
function when(iso: string, zone: string, lang: string): string {
  return `${formatDateTime(iso, zone, lang)} (${DateTime.fromISO(iso, { zone }).toFormat("'UTC'Z")})`;
}

registerOutboxKind(ENTRY_RECEIVED, {
  render(raw, { timezone, senderName, reference }) {
    const p = Payload.parse(raw);
    const ref = reference ?? p.reference;
    if (!ref) throw new Error('entry.received needs the entry\'s reference');
    const lang = isLang(p.locale) ? p.locale : DEFAULT_LANG;
    const t = translator(lang);
    const values = {
      reference: ref,
      subject: p.subject,
      name: p.customerName,
      receivedAt: when(p.receivedAt, timezone, lang),
      firstReplyAt: when(p.firstReplyAt, timezone, lang),
      sender: senderName,
    };
    return { subject: t('mail.entryReceived.subject', values), text: t('mail.entryReceived.body', values), toName: p.customerName };
  },
  // Sent is acknowledged: the entry records the e-mail and its time.
  async onSent({ id, complaintId, sentAt }) {
    if (complaintId) await recordAcknowledgmentSent(complaintId, sentAt, id);
  },
});
