import PDFDocument from 'pdfkit';
import { createDocument, finish, fontFaces, FONTS, registerFonts, type Doc } from '../../src/pdf/document';
import { pdfBytesText } from '../support/pdf';

/** A document through the same createDocument/finish as every Casebook PDF, and its bytes once finished. */
function open(): { doc: ReturnType<typeof createDocument>; bytes: Promise<Buffer> } {
  const doc = createDocument({ title: 'THỬ PHÔNG CHỮ', reference: 'KN-2026-000001', pageLabel: (n, total) => `Trang ${n}/${total}` });
  const chunks: Buffer[] = [];
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}

const FACES = ['regular', 'bold', 'italic'];

/** A one-page document of these lines, in each face in turn. */
function render(lines: string[]): Promise<Buffer> {
  const { doc, bytes } = open();
  for (const [i, line] of lines.entries()) doc.font(FACES[i % 3]!).text(line);
  finish(doc);
  return bytes;
}

describe('the fonts every PDF shares', () => {
  it('are parsed once per process', () => {
    expect(fontFaces()).toBe(fontFaces());
    expect(fontFaces().regular.postscriptName).toBe('DejaVuSans');
  });

  it('keep every letter readable in a document that follows one whose accented capitals were written from their parts', async () => {
    // DejaVu draws "Á", "Ơ", "Ế" from the plain letter and an accent: embedding them reads the
    // plain glyphs as components, with no characters of their own.
    const first = await pdfBytesText(await render(['ÁƠẾ', 'ÁƠẾ', 'ÁƠẾ']));
    expect(first).toContain('ÁƠẾ');
    const after = await pdfBytesText(await render(['AOE Telephone', 'AOE Address', 'AOE November']));
    expect(after).toContain('AOE Telephone');
    expect(after).toContain('AOE Address');
    expect(after).toContain('AOE November');
    expect(after).toContain('Trang 1/1');
  });

  it('serve two documents written line by line in turn, each embedding its own subset', async () => {
    const lines = [
      ['Kính gửi Quý khách hàng', 'Biên bản cuộc họp', 'Ông Phạm Quốc Việt'],
      ['ACKNOWLEDGMENT OF YOUR COMPLAINT', 'Reference KN-2026-000001', 'Hanoi, 2 November 2026'],
    ];
    const docs = lines.map(() => open());
    for (let i = 0; i < 3; i++) for (const [d, { doc }] of docs.entries()) doc.font(FACES[i]!).text(lines[d]![i]!);
    for (const { doc } of docs) finish(doc);
    for (const [d, { bytes }] of docs.entries()) {
      const text = await pdfBytesText(await bytes);
      for (const line of lines[d]!) expect(text).toContain(line);
      expect(text).not.toContain(lines[1 - d]![0]);
    }
  });
  it('write the same bytes as fonts parsed for the document alone, after any number of other documents', async () => {
    const lines = ['Kính gửi Quý khách hàng Nguyễn Thị Hồng Nhung — ÁƠẾ', 'ACKNOWLEDGMENT OF YOUR COMPLAINT Telephone Address', 'Trong vòng 48 giờ, chúng tôi sẽ gửi thư trả lời.'];
    const bytes = (shared: boolean): Promise<Buffer> => {
      const doc: Doc = new PDFDocument({ size: 'A4', bufferPages: true, compress: false, info: { CreationDate: new Date('2026-12-04T00:00:00Z') } } as PDFKit.PDFDocumentOptions);
      if (shared) registerFonts(doc);
      else for (const [name, file] of Object.entries(FONTS)) doc.registerFont(name, file);
      const chunks: Buffer[] = [];
      const done = new Promise<Buffer>((resolve) => {
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
      });
      for (let size = 0; size < 4; size++) for (const [i, line] of lines.entries()) doc.font(FACES[i]!).fontSize(10.5 + size).text(line, { align: size % 2 ? 'justify' : 'left' });
      doc.flushPages();
      doc.end();
      return done;
    };
    // The file identifier is random; everything else — glyph positions, subsets, text maps — must match.
    const comparable = async (b: Promise<Buffer>) => (await b).toString('latin1').replace(/\/ID \[[^\]]*\]/g, '');
    const alone = await comparable(bytes(false));
    for (let i = 0; i < 3; i++) expect(await comparable(bytes(true))).toBe(alone);
  });
});
