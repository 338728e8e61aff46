import type { Letter } from '../models';

/** The outbox row carrying an e-mailed letter, as the case shows its delivery. */
export interface LetterDelivery {
  status: string;
  attempts: number;
  lastError: string | null;
}

export interface LetterNames {
  users: ReadonlyMap<string, string>;
}

const person = (names: LetterNames, id: string | null) => (id ? { id, name: names.users.get(id) ?? '' } : null);

/**
 * One issued letter as the case detail lists it (`letters` of GET /complaints/:id) and the letters
 * panel shows it: kind, channel, who and when, its hash, and how it went out (the outbox's status
 * and error for e-mail; who handed it over and when for post and in person).
 */
export function presentLetter(l: Letter, names: LetterNames, delivery: LetterDelivery | null) {
  return {
    id: l.id,
    complaintId: l.complaintId,
    template: l.kind,
    locale: l.locale,
    round: l.round,
    templateVersion: l.templateVersion,
    channel: l.channel,
    recipient: l.recipient,
    meeting: l.meeting,
    sha256: l.sha256.trim(),
    size: l.size,
    author: person(names, l.authorId)!,
    issuedAt: l.issuedAt.toISOString(),
    sentAt: l.sentAt?.toISOString() ?? null,
    handedOverBy: person(names, l.handedOverBy),
    handedOverAt: l.handedOverAt?.toISOString() ?? null,
    delivery,
    pdfUrl: `/api/v1/letters/${l.id}/pdf`,
  };
}
export type LetterJson = ReturnType<typeof presentLetter>;

/** How an issued letter went out, as the panel words it: a locale key and the badge it wears. */
function deliveryState(l: LetterJson): { key: string; badge: string } {
  if (l.channel !== 'email') return { key: `letters.delivery.${l.channel}`, badge: 'sent' };
  if (l.sentAt) return { key: 'letters.delivery.sent', badge: 'sent' };
  const status = l.delivery?.status ?? 'queued';
  return { key: `letters.delivery.${status}`, badge: status === 'failed' ? 'failed' : 'pending' };
}

/**
 * The case page's letters panel (views/partials/letters-panel.hbs): the issued letters, newest
 * first, with their delivery, and the kinds this reader may issue (empty: no form).
 */
export function lettersPanel(letters: readonly LetterJson[], options: { complaintId: string; archived: boolean; customerHasEmail: boolean; kinds: readonly string[] }) {
  return {
    complaintId: options.complaintId,
    letters: letters.map((l) => ({ ...l, shortSha: l.sha256.slice(0, 12), state: deliveryState(l) })),
    canIssue: !options.archived && options.kinds.length > 0,
    kinds: options.kinds,
    customerHasEmail: options.customerHasEmail,
  };
}
