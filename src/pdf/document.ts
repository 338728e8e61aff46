/**
 * A PDF document as Casebook prints them: A4, the DejaVu Sans fonts registered (they cover
 * Vietnamese: every precomposed letter with its tone marks), and on every page a running header
 * (the document's title and the case reference) and a page number "Trang n/m". Below the HTTP
 * layer: a route streams the document to the response, a job could write it to a file.
 */
import fs from 'node:fs';
import * as fontkit from 'fontkit';
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

type Faces = Record<keyof typeof FONTS, fontkit.Font>;
let faces: Faces | undefined;

/**
 * The three fonts parsed once per process. pdfkit takes a parsed fontkit font as well as a file
 * name; given the file it reads and parses the 700 KB font again for every document, and its
 * layout tables again on the document's first line — most of a letter's rendering time. A parsed
 * font is only read by pdfkit (each document lays out its text and embeds its own subset), so one
 * serves every document: a page of Vietnamese text renders in ~14 ms instead of ~64 ms, the same
 * bytes (bench/README.md "pdf"; test/pdf/fonts.test.ts compares them).
 */
export function fontFaces(): Faces {
  faces ??= { regular: face(FONTS.regular), bold: face(FONTS.bold), italic: face(FONTS.italic) };
  return faces;
}

/**
 * One parsed font, kept for every document. fontkit caches each glyph with the characters it was
 * first asked for; a glyph first read as another glyph's component (writing a subset: "Á" is "A"
 * and an accent in DejaVu) is cached with none, and a later document laying out a plain "A"
 * would get it so and write no text for it (PDF readers' search and copy, and the tests'
 * text extraction, lose the letter — seen: an English letter after a Vietnamese one). Such a
 * glyph takes its characters the first time they are given (the fix of react-pdf issue #3404).
 */
function face(file: string): fontkit.Font {
  const font = fontkit.create(fs.readFileSync(file)) as fontkit.Font;
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && codePoints?.length && !glyph.codePoints?.length) glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

/** Registers the fonts as `regular`, `bold` and `italic` and selects the regular one at 10.5 pt. */
export function registerFonts(doc: Doc): void {
  for (const [name, face] of Object.entries(fontFaces())) {
    // @types/pdfkit lists files and buffers only; pdfkit 0.20 also takes a font with `layout()`.
    doc.registerFont(name, face as unknown as PDFKit.Mixins.PDFFontSource);
  }
  doc.font('regular').fontSize(10.5);
}

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
  registerFonts(doc);
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
