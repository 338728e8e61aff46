import http from 'node:http';
import { Readable } from 'node:stream';
import { AuditEvent } from '../../src/models';
import { blobStore, useBlobStore, type BlobStore } from '../../src/storage/blobStore';
import { listeningApp } from '../evidence/helpers';
import { useTestApp } from '../support/app';
import { signedIn } from '../support/factories';
import { disputedCase, type DisputedCase } from './fixture';
import { unzip, verifyBundle } from './zip';

const t = useTestApp();
const server = listeningApp(t);

/** A raw GET whose body the test reads at its own pace. */
function open(path: string, auth: Record<string, string>): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port(), path, headers: auth }, resolve);
    req.on('error', reject);
  });
}

/** Everything the response still sends, and whether it ended cleanly or was cut. */
function drain(res: http.IncomingMessage, first: Buffer[] = []): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks = [...first];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ bytes: Buffer.concat(chunks), complete: res.complete }));
    res.on('error', () => resolve({ bytes: Buffer.concat(chunks), complete: false }));
    res.on('aborted', () => resolve({ bytes: Buffer.concat(chunks), complete: false }));
    res.resume();
  });
}

let legal: Awaited<ReturnType<typeof signedIn>>;
let quality: Awaited<ReturnType<typeof signedIn>>;
let big: DisputedCase;
beforeAll(async () => {
  legal = await signedIn(['legal']);
  quality = await signedIn(['quality']);
  // Three files of 8 MB: more than the loopback socket buffers hold, so a paused client keeps the export unfinished.
  big = await disputedCase(t.app, { evidenceBytes: 8 * 1024 * 1024 });
}, 120_000);

afterEach(() => useBlobStore(undefined));

describe('streaming the dispute file', () => {
  it("holds no database connection while the client is slow: another user's request is answered before a paused export finishes", async () => {
    const order: string[] = [];
    const res = await open(`/api/v1/complaints/${big.complaint.id}/dispute-file`, legal.auth);
    expect(res.statusCode).toBe(200);
    // Take the first bytes, then stop reading: the export is mid-stream, waiting on this client.
    const first: Buffer = await new Promise((resolve) =>
      res.once('data', (chunk: Buffer) => {
        res.pause();
        resolve(chunk);
      }),
    );
    res.once('end', () => order.push('export'));
    const other = await t.request().get(`/api/v1/complaints/${big.complaint.id}`).set(quality.auth);
    expect(other.status).toBe(200);
    order.push('other');
    const result = await drain(res, [first]);
    order.push('drained');
    expect(order).toEqual(['other', 'export', 'drained']);
    expect(result.complete).toBe(true);
    const { problems, files } = verifyBundle(await unzip(result.bytes));
    expect(problems).toEqual([]);
    expect(files.get('evidence/ảnh.jpg')!.equals(big.evidence[0].bytes)).toBe(true);
  });

  it('cuts the download, never ending it cleanly, when a stored file does not have the bytes the manifest promised', async () => {
    const real = blobStore();
    const tampered: BlobStore = {
      kind: 'tampered',
      has: (h) => real.has(h),
      put: (f) => real.put(f),
      sweep: (ms) => real.sweep(ms),
      open: async () => Readable.from([Buffer.from('not the evidence')]),
    };
    useBlobStore(tampered);
    const res = await open(`/api/v1/complaints/${big.complaint.id}/dispute-file`, legal.auth);
    expect(res.statusCode).toBe(200);
    const result = await drain(res);
    expect(result.complete).toBe(false);
    await expect(unzip(result.bytes)).rejects.toThrow();
    // The export was still recorded before its first byte.
    expect(await AuditEvent.count({ where: { action: 'complaint.dispute_file_exported', complaintId: big.complaint.id } })).toBeGreaterThanOrEqual(2);
  });

  it('stops reading the store when the client goes away mid-file, and the next export still works', async () => {
    const res = await open(`/api/v1/complaints/${big.complaint.id}/dispute-file`, legal.auth);
    await new Promise((resolve) => res.once('data', resolve));
    res.destroy();
    const again = await open(`/api/v1/complaints/${big.complaint.id}/dispute-file`, legal.auth);
    const result = await drain(again);
    expect(result.complete).toBe(true);
    expect(verifyBundle(await unzip(result.bytes)).problems).toEqual([]);
  });
});
