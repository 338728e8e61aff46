/**
 * dossier.pdf of a dispute file: the title block (company, reference, subject, when and by whom it
 * was exported), then every section the capabilities contributed (src/procedure: summary,
 * classification, timeline, findings, meetings, evidence, the regulatory review with its signatures
 * — and actions and letters once they land), in their order, rendered generically from their
 * blocks, then the index of the bundle's files with their SHA-256. Vietnamese; the running header
 * and "Trang n/m" come from `./document.ts`.
 */
import type { Translate } from '../lib/i18n';
import type { DossierBlock, DossierSection } from '../procedure/types';
import { createDocument, finish, type Doc } from './document';
import { fields, heading, innerWidth, note, paragraph, subheading, table, toBuffer } from './layout';

export interface DossierPdfInput {
  reference: string;
  subject: string;
  companyName: string | null;
  /** "dd/MM/yyyy HH:mm" in the organisation's zone, and who exported it. */
  exportedAt: string;
  exportedBy: string;
  sections: readonly DossierSection[];
  /** The files the ZIP carries beside dossier.pdf, as they are named in it. */
  files: ReadonlyArray<{ path: string; size: number; sha256: string }>;
  t: Translate;
}

function block(doc: Doc, b: DossierBlock): void {
  switch (b.kind) {
    case 'fields':
      return fields(doc, b.rows);
    case 'table':
      return table(doc, b.columns, b.rows, b.widths);
    case 'text':
      return paragraph(doc, b.text, b.label);
    case 'subheading':
      return subheading(doc, b.text);
    case 'note':
      return note(doc, b.text);
  }
}

/** Renders the dossier to bytes (its SHA-256 goes into the manifest before the ZIP streams). */
export function dossierPdf(input: DossierPdfInput): Promise<Buffer> {
  const { t } = input;
  const title = t('dossier.title');
  const doc = createDocument({
    title,
    reference: input.reference,
    pageLabel: (n, total) => t('dossier.page', { n, total }),
    info: { Title: `${title} — ${input.reference}`, Subject: input.subject },
  });
  const bytes = toBuffer(doc);
  const width = innerWidth(doc);
  if (input.companyName) doc.font('bold').fontSize(10.5).text(input.companyName.toLocaleUpperCase('vi'), { width });
  doc.moveDown(0.6).font('bold').fontSize(16).text(title, { align: 'center', width });
  doc.font('regular').fontSize(10.5).text(t('dossier.caseLine', { reference: input.reference, subject: input.subject }), { align: 'center', width });
  doc.fontSize(9.5).text(t('dossier.exported', { at: input.exportedAt, name: input.exportedBy }), { align: 'center', width });

  for (const section of [...input.sections].sort((a, b) => a.order - b.order)) {
    heading(doc, section.title);
    for (const b of section.blocks) block(doc, b);
  }

  heading(doc, t('dossier.section.files'));
  note(doc, t('dossier.filesNote'));
  input.files.forEach((f, i) => {
    subheading(doc, `${i + 1}. ${f.path}`);
    fields(doc, [
      [t('dossier.field.size'), t('dossier.bytes', { size: f.size.toLocaleString('vi-VN') })],
      ['SHA-256', f.sha256],
    ]);
  });
  finish(doc);
  return bytes;
}
