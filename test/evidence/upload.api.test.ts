import { createHash } from 'node:crypto';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { binaryNoise, EXE, leftoverSpoolFiles, multipart, PDF, PNG, storeCounts, type Part } from './helpers';

const t = useTestApp();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function upload(auth: Record<string, string>, complaintId: string, parts: Part[]) {
  const { body, contentType } = multipart(parts);
  return t.request().post(`/api/v1/complaints/${complaintId}/evidence`).set(auth).set('Content-Type', contentType).send(body);
}
const withFile = (filename: string, content: Buffer, extra: Part[] = [{ name: 'description', value: 'Ảnh chụp vết rò rỉ dưới máy' }]): Part[] => [
  ...extra,
  { name: 'file', file: { filename, content } },
];
const download = (auth: Record<string, string>, id: string) =>
  t
    .request()
    .get(`/api/v1/evidence/${id}/content`)
    .set(auth)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

describe('POST /complaints/:id/evidence and GET /evidence/:id/content', () => {
  it('stores a file and serves the same bytes with the detected type, nosniff and a Vietnamese name (RFC 5987)', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const res = await upload(quality.auth, c.id, [
      { name: 'description', value: 'Biên bản kiểm tra của kho' },
      { name: 'sourceDepartment', value: 'Kho' },
      { name: 'collectedAt', value: '2026-11-02T09:30:00+07:00' },
      { name: 'file', file: { filename: 'Biên bản kiểm tra lô hàng.pdf', content: PDF, contentType: 'application/pdf' } },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), sha256: sha(PDF), size: PDF.length, mimeType: 'application/pdf', filename: 'Biên bản kiểm tra lô hàng.pdf' });
    expect(res.headers.location).toBe(`/api/v1/evidence/${res.body.id}/content`);

    const reader = await signedIn(['auditor']);
    const got = await download(reader.auth, res.body.id);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-length']).toBe(String(PDF.length));
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-disposition']).toBe(
      `inline; filename="Bien ban kiem tra lo hang.pdf"; filename*=UTF-8''${encodeURIComponent('Biên bản kiểm tra lô hàng.pdf')}`,
    );
    // ?download=1 asks for an attachment with the same name.
    const attached = await t.request().get(`/api/v1/evidence/${res.body.id}/content?download=1`).set(reader.auth);
    expect(attached.headers['content-disposition']).toMatch(/^attachment; filename="Bien ban kiem tra lo hang.pdf"; filename\*=UTF-8''/);

    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(reader.auth);
    expect(detail.body.evidence).toEqual([
      expect.objectContaining({
        id: res.body.id,
        sha256: sha(PDF),
        mimeType: 'application/pdf',
        description: 'Biên bản kiểm tra của kho',
        sourceDepartment: 'Kho',
        collectedAt: '2026-11-02T02:30:00.000Z',
        uploadedBy: { id: quality.user.id, name: quality.user.name },
        withdrawn: false,
        contentUrl: `/api/v1/evidence/${res.body.id}/content`,
      }),
    ]);
    expect(leftoverSpoolFiles()).toEqual([]);
  });

  it('serves one byte range (206) and refuses one past the end (416)', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const { body } = await upload(quality.auth, c.id, withFile('a.png', PNG));
    const part = await t.request().get(`/api/v1/evidence/${body.id}/content`).set(quality.auth).set('Range', 'bytes=1-3').buffer(true);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1-3/${PNG.length}`);
    expect(Buffer.from(part.body as Buffer).toString('hex')).toBe(PNG.subarray(1, 4).toString('hex'));
    const past = await t.request().get(`/api/v1/evidence/${body.id}/content`).set(quality.auth).set('Range', `bytes=${PNG.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${PNG.length}`);
  });

  it('stores the same bytes once: two uploads, two evidence rows, one blob', async () => {
    const head = await signedIn(['dept_head']);
    const c1 = await buildComplaint();
    const c2 = await buildComplaint();
    const before = await storeCounts();
    const a = await upload(head.auth, c1.id, withFile('photo.png', PNG));
    const b = await upload(head.auth, c2.id, withFile('cùng-ảnh.png', PNG));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.sha256).toBe(b.body.sha256);
    expect(a.body.id).not.toBe(b.body.id);
    const after = await storeCounts();
    expect(after.evidence - before.evidence).toBe(2);
    const [blobs] = await sequelize().query<{ n: number; chunks: number }>(
      `SELECT count(*)::int AS n, (SELECT count(*)::int FROM evidence_blob_chunks c JOIN evidence_blobs b ON b.chunk_set = c.chunk_set WHERE b.sha256 = $1) AS chunks FROM evidence_blobs WHERE sha256 = $1`,
      { bind: [sha(PNG)], type: QueryTypes.SELECT },
    );
    expect(blobs).toEqual({ n: 1, chunks: 1 });
    // No staged copy was left behind by the second upload.
    expect(after.chunks - before.chunks).toBe(before.blobs === after.blobs ? 0 : 1);
  });

  it('detects the type from the bytes: PNG bytes named .pdf are stored and served as PNG', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const res = await upload(quality.auth, c.id, [{ name: 'description', value: 'x' }, { name: 'file', file: { filename: 'bao-cao.pdf', content: PNG, contentType: 'application/pdf' } }]);
    expect(res.body).toMatchObject({ mimeType: 'image/png', filename: 'bao-cao.pdf' });
    const got = await t.request().get(`/api/v1/evidence/${res.body.id}/content`).set(quality.auth);
    expect(got.headers['content-type']).toBe('image/png');
    // The download's name says what the bytes are.
    expect(got.headers['content-disposition']).toContain('filename="bao-cao.pdf.png"');
  });

  it('keeps a path-like name only as a sanitised display name', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const res = await upload(quality.auth, c.id, withFile('../../etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/bash\n')));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ filename: 'passwd', mimeType: 'text/plain' });
    const got = await t.request().get(`/api/v1/evidence/${res.body.id}/content`).set(quality.auth);
    expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(got.headers['content-disposition']).toBe(`inline; filename="passwd.txt"; filename*=UTF-8''passwd.txt`);
    // Bidi overrides (a name that displays as "…txt.jpg") and folders are dropped; the header gets an ASCII fallback and the real name.
    const odd = await upload(quality.auth, c.id, withFile('x/y/ảnh\u202egpj.txt', Buffer.from('hello')));
    expect(odd.body.filename).toBe('ảnhgpj.txt');
    const served = await t.request().get(`/api/v1/evidence/${odd.body.id}/content`).set(quality.auth);
    expect(served.headers['content-disposition']).toBe(`inline; filename="anhgpj.txt"; filename*=UTF-8''${encodeURIComponent('ảnhgpj.txt')}`);
  });

  it('accepts office documents (an .xlsx made by exceljs)', async () => {
    const { default: excel } = await import('exceljs');
    const book = new excel.Workbook();
    book.addWorksheet('Sổ').addRow(['Lô', 'L-77']);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    const quality = await signedIn(['quality']);
    const res = await upload(quality.auth, (await buildComplaint()).id, withFile('so-theo-doi.xlsx', xlsx));
    expect(res.status).toBe(201);
    expect(res.body.mimeType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('refuses what the allow-list does not name: 415 unsupported_media_type, nothing stored', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const before = await storeCounts();
    const exe = await upload(quality.auth, c.id, withFile('anh.jpg', EXE));
    expect(exe.status).toBe(415);
    expect(exe.body).toMatchObject({ code: 'unsupported_media_type', errors: [{ path: 'file' }] });
    expect(exe.body.detail).toContain('application/x-msdownload');
    const noise = await upload(quality.auth, c.id, withFile('data.bin', binaryNoise(4096)));
    expect(noise.status).toBe(415);
    expect(noise.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await storeCounts()).toEqual(before);
    expect(leftoverSpoolFiles()).toEqual([]);
  });

  it('400 without a file, with an empty file or a 0-byte part, or without a description; 415 when not multipart', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const before = await storeCounts();
    const none = await upload(quality.auth, c.id, [{ name: 'description', value: 'x' }]);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'file', message: 'Choose the evidence file.' }] });
    const empty = await upload(quality.auth, c.id, withFile('rong.txt', Buffer.alloc(0)));
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ path: 'file', message: 'The file is empty (0 bytes).' }]);
    // A file input left empty: a part with no name and no bytes.
    const zeroPart = await upload(quality.auth, c.id, withFile('', Buffer.alloc(0)));
    expect(zeroPart.status).toBe(400);
    expect(zeroPart.body.errors[0].path).toBe('file');
    const noDescription = await upload(quality.auth, c.id, withFile('a.png', PNG, []));
    expect(noDescription.status).toBe(400);
    expect(noDescription.body.errors[0].path).toBe('description');
    const nul = await upload(quality.auth, c.id, withFile('a.png', PNG, [{ name: 'description', value: 'a\u0000b' }]));
    expect(nul.status).toBe(400);
    const json = await t.request().post(`/api/v1/complaints/${c.id}/evidence`).set(quality.auth).send({ description: 'x' });
    expect(json.status).toBe(415);
    const garbled = await t.request().post(`/api/v1/complaints/${c.id}/evidence`).set(quality.auth).set('Content-Type', 'multipart/form-data; boundary=zz').send('--zz\r\nnot a part');
    expect(garbled.status).toBe(400);
    expect(await storeCounts()).toEqual(before);
    expect(leftoverSpoolFiles()).toEqual([]);
  });

  it('401 without credentials, 403 for a role that adds no evidence (before 404), 404 for an unknown case', async () => {
    const c = await buildComplaint();
    const { body, contentType } = multipart(withFile('a.png', PNG));
    const anonymous = await request(t.app).post(`/api/v1/complaints/${c.id}/evidence`).set('Content-Type', contentType).send(body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthenticated');
    for (const role of ['intake', 'cs_director', 'ceo', 'auditor', 'legal', 'admin_officer', 'sysadmin'] as const) {
      const who = await signedIn([role]);
      const res = await upload(who.auth, c.id, withFile('a.png', PNG));
      expect({ role, status: res.status, code: res.body.code }).toEqual({ role, status: 403, code: 'forbidden' });
      expect((await upload(who.auth, '00000000-0000-4000-8000-000000000000', withFile('a.png', PNG))).status).toBe(403);
    }
    const quality = await signedIn(['quality']);
    expect((await upload(quality.auth, '00000000-0000-4000-8000-000000000000', withFile('a.png', PNG))).status).toBe(404);
    // Reading: 401 anonymous, 403 for the one role that reads no case, 404 for an unknown id.
    const stored = await upload(quality.auth, c.id, withFile('a.png', PNG));
    expect((await request(t.app).get(`/api/v1/evidence/${stored.body.id}/content`)).status).toBe(401);
    expect((await t.request().get(`/api/v1/evidence/${stored.body.id}/content`).set((await signedIn(['sysadmin'])).auth)).status).toBe(403);
    expect((await t.request().get('/api/v1/evidence/00000000-0000-4000-8000-000000000000/content').set(quality.auth)).status).toBe(404);
    expect((await t.request().get('/api/v1/evidence/not-an-id/content').set(quality.auth)).status).toBe(404);
  });

  it('writes an audit event naming the case for each upload', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const res = await upload(quality.auth, c.id, withFile('a.png', PNG));
    const events = await sequelize().query<{ action: string; complaint_id: string; actor_id: string; op: string }>(
      `SELECT action, complaint_id, actor_id, op FROM audit_events WHERE entity_type = 'Evidence' AND entity_id = $1`,
      { bind: [res.body.id], type: QueryTypes.SELECT },
    );
    expect(events).toEqual([{ action: 'evidence.uploaded', complaint_id: c.id, actor_id: quality.user.id, op: 'create' }]);
  });
});
