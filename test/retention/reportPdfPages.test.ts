import { PassThrough } from 'node:stream';
import { PDFParse } from 'pdf-parse';
import { translator } from '../../src/lib/i18n';
import { retentionPdfDocument, writeRetentionPdf } from '../../src/pdf/retentionReport';
import type { RetentionReportRow } from '../../src/queries/retention';

/**
 * The retention PDF is written page by page (no buffered pages, bench/README.md "archive"): the
 * running header is drawn as each page starts and the total of "Trang n/total" is filled in at the
 * end. Checked on a report of several pages, in both languages, from the text a reader copies out.
 */
const at = new Date('2026-11-16T03:00:00Z');

function rows(count: number): RetentionReportRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    complaintId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    reference: `KN-2026-${String(i + 1).padStart(5, '0')}`,
    position: i + 1,
    sha256: 'a'.repeat(64),
    closedAt: at,
    sealedAt: at,
    retentionClass: 'default',
    retentionUntil: at,
    legalHold: i % 9 === 0,
    legalHoldReason: 'Khách hàng khởi kiện tại Tòa án nhân dân quận Hoàn Kiếm',
    legalHoldBy: null,
    legalHoldByName: 'Phạm Thị Pháp Chế',
    legalHoldAt: at,
    disposedAt: null,
    version: 1,
    verification: null,
    verifiedAt: null,
  }));
}

async function* batches(all: RetentionReportRow[], size: number) {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

async function render(lang: 'vi' | 'en', count: number): Promise<{ text: string; pages: number; written: number }> {
  const t = translator(lang);
  const doc = retentionPdfDocument(t);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  doc.pipe(out);
  const written = await writeRetentionPdf(doc, { batches: batches(rows(count), 40), t, lang, zone: 'Asia/Ho_Chi_Minh', now: at, exportedBy: 'Lê Văn Kiểm Toán' });
  await ended;
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const info = await parser.getInfo();
    return { text: (await parser.getText()).text.replace(/\s+/g, ' '), pages: info.total, written };
  } finally {
    await parser.destroy();
  }
}

describe('the retention report PDF, page by page', () => {
  it('numbers every page of a long report with the final total, under the running header', async () => {
    const { text, pages, written } = await render('vi', 120);
    expect(written).toBe(120);
    expect(pages).toBeGreaterThan(2);
    for (let n = 1; n <= pages; n++) expect(text).toContain(`Trang ${n}/${pages}`);
    expect(text).not.toContain(`Trang ${pages + 1}/`);
    expect(text.split('BÁO CÁO LƯU TRỮ HỒ SƠ').length - 1).toBeGreaterThanOrEqual(pages);
    expect(text).toContain('KN-2026-00001');
    expect(text).toContain('KN-2026-00120');
  });

  it('says it in English when asked', async () => {
    const { text, pages } = await render('en', 60);
    expect(pages).toBeGreaterThan(1);
    for (let n = 1; n <= pages; n++) expect(text).toContain(`Page ${n}/${pages}`);
    expect(text).toContain('RETENTION REPORT');
  });
});
