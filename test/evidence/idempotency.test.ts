import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { AuditEvent } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { binaryNoise, leftoverSpoolFiles, multipart, PDF, PNG, storeCounts, type Part } from './helpers';

const t = useTestApp();
type Auth = Record<string, string>;

function upload(auth: Auth, complaintId: string, parts: Part[], key?: string) {
  const { body, contentType } = multipart(parts);
  const req = t.request().post(`/api/v1/complaints/${complaintId}/evidence`).set(auth).set('Content-Type', contentType);
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
}
const photo = (content: Buffer = PNG, description = 'Ảnh chụp vết rò rỉ dưới máy'): Part[] => [
  { name: 'description', value: description },
  { name: 'file', file: { filename: 'ảnh rò rỉ.png', content } },
];
const keyRows = async (key: string) =>
  sequelize().query<{ request_hash: string; response: unknown }>('SELECT request_hash, response FROM idempotency_keys WHERE key = :key', { replacements: { key }, type: QueryTypes.SELECT });

let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
});

describe('POST /complaints/:id/evidence with an Idempotency-Key', () => {
  it('answers a retry with the first answer (201, the same id), storing nothing twice and auditing once', async () => {
    const c = await buildComplaint({}, quality.user);
    const before = await storeCounts();
    const first = await upload(quality.auth, c.id, photo(), 'upload-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await upload(quality.auth, c.id, photo(), 'upload-1');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await storeCounts()).toEqual({ evidence: before.evidence + 1, blobs: before.blobs + 1, chunks: before.chunks + 1 });
    expect(await AuditEvent.count({ where: { action: 'evidence.uploaded', complaintId: c.id } })).toBe(1);
    expect(leftoverSpoolFiles()).toEqual([]);
    // Without the key, the same bytes are new evidence (one blob still: content-addressed).
    const plain = await upload(quality.auth, c.id, photo());
    expect(plain.status).toBe(201);
    expect(plain.body.id).not.toBe(first.body.id);
  });

  it('keeps only the SHA-256 and the fields in its fingerprint, never the bytes', async () => {
    const c = await buildComplaint({}, quality.user);
    const bytes = binaryNoise(64 * 1024);
    const content = Buffer.concat([PNG, bytes]);
    const res = await upload(quality.auth, c.id, photo(content), 'fingerprint-1');
    expect(res.status).toBe(201);
    const [row] = await keyRows('fingerprint-1');
    expect(row.request_hash).toMatch(/^[0-9a-f]{64}$/);
    // The stored row holds the answer (which names the hash), not the file.
    expect(JSON.stringify(row.response)).toContain(res.body.sha256);
    // 64 KB of bytes behind a row of a few hundred characters.
    expect(JSON.stringify(row).length).toBeLessThan(2000);
    expect(JSON.stringify(row)).not.toContain(bytes.subarray(0, 16).toString('base64'));
    expect(JSON.stringify(row)).not.toContain(bytes.subarray(0, 16).toString('hex'));
  });

  it('refuses the same key with other bytes or other fields (409), storing nothing', async () => {
    const c = await buildComplaint({}, quality.user);
    expect((await upload(quality.auth, c.id, photo(), 'upload-2')).status).toBe(201);
    const before = await storeCounts();
    const otherBytes = await upload(quality.auth, c.id, photo(PDF), 'upload-2');
    expect(otherBytes.status).toBe(409);
    expect(otherBytes.body).toMatchObject({ code: 'conflict', errors: [expect.objectContaining({ path: 'Idempotency-Key' })] });
    const otherText = await upload(quality.auth, c.id, photo(PNG, 'Mô tả khác'), 'upload-2');
    expect(otherText.status).toBe(409);
    expect(await storeCounts()).toEqual(before);
    expect(leftoverSpoolFiles()).toEqual([]);
    // A key is the user's own: another user's same key is a new upload.
    const other = await signedIn(['quality']);
    expect((await upload(other.auth, c.id, photo(PDF), 'upload-2')).status).toBe(201);
  });

  it('frees the key when the upload is refused (400, 415), and answers 400 to a malformed key before reading the body', async () => {
    const c = await buildComplaint({}, quality.user);
    const noDescription = await upload(quality.auth, c.id, [{ name: 'file', file: { filename: 'a.png', content: PNG } }], 'upload-3');
    expect(noDescription.status).toBe(400);
    expect(await keyRows('upload-3')).toEqual([]);
    expect((await upload(quality.auth, c.id, photo(), 'upload-3')).status).toBe(201);
    const bad = await upload(quality.auth, c.id, photo(), 'k'.repeat(201));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/evidence`).set('Idempotency-Key', 'x')).status).toBe(401);
    const head = await signedIn(['ceo']);
    expect((await upload(head.auth, c.id, photo(), 'upload-4')).status).toBe(403);
  });

  it('stores once when the same upload is sent several times at once with one key', async () => {
    const c = await buildComplaint({}, quality.user);
    const content = Buffer.concat([PNG, binaryNoise(300 * 1024)]);
    const answers = await Promise.all(Array.from({ length: 4 }, () => upload(quality.auth, c.id, photo(content), 'upload-5')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(await AuditEvent.count({ where: { action: 'evidence.uploaded', complaintId: c.id } })).toBe(1);
    const [{ n }] = await sequelize().query<{ n: number }>('SELECT count(*)::int AS n FROM evidence WHERE complaint_id = :id', { replacements: { id: c.id }, type: QueryTypes.SELECT });
    expect(n).toBe(1);
    expect(leftoverSpoolFiles()).toEqual([]);
  });
});
