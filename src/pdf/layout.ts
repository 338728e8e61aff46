/**
 * The building blocks of Casebook's long documents (the dossier of a dispute file, the 8D report):
 * headings, label–value lines, paragraphs, muted notes and a table that breaks across pages with
 * its header repeated. Each writes at the document's cursor, on the fonts `./document.ts` registers.
 */
import type { Doc } from './document';

const BODY = 10;

/** The width between the margins. */
export const innerWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

/** Starts a new page when less than `height` points are left (a heading is not left alone at a page's foot). */
export function keepRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export function heading(doc: Doc, text: string): void {
  keepRoom(doc, 60);
  doc.x = doc.page.margins.left;
  doc.moveDown(0.9).font('bold').fontSize(12.5).text(text, { width: innerWidth(doc) });
  const y = doc.y + 2;
  doc.moveTo(doc.page.margins.left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.moveDown(0.5).font('regular').fontSize(BODY);
}

export function subheading(doc: Doc, text: string): void {
  keepRoom(doc, 40);
  doc.x = doc.page.margins.left;
  doc.moveDown(0.5).font('bold').fontSize(10.5).text(text, { width: innerWidth(doc) }).moveDown(0.15).font('regular').fontSize(BODY);
}

/** "Label: value" lines; an empty value prints "—". */
export function fields(doc: Doc, rows: ReadonlyArray<readonly [string, string]>): void {
  doc.x = doc.page.margins.left;
  for (const [label, value] of rows) {
    doc.font('bold').fontSize(9.5).text(`${label}: `, { continued: true, width: innerWidth(doc) }).font('regular').text(value || '—');
  }
  doc.fontSize(BODY);
}

export function paragraph(doc: Doc, text: string, label?: string): void {
  doc.x = doc.page.margins.left;
  if (label) doc.font('bold').fontSize(9.5).text(label, { width: innerWidth(doc) });
  doc.font('regular').fontSize(BODY).text(text || '—', { width: innerWidth(doc), align: 'left' });
}

export function note(doc: Doc, text: string): void {
  doc.x = doc.page.margins.left;
  doc.font('italic').fontSize(9.5).fillColor('#444444').text(text, { width: innerWidth(doc) }).fillColor('black').font('regular').fontSize(BODY);
}

/** A table whose rows break across pages, its header repeated; `widths` are fractions of the line (default equal). */
export function table(doc: Doc, columns: readonly string[], rows: ReadonlyArray<readonly string[]>, widths?: readonly number[]): void {
  const left = doc.page.margins.left;
  const inner = innerWidth(doc);
  const fractions = widths ?? columns.map(() => 1 / columns.length);
  const w = fractions.map((f) => f * inner);
  const pad = 4;
  const size = 9;
  const rowHeight = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(size);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || '—', { width: w[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: readonly string[], bold: boolean) => {
    const h = rowHeight(cells, bold);
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!bold) drawRow(columns, true);
    }
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      if (bold) doc.rect(x, y, w[i], h).fillAndStroke('#eeeeee', '#888888').fillColor('black');
      else doc.rect(x, y, w[i], h).lineWidth(0.5).strokeColor('#888888').stroke();
      doc.font(bold ? 'bold' : 'regular').fontSize(size).text(c || '—', x + pad, y + pad, { width: w[i] - 2 * pad });
      x += w[i];
    });
    doc.x = left;
    doc.y = y + h;
  };
  doc.moveDown(0.3);
  drawRow(columns, true);
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.3).font('regular').fontSize(BODY);
}

/** The document's bytes once it ends (for a document that must be hashed before it is sent). */
export function toBuffer(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
