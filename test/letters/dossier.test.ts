import { PDFParse } from 'pdf-parse';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';
import { asBytes } from '../support/pdf';
import { sha256, unzip, verifyBundle } from '../dispute/zip';

const t = useTestApp();

describe("the letters in the dispute file", () => {
  it('carries every letter PDF under letters/ with its stored hash, and the correspondence in dossier.pdf', async () => {
    const quality = await signedIn(['quality']);
    const legal = await signedIn(['legal']);
    const customer = await buildCustomer({ name: 'Mai Xuân Trường' });
    const c = await buildComplaint({ customerId: customer.id }, quality.user);
    const issued = [];
    for (const [template, auth] of [['first_reply', quality.auth], ['resolution', quality.auth], ['second_round', legal.auth]] as const) {
      const res = await t.request().post(`/api/v1/complaints/${c.id}/letters`).set(auth).send({ template, channel: 'post' });
      expect(res.status).toBe(201);
      issued.push(res.body as { template: string; sha256: string });
    }
    const zip = await asBytes(t.request().get(`/api/v1/complaints/${c.id}/dispute-file`).set(legal.auth));
    expect(zip.status).toBe(200);
    const { files, problems } = verifyBundle(await unzip(zip.body as Buffer));
    expect(problems).toEqual([]);
    const letters = [...files.entries()].filter(([name]) => name.startsWith('letters/') && !name.endsWith('/'));
    expect(letters.map(([name]) => name)).toEqual([
      `letters/01_first_reply_${c.reference}.pdf`,
      `letters/02_resolution_${c.reference}.pdf`,
      `letters/03_second_round_${c.reference}.pdf`,
    ]);
    expect(letters.map(([, bytes]) => sha256(bytes))).toEqual(issued.map((l) => l.sha256));
    const parser = new PDFParse({ data: new Uint8Array(files.get('dossier.pdf')!) });
    try {
      const text = (await parser.getText()).text.replace(/\s+/g, ' ');
      expect(text).toContain('Thư từ gửi khách hàng');
      expect(text).toContain('Thư trả lời (lần 2)');
    } finally {
      await parser.destroy();
    }
  });
});
