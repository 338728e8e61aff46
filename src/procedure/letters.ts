/**
 * The capability "letters" (issue 10): letters issued to the customer, stored and immutable
 * (src/commands/letters.ts). Its guards are PRODUCT.md's "the time-barred letter issued" (intake →
 * closed as time-barred) and "the resolution letter (round 1) or second-round letter (round 2)
 * issued" (response → follow_up), read from the kinds and rounds of the case's letters. It adds
 * the case's letters, with their delivery, to the case detail, and the correspondence with every
 * letter's PDF to the dossier.
 */
import { lettersDossier } from '../letters/dossier';
import { fieldError } from '../lib/errors';
import type { LetterKind } from '../models/Letter';
import { caseLetters, issuedLetterKinds } from '../queries/letters';
import type { Capability } from './types';

export interface LettersFacts {
  /** The kind and round of every letter issued on the case. */
  issuedLetters: ReadonlyArray<{ kind: LetterKind; round: number }>;
}

const issued = (f: LettersFacts, kind: LetterKind, round?: number) => f.issuedLetters.some((l) => l.kind === kind && (round === undefined || l.round === round));

export const letters: Capability<LettersFacts> = {
  name: 'letters',
  issue: 10,
  facts: async ({ complaint }) => ({ issuedLetters: await issuedLetterKinds(complaint.id) }),
  guards: {
    timeBarredLetter: (f) => (issued(f, 'time_barred') ? [] : [fieldError('letters', 'workflow.missing.timeBarredLetter')]),
    resolutionLetter: (f) =>
      f.round >= 2
        ? issued(f, 'second_round', f.round) ? [] : [fieldError('letters', 'workflow.missing.secondRoundLetter')]
        : issued(f, 'resolution', f.round) ? [] : [fieldError('letters', 'workflow.missing.resolutionLetter')],
  },
  detail: { letters: ({ complaint }) => caseLetters(complaint.id) },
  dossier: { letters: lettersDossier },
  abilities: [
    { action: 'create', subject: 'Letter' },
    { action: 'read', subject: 'Letter' },
  ],
};
