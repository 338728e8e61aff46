import PDFDocument from 'pdfkit';
import { PDFParse } from 'pdf-parse';
import { fontFaces } from '../src/pdf/document';
import type { SmtpPeer } from '../test/outbox/support';
import { median } from './lib';

/**
 * The letters part of `npm run bench -- documents` (issue 10), against the running server process:
 * - letter PDFs per second: BENCH_LETTERS (50) `POST /complaints/:id/letters` (acknowledgment,
 *   channel `post`) one after another — rendering, storing, auditing — against a bare pdfkit
 *   document of the same text (the letter's text extracted from its preview, DejaVu registered,
 *   nothing else) rendered in this process, in the same run (ratio);
 * - e-mailed letters per second: BENCH_LETTERS letters with channel `email`, issued one after
 *   another, until the last has arrived at the local SMTP peer the server sends to (SMTP_URL),
 *   the PDF attached — the outbox worker delivering while the letters are issued.
 */
const LETTERS = Number(process.env.BENCH_LETTERS ?? 50);

export interface LettersResult {
  appPerSecond: number;
  barePerSecond: number;
  emailedPerSecond: number;
}

async function call(url: string, auth: string, path: string, body: object): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function created(url: string, auth: string, path: string, body: object): Promise<{ id: string }> {
  const res = await call(url, auth, path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** A complaint whose customer has an e-mail address (the letters go to the SMTP peer). */
async function letterCase(url: string, auth: string): Promise<string> {
  const customer = await created(url, auth, '/api/v1/customers', { name: 'Nguyễn Thị Thư (bench)', type: 'person', email: 'thu.bench@example.vn', address: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội' });
  const received = new Date(Date.now() - 3600_000).toISOString();
  const entry = await created(url, auth, '/api/v1/complaints', {
    kind: 'complaint',
    customerId: customer.id,
    channel: 'hotline',
    receivedAt: received,
    incidentDate: received.slice(0, 10),
    category: 'service_quality',
    subject: 'Tủ lạnh không đông đá (bench thư)',
    description: 'Ngăn đá không lạnh sau hai tuần sử dụng.',
    severity: 'medium',
  });
  return entry.id;
}

/** The bare baseline: the same text in a pdfkit document with the same font, parsed once as the app's is, nothing else. */
function barePdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56 });
  doc.registerFont('regular', fontFaces().regular as unknown as PDFKit.Mixins.PDFFontSource);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('regular').fontSize(10.5).text(text);
  doc.end();
  return done;
}

async function perSecond(n: number, one: (i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await one(i);
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function measureLetters(url: string, auth: string, smtp: SmtpPeer, label: string): Promise<LettersResult> {
  const complaintId = await letterCase(url, auth);
  const letter = { template: 'acknowledgment', locale: 'vi' };
  const preview = await call(url, auth, `/api/v1/complaints/${complaintId}/letters/preview`, { ...letter, channel: 'post' });
  if (preview.status !== 200) throw new Error(`preview: ${preview.status} ${await preview.text()}`);
  const parser = new PDFParse({ data: new Uint8Array(await preview.arrayBuffer()) });
  const text = (await parser.getText()).text;
  await parser.destroy();

  const app: number[] = [];
  const bare: number[] = [];
  // Three alternating rounds of a third each, so both see the same machine load.
  const share = Math.max(1, Math.round(LETTERS / 3));
  for (let round = 0; round < 3; round++) {
    app.push(await perSecond(share, async () => void (await created(url, auth, `/api/v1/complaints/${complaintId}/letters`, { ...letter, channel: 'post' }))));
    bare.push(await perSecond(share, async () => void (await barePdf(text))));
  }
  const already = smtp.messages.length;
  const started = process.hrtime.bigint();
  for (let i = 0; i < LETTERS; i++) await created(url, auth, `/api/v1/complaints/${complaintId}/letters`, { ...letter, channel: 'email' });
  await smtp.waitFor(already + LETTERS, 300_000);
  const emailedPerSecond = LETTERS / (Number(process.hrtime.bigint() - started) / 1e9);
  const withPdf = smtp.messages.slice(already).filter((m) => /application\/pdf/i.test(m.raw)).length;
  const result = { appPerSecond: median(app), barePerSecond: median(bare), emailedPerSecond };
  console.log(
    `  ${label} letters: ${result.appPerSecond.toFixed(1)} letter PDFs/s issued through the API (rounds ${app.map((x) => x.toFixed(1)).join(', ')}), bare pdfkit of the same text ${result.barePerSecond.toFixed(1)}/s (ratio ${(result.appPerSecond / result.barePerSecond).toFixed(2)}); ${LETTERS} e-mailed letters delivered to the SMTP peer at ${emailedPerSecond.toFixed(1)}/s (${withPdf} with the PDF attached)`,
  );
  return result;
}
