import http from 'node:http';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { bigJpeg, listeningApp, eventually, leftoverSpoolFiles, multipart, storeCounts } from './helpers';

// A small limit: 1 MB.
const t = useTestApp({ MAX_UPLOAD_MB: '1' });
const listening = listeningApp(t);

interface RawResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  written: number;
  ms: number;
  closedAfterMs: number | null;
}

/**
 * Streams `head`, then `fileBytes` of a JPEG in 64 KiB pieces (chunked: no Content-Length, so the
 * server can only find out by reading), then `tail` — stopping as soon as an answer arrives.
 */
function streamUpload(path: string, auth: Record<string, string>, contentType: string, head: Buffer, fileBytes: number, tail: Buffer, contentLength?: number): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let written = 0;
    let answered = false;
    let result: RawResult | undefined;
    const req = http.request({ host: '127.0.0.1', port: listening.port(), path, method: 'POST', headers: { ...auth, 'Content-Type': contentType, ...(contentLength ? { 'Content-Length': String(contentLength) } : {}) } });
    // EPIPE / ECONNRESET once the server stopped reading is expected after its answer; before one, it fails the test (not a timeout).
    req.on('error', () => {
      if (!answered) resolve({ status: -1, body: '', headers: {}, written, ms: Date.now() - started, closedAfterMs: null });
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        result = { status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, written, ms: Date.now() - started, closedAfterMs: null };
        const answeredAt = Date.now();
        const socket = res.socket;
        if (!socket || socket.destroyed) return resolve({ ...result, closedAfterMs: 0 });
        const timer = setTimeout(() => resolve(result!), 3000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve({ ...result!, closedAfterMs: Date.now() - answeredAt });
        });
      });
    });
    const piece = bigJpeg(64 * 1024);
    const pump = async () => {
      req.write(head);
      written += head.length;
      while (!answered && written < fileBytes) {
        if (!req.write(piece)) await new Promise((r) => setTimeout(r, 5));
        written += piece.length;
        await new Promise((r) => setImmediate(r));
      }
      if (!answered) req.end(tail);
    };
    pump().catch(reject);
  });
}

function parts(description = 'Video camera kho') {
  const { contentType } = multipart([]);
  const boundary = contentType.split('boundary=')[1];
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n${description}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType, head, tail };
}

describe('MAX_UPLOAD_MB', () => {
  it('answers 413 payload_too_large as soon as the limit is crossed, without reading the rest, and closes the connection', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const before = await storeCounts();
    const { contentType, head, tail } = parts();
    const res = await streamUpload(`/api/v1/complaints/${c.id}/evidence`, { Authorization: quality.auth.Authorization }, contentType, head, 20 * 1024 * 1024, tail);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'payload_too_large', errors: [{ path: 'file' }] });
    expect(res.headers.connection).toBe('close');
    // Refused after about 1 MB of the 20 the client meant to send, promptly, and the connection does not hang.
    expect(res.written).toBeLessThan(8 * 1024 * 1024);
    expect(res.ms).toBeLessThan(5000);
    expect(res.closedAfterMs).not.toBeNull();
    expect(res.closedAfterMs!).toBeLessThan(2000);
    expect(await storeCounts()).toEqual(before);
    expect(await eventually(leftoverSpoolFiles, (f) => f.length === 0)).toEqual([]);
  });

  it('refuses at once when Content-Length already says too much, before the body is sent', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const { contentType, head } = parts();
    const started = Date.now();
    const res = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: listening.port(),
        path: `/api/v1/complaints/${c.id}/evidence`,
        method: 'POST',
        headers: { Authorization: quality.auth.Authorization, 'Content-Type': contentType, 'Content-Length': String(3 * 1024 * 1024) },
      });
      req.on('error', reject);
      req.on('response', (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (ch: Buffer) => chunks.push(ch));
        r.on('end', () => {
          resolve({ status: r.statusCode!, body: Buffer.concat(chunks).toString('utf8'), connection: r.headers.connection });
          req.destroy();
        });
      });
      // Only the headers and the first part: the answer comes without waiting for the 3 MB.
      req.write(head);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).code).toBe('payload_too_large');
    expect(res.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stores a file just under the limit', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const { body, contentType } = multipart([{ name: 'description', value: 'gần 1 MB' }, { name: 'file', file: { filename: 'a.jpg', content: bigJpeg(1024 * 1024 - 10) } }]);
    const res = await t.request().post(`/api/v1/complaints/${c.id}/evidence`).set(quality.auth).set('Content-Type', contentType).send(body);
    expect(res.status).toBe(201);
    expect(res.body.size).toBe(1024 * 1024 - 10);
  });
});

describe('an aborted upload', () => {
  it('stores nothing and leaves no temporary file when the client goes away mid-body', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const before = await storeCounts();
    const { contentType, head } = parts();
    const req = http.request({
      host: '127.0.0.1',
      port: listening.port(),
      path: `/api/v1/complaints/${c.id}/evidence`,
      method: 'POST',
      headers: { Authorization: quality.auth.Authorization, 'Content-Type': contentType, 'Content-Length': String(head.length + 900 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(head);
    for (let i = 0; i < 6; i++) req.write(bigJpeg(64 * 1024));
    // The server is spooling this upload…
    expect((await eventually(leftoverSpoolFiles, (f) => f.length > 0)).length).toBe(1);
    // …when the client disappears.
    req.destroy();
    expect(await eventually(leftoverSpoolFiles, (f) => f.length === 0)).toEqual([]);
    expect(await storeCounts()).toEqual(before);
    // And the server still answers.
    const after = await t.request().get('/api/v1/me').set(quality.auth);
    expect(after.status).toBe(200);
  });
});
