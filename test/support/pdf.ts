import { PDFParse } from 'pdf-parse';
import type { Response, Test } from 'supertest';

/** Reads a supertest response's body as bytes (a PDF is not text). */
export function asBytes(request: Test): Test {
  return request.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** The text of a PDF response, as a reader copying it out would get it. */
export async function pdfText(res: Response): Promise<string> {
  return pdfBytesText(res.body as Buffer);
}

/** The text of a PDF's bytes, as a reader copying it out would get it. */
export async function pdfBytesText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}
