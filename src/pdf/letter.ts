/**
 * A letter to the customer as a PDF: the letterhead at the top (organisation, address, phone,
 * e-mail), the reference and the date line, the recipient block (Kính gửi …, the address), the
 * body the template wrote in the letter markup (src/letters/markup.ts), and the signature block.
 * Rendered to a Buffer in memory, outside any transaction. The creation date is the issue time,
 * so the same letter rendered twice gives the same bytes.
 */
import type { Translate } from '../lib/i18n';
import type { LetterContext } from '../letters/context';
import type { Block } from '../letters/markup';
import { createDocument, finish, type Doc } from './document';

export interface LetterPdfInput {
  context: LetterContext;
  blocks: readonly Block[];
  /** A translator of the letter's language. */
  t: Translate;
  issuedAt: Date;
}

function letterhead(doc: Doc, input: LetterPdfInput, width: number): void {
  const { organisation: o } = input.context;
  const { t } = input;
  if (o.name) doc.font('bold').fontSize(12).text(o.name.toLocaleUpperCase('vi'), { width });
  doc.font('regular').fontSize(9.5);
  if (o.address) doc.text(`${t('letters.pdf.address')}: ${o.address}`, { width });
  const contact = [o.phone && `${t('letters.pdf.phone')}: ${o.phone}`, o.email && `${t('letters.pdf.email')}: ${o.email}`].filter(Boolean).join('   ·   ');
  if (contact) doc.text(contact, { width });
  const y = doc.y + 4;
  doc.moveTo(doc.page.margins.left, y).lineTo(doc.page.margins.left + width, y).lineWidth(0.8).strokeColor('#333333').stroke();
  doc.y = y + 8;
}

function referenceAndDate(doc: Doc, input: LetterPdfInput, width: number): void {
  const { t, context } = input;
  const left = doc.page.margins.left;
  const y = doc.y;
  doc.font('regular').fontSize(10.5).text(`${t('letters.pdf.number')}: ${context.reference}`, left, y, { width: width / 2 });
  const afterLeft = doc.y;
  doc.font('italic').text(context.dateLine, left + width / 2, y, { width: width / 2, align: 'right' });
  doc.x = left;
  doc.y = Math.max(afterLeft, doc.y) + 10;
}

function recipient(doc: Doc, input: LetterPdfInput, width: number): void {
  const { t, context } = input;
  doc.font('bold').fontSize(10.5).text(`${t('letters.pdf.to')}: `, { continued: true, width }).font('regular').text(context.customer.name);
  if (context.customer.address) doc.text(`${t('letters.pdf.address')}: ${context.customer.address}`, { width });
  doc.moveDown(0.8);
}

function body(doc: Doc, blocks: readonly Block[], width: number): void {
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        doc.moveDown(0.4).font('bold').fontSize(14).text(b.text, { align: 'center', width }).moveDown(0.5);
        break;
      case 'heading':
        doc.moveDown(0.3).font('bold').fontSize(11).text(b.text, { width }).moveDown(0.2);
        break;
      case 'item':
        doc.font('regular').fontSize(10.5).text(`•  ${b.text}`, doc.page.margins.left + 14, doc.y, { width: width - 14 });
        doc.x = doc.page.margins.left;
        break;
      case 'quote':
        doc.font('italic').fontSize(10.5).text(b.text, doc.page.margins.left + 24, doc.y, { width: width - 24 });
        doc.x = doc.page.margins.left;
        break;
      default:
        doc.moveDown(0.3).font('regular').fontSize(10.5).text(b.text, { width, align: 'justify' }).moveDown(0.3);
    }
  }
}

function signature(doc: Doc, input: LetterPdfInput, width: number): void {
  const { t, context } = input;
  const left = doc.page.margins.left + width / 2;
  doc.moveDown(1.2);
  if (doc.y + 90 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const y = doc.y;
  doc.font('bold').fontSize(10.5).text(context.organisation.name ? t('letters.pdf.onBehalf', { organisation: context.organisation.name.toLocaleUpperCase('vi') }) : '', left, y, { width: width / 2, align: 'center' });
  doc.font('italic').fontSize(9.5).text(t('letters.pdf.signHere'), left, doc.y, { width: width / 2, align: 'center' });
  doc.moveDown(3);
  doc.font('bold').fontSize(10.5).text(context.author.name, left, doc.y, { width: width / 2, align: 'center' });
  doc.x = doc.page.margins.left;
}

/** The letter's PDF bytes. */
export async function letterPdf(input: LetterPdfInput): Promise<Buffer> {
  const title = input.blocks.find((b) => b.type === 'title')?.text ?? input.t('letters.pdf.letter');
  const doc = createDocument({
    title,
    reference: input.context.reference,
    pageLabel: (n, total) => input.t('letters.pdf.page', { n, total }),
    info: { Title: `${title} — ${input.context.reference}`, ...(input.context.organisation.name ? { Author: input.context.organisation.name } : {}), CreationDate: input.issuedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  letterhead(doc, input, width);
  referenceAndDate(doc, input, width);
  recipient(doc, input, width);
  body(doc, input.blocks, width);
  signature(doc, input, width);
  finish(doc);
  return done;
}
