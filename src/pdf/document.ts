/**
 * A PDF document as Casebook prints them: A4, the DejaVu Sans fonts registered (they cover
 * Vietnamese: every precomposed letter with its tone marks), and on every page a running header
 * (the document's title and the case reference) and a page number "Trang n/m". Below the HTTP
 * layer: a route streams the document to the response, a job could write it to a file.
 */
import PDFDocument from 'pdfkit';
import { nodeModulesDir } from '../paths';

const font = (file: string) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`, { paths: [nodeModulesDir] });

/** The font files (resolved once, from the project's node_modules). */
export const FONTS = {
  regular: font('DejaVuSans.ttf'),
  bold: font('DejaVuSans-Bold.ttf'),
  italic: font('DejaVuSans-Oblique.ttf'),
} as const;

export type Doc = PDFKit.PDFDocument;

export interface DocumentOptions {
  /** The running header's title, e.g. "BIÊN BẢN CUỘC HỌP". */
  title: string;
  /** The case reference beside it. */
  reference: string;
  /** "Trang {n}/{total}" in the document's language. */
  pageLabel: (n: number, total: number) => string;
  /** The PDF's metadata. */
  info?: { Title?: string; Author?: string; Subject?: string; CreationDate?: Date };
}

const MARGIN = 56;

/**
 * A new document with the fonts registered as `regular`, `bold` and `italic` (the regular one
 * selected). Call `finish(doc)` instead of `doc.end()`: it writes the headers and page numbers on
 * every page once the number of pages is known.
 */
export function createDocument(options: DocumentOptions): Doc {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN + 18, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Creator: 'Casebook', ...options.info },
    lang: 'vi-VN',
  } as PDFKit.PDFDocumentOptions);
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('italic', FONTS.italic);
  doc.font('regular').fontSize(10.5);
  pending.set(doc, options);
  return doc;
}

const pending = new WeakMap<Doc, DocumentOptions>();

/** Writes the running header and the page numbers on every page, then ends the document. */
export function finish(doc: Doc): void {
  const options = pending.get(doc);
  const range = doc.bufferedPageRange();
  if (options) {
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const { width, height, margins } = doc.page;
      const bottom = margins.bottom;
      // Writing inside the bottom margin would start a new page: lift the margin while the footer is written.
      doc.page.margins.bottom = 0;
      const inner = width - margins.left - margins.right;
      doc.font('bold').fontSize(8.5).fillColor('#555555');
      doc.text(options.title, margins.left, MARGIN - 20, { width: inner / 2, lineBreak: false });
      doc.font('regular').text(options.reference, margins.left + inner / 2, MARGIN - 20, { width: inner / 2, align: 'right', lineBreak: false });
      doc.moveTo(margins.left, MARGIN - 6).lineTo(width - margins.right, MARGIN - 6).lineWidth(0.5).strokeColor('#999999').stroke();
      doc.text(options.pageLabel(i - range.start + 1, range.count), margins.left, height - MARGIN + 16, { width: inner, align: 'center', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.fillColor('black');
  }
  doc.flushPages();
  doc.end();
}
