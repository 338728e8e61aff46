import { DEFAULT_LANG, isLang, translator } from '../lib/i18n';
import { z } from '../lib/zod';
import { renderNotice } from '../notifications/render';
import { registerOutboxKind } from './kinds';

export const NOTIFICATION_MAIL = 'notification.created';

/** What `notify()` (src/notifications/notify.ts) stores with the e-mail of a notification. */
const Payload = z.object({
  kind: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  link: z.string().nullable(),
  locale: z.string().nullable().optional(),
});

/**
 * A notification by e-mail: the same title and text as in the app (src/notifications/render.ts),
 * in the recipient's language, with the absolute link (PUBLIC_URL) to where the work waits.
 */
registerOutboxKind(NOTIFICATION_MAIL, {
  render(raw, { senderName, publicUrl, timezone }) {
    const p = Payload.parse(raw);
    const lang = isLang(p.locale) ? p.locale : DEFAULT_LANG;
    const t = translator(lang);
    const { title, body } = renderNotice(p.kind, p.params, lang, timezone);
    const lines = [body];
    if (p.link) lines.push('', `${t('notification.mail.open')}: ${publicUrl}${p.link}`);
    lines.push('', t('notification.mail.footer', { sender: senderName }));
    return { subject: `[Casebook] ${title}`, text: lines.join('\n') };
  },
});
