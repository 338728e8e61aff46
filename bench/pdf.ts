import os from 'node:os';
import PDFDocument from 'pdfkit';
import { FONTS, registerFonts, type Doc } from '../src/pdf/document';
import { median } from './lib';

/**
 * `npm run bench -- pdf`: what a Casebook document costs to render in-process, with the fonts
 * parsed once per process (src/pdf/document.ts `fontFaces`, what every PDF does now) against
 * pdfkit given the font files, which parses the three DejaVu fonts and their layout tables again
 * for each document (what every PDF did until 2026-12-04). The same pdfkit document both ways (A4,
 * pages buffered as createDocument has them), a letter's worth of Vietnamese and English text in
 * the three faces; only where the fonts come from differs.
 * BENCH_RUNS (5) alternating rounds of BENCH_PDFS (40) documents each, so both see the same load;
 * medians of the rounds, the load average before and after.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PDFS = Number(process.env.BENCH_PDFS ?? 40);

const LINES = [
  'CÔNG TY TNHH ĐIỆN MÁY ÁNH DƯƠNG — Số 8 Láng Hạ, Đống Đa, Hà Nội',
  'Kính gửi: Bà Lê Thị Ngọc Ánh, số 5 ngõ 7 Đội Cấn, Ba Đình, Hà Nội',
  'Công ty xác nhận đã tiếp nhận khiếu nại của Quý khách ngày 02 tháng 11 năm 2026 với số tham chiếu KN-2026-000001.',
  'ACKNOWLEDGMENT OF YOUR COMPLAINT — we confirm that we received your complaint on 2 November 2026.',
  'Trong vòng 48 giờ, chúng tôi sẽ gửi thư trả lời và/hoặc mời Quý khách gặp trực tiếp để giải quyết.',
];

function document(): Doc {
  return new PDFDocument({ size: 'A4', margins: { top: 74, bottom: 56, left: 56, right: 56 }, bufferPages: true, info: { Creator: 'Casebook' }, lang: 'vi-VN' } as PDFKit.PDFDocumentOptions);
}

function write(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (let i = 0; i < 6; i++) for (const [j, line] of LINES.entries()) doc.font(['regular', 'bold', 'italic'][j % 3]!).fontSize(10.5).text(line);
  doc.flushPages();
  doc.end();
  return done;
}

/** The app's way: the shared parsed fonts (registerFonts, as createDocument does). */
function shared(): Promise<Buffer> {
  const doc = document();
  registerFonts(doc);
  return write(doc);
}

/** pdfkit given the font files: parsed again for this document. */
function perDocument(): Promise<Buffer> {
  const doc = document();
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('italic', FONTS.italic);
  return write(doc);
}

async function msPerDocument(render: () => Promise<Buffer>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < PDFS; i++) await render();
  return (performance.now() - started) / PDFS;
}

export async function run(): Promise<void> {
  console.log(`pdf: ${RUNS} rounds × ${PDFS} documents each way, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await shared();
  await perDocument();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    a.push(await msPerDocument(shared));
    b.push(await msPerDocument(perDocument));
  }
  const [sizeA, sizeB] = [(await shared()).length, (await perDocument()).length];
  console.log(`  fonts parsed once:        ${median(a).toFixed(1)} ms/document (rounds ${a.map((x) => x.toFixed(1)).join(', ')}), ${sizeA} bytes`);
  console.log(`  fonts parsed per document: ${median(b).toFixed(1)} ms/document (rounds ${b.map((x) => x.toFixed(1)).join(', ')}), ${sizeB} bytes`);
  console.log(`  ratio ${(median(b) / median(a)).toFixed(1)}× faster; load average after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
