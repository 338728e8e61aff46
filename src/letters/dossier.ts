/**
 * The letters capability's part of the dossier (the dispute file, src/dossier/disputeFile.ts): the
 * correspondence — every letter issued to the customer, its kind, round, channel, who issued it
 * and when, how it went out, its SHA-256 — and every letter's PDF under letters/, read from
 * `letter_pdfs` when its turn comes.
 */
import { Readable } from 'node:stream';
import { wordsFor } from '../dossier/text';
import type { DossierBlock, DossierContext, DossierContribution, DossierFile } from '../procedure/types';
import { caseLetters, letterPdfBytes } from '../queries/letters';

export async function lettersDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const letters = (await caseLetters(ctx.complaint.id)).reverse();
  const blocks: DossierBlock[] = letters.length
    ? [
        {
          kind: 'table',
          columns: ['#', t('letters.col.kind'), t('letters.col.channel'), t('letters.col.author'), t('letters.col.delivery'), 'SHA-256'],
          widths: [0.05, 0.2, 0.13, 0.2, 0.2, 0.22],
          rows: letters.map((l, i) => [
            String(i + 1),
            `${t(`letters.kind.${l.template}`)} (${t('letters.roundN', { round: l.round })}, ${l.locale})`,
            w.label('enum.contactChannel', l.channel),
            w.byAt(l.author.name, l.issuedAt),
            l.sentAt ? t('letters.sentAt', { at: w.at(l.sentAt) }) : t(`letters.delivery.${l.delivery?.status ?? 'queued'}`),
            l.sha256,
          ]),
        },
      ]
    : [{ kind: 'note', text: t('letters.none') }];
  const files: DossierFile[] = letters.map((l, i) => ({
    folder: 'letters',
    name: `${String(i + 1).padStart(2, '0')}_${l.template}_${ctx.complaint.reference}.pdf`,
    sha256: l.sha256,
    size: l.size,
    open: async () => {
      const bytes = await letterPdfBytes(l.sha256);
      if (!bytes) throw new Error(`Letter ${l.id} names PDF ${l.sha256}, which is not stored`);
      return Readable.from([bytes]);
    },
  }));
  return { sections: [{ order: 80, title: t('letters.dossier.title'), blocks }], files };
}
