/**
 * A letter issued by e-mail (src/commands/letters.ts): the outbox row holds the letter's id only —
 * never the PDF's bytes or the letter's text. At delivery the message says which letter it is and
 * attaches the PDF read from `letter_pdfs`; once sent, the letter records its `sentAt`.
 */
import { DEFAULT_LANG, isLang, translator } from '../lib/i18n';
import { z } from '../lib/zod';
import { Complaint, Letter } from '../models';
import { letterPdfBytes } from '../queries/letters';
import { registerOutboxKind } from './kinds';
import type { Effect } from './outbox';

export const LETTER_ISSUED = 'letter.issued';

const Payload = z.object({ letterId: z.string().uuid(), kind: z.string(), locale: z.string() });
type Payload = z.infer<typeof Payload>;

/** The effect recorded in the letter's own transaction. */
export function letterIssuedEffect(letter: { id: string; kind: string; locale: string; complaintId: string }, recipient: string): Effect {
  const payload: Payload = { letterId: letter.id, kind: letter.kind, locale: letter.locale };
  return { kind: LETTER_ISSUED, cause: letter.id, recipient, complaintId: letter.complaintId, payload };
}

/** "thu-tra-loi_KN-2026-000012.pdf": the attachment's name, nothing a user typed. */
export function letterFileName(kind: string, reference: string): string {
  return `${kind.replace(/[^a-z_]/g, '')}_${reference.replace(/[^A-Za-z0-9-]/g, '')}.pdf`;
}

/** Sets the letter's `sentAt` once the outbox delivered it (audited `letter.sent`), in the worker's transaction. */
export async function recordLetterSent(outboxId: string, sentAt: Date): Promise<void> {
  const letter = await Letter.findOne({ where: { outboxId }, lock: true });
  if (!letter || letter.sentAt) return;
  letter.sentAt = sentAt;
  await letter.save({ auditAction: 'letter.sent', auditMeta: { outboxId } } as object);
}

registerOutboxKind(LETTER_ISSUED, {
  render(raw, { senderName, reference }) {
    const p = Payload.parse(raw);
    const t = translator(isLang(p.locale) ? p.locale : DEFAULT_LANG);
    const values = { reference: reference ?? '', letter: t(`letters.kind.${p.kind}`), sender: senderName };
    return { subject: t('letters.mail.subject', values), text: t('letters.mail.body', values) };
  },
  async attachments(raw) {
    const p = Payload.parse(raw);
    const letter = await Letter.findByPk(p.letterId, { transaction: null });
    if (!letter) throw new Error(`Letter ${p.letterId} is not stored`);
    const [bytes, complaint] = await Promise.all([letterPdfBytes(letter.sha256), Complaint.findByPk(letter.complaintId, { attributes: ['reference'], transaction: null })]);
    if (!bytes) throw new Error(`The PDF of letter ${p.letterId} is not stored`);
    return [{ filename: letterFileName(letter.kind, complaint?.reference ?? letter.id), content: bytes, contentType: 'application/pdf' }];
  },
  async onSent({ id, sentAt }) {
    await recordLetterSent(id, sentAt);
  },
});
