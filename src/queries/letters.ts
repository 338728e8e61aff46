import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';
import type { Letterhead } from '../letters/context';
import { Letter, Setting, User } from '../models';
import { presentLetter, type LetterDelivery, type LetterJson } from '../presenters/letters';
import { organisationName } from './meetings';

/**
 * The letterhead setting; before the sysadmin sets one, the organisation's name (if a setting
 * names it) and Hà Nội as the city of the date line.
 */
export async function readLetterhead(): Promise<Letterhead> {
  const stored = await Setting.findByPk('letterhead');
  const v = (stored?.value ?? null) as Partial<Letterhead> | null;
  if (v && typeof v === 'object') {
    return { organisationName: v.organisationName ?? '', address: v.address ?? '', phone: v.phone ?? '', email: v.email ?? '', city: v.city ?? '' };
  }
  return { organisationName: (await organisationName()) ?? '', address: '', phone: '', email: '', city: 'Hà Nội' };
}

/** The bytes of a letter's PDF (content-addressed), or null. */
export async function letterPdfBytes(sha256: string): Promise<Buffer | null> {
  const rows = await sequelize().query<{ bytes: Buffer }>('SELECT bytes FROM letter_pdfs WHERE sha256 = $1', { bind: [sha256.trim()], type: QueryTypes.SELECT });
  return rows[0]?.bytes ?? null;
}

async function present(rows: readonly Letter[]): Promise<LetterJson[]> {
  const userIds = [...new Set(rows.flatMap((l) => [l.authorId, l.handedOverBy]).filter((x): x is string => Boolean(x)))];
  const outboxIds = rows.map((l) => l.outboxId).filter((x): x is string => Boolean(x));
  const [users, deliveries] = await Promise.all([
    userIds.length ? User.findAll({ where: { id: userIds }, attributes: ['id', 'name'] }) : [],
    outboxIds.length
      ? sequelize().query<{ id: string; status: string; attempts: number; last_error: string | null }>(
          'SELECT id, status, attempts, last_error FROM outbox WHERE id = ANY($1::uuid[])',
          { bind: [outboxIds], type: QueryTypes.SELECT },
        )
      : [],
  ]);
  const names = { users: new Map(users.map((u) => [u.id, u.name])) };
  const byOutbox = new Map<string, LetterDelivery>(deliveries.map((d) => [d.id, { status: d.status, attempts: d.attempts, lastError: d.last_error }]));
  return rows.map((l) => presentLetter(l, names, l.outboxId ? (byOutbox.get(l.outboxId) ?? null) : null));
}

/** A case's letters, newest first, with their delivery. */
export async function caseLetters(complaintId: string): Promise<LetterJson[]> {
  return present(await Letter.findAll({ where: { complaintId }, order: [['issuedAt', 'DESC'], ['id', 'DESC']] }));
}

export async function presentOneLetter(letter: Letter): Promise<LetterJson> {
  return (await present([letter]))[0];
}

/** The kind and round of each letter of the case (the letters capability's facts). */
export async function issuedLetterKinds(complaintId: string): Promise<Array<{ kind: Letter['kind']; round: number }>> {
  const rows = await Letter.findAll({ where: { complaintId }, attributes: ['kind', 'round'] });
  return rows.map((r) => ({ kind: r.kind, round: r.round }));
}
