import { createHash } from 'node:crypto';
import http from 'node:http';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { bigJpeg, listeningApp, leftoverSpoolFiles, multipart } from './helpers';

/**
 * The embedded database has one connection for everybody. Uploads spool to disk and store their
 * chunks one short statement at a time, so while 8 large uploads run, another user's requests
 * still take their turn: they are answered — and seen answered — while every upload is still in
 * progress. The test records the order of events, never a duration (the project's tests do not
 * fail on timing); how long those requests waited is `npm run bench -- evidence`'s figure.
 */
const t = useTestApp({ MAX_UPLOAD_MB: '25' });
const UPLOADS = 8;
const SIZE = 20 * 1024 * 1024;
const listening = listeningApp(t);

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: listening.port(), path, method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('8 concurrent 20 MB uploads on the embedded database', () => {
  it('all store, while another user\'s requests are answered in between, before any upload is', async () => {
    const quality = await signedIn(['quality']);
    const reader = await signedIn(['cs_director']);
    const c = await buildComplaint({}, quality.user);
    const bodies = Array.from({ length: UPLOADS }, (_, i) => multipart([{ name: 'description', value: `Video ${i}` }, { name: 'file', file: { filename: `cam-${i}.jpg`, content: bigJpeg(SIZE, i + 1) } }]));

    // The order things happened in: each upload sent and answered, each of the other user's requests sent and answered.
    const events: string[] = [];
    let uploading = true;
    const other = (async () => {
      for (let n = 0; uploading; n++) {
        events.push(`other-sent:${n}`);
        const res = await send('GET', `/api/v1/complaints/${c.id}`, { Authorization: reader.auth.Authorization });
        expect(res.status).toBe(200);
        events.push(`other-answered:${n}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const results = await Promise.all(
      bodies.map((b, i) => {
        events.push(`upload-sent:${i}`);
        return send('POST', `/api/v1/complaints/${c.id}/evidence`, { Authorization: quality.auth.Authorization, 'Content-Type': b.contentType }, b.body).then((r) => {
          events.push(`upload-answered:${i}`);
          return r;
        });
      }),
    );
    uploading = false;
    await other;

    expect(results.map((r) => r.status)).toEqual(Array(UPLOADS).fill(201));
    expect(new Set(results.map((r) => JSON.parse(r.body).sha256)).size).toBe(UPLOADS);
    // Between the last upload sent and the first upload answered (all 8 in progress), the other
    // user's requests were sent and answered, several of them: they took turns with the chunks,
    // not behind whole files.
    const lastSent = events.map((e) => e.startsWith('upload-sent:')).lastIndexOf(true);
    const firstAnswered = events.findIndex((e) => e.startsWith('upload-answered:'));
    expect(lastSent).toBeLessThan(firstAnswered);
    const during = events.slice(lastSent, firstAnswered);
    const answeredDuring = during.filter((e) => e.startsWith('other-answered:') && during.includes(`other-sent:${e.split(':')[1]}`));
    expect(answeredDuring.length).toBeGreaterThanOrEqual(3);
    expect(leftoverSpoolFiles()).toEqual([]);
    const detail = JSON.parse((await send('GET', `/api/v1/complaints/${c.id}`, { Authorization: reader.auth.Authorization })).body);
    expect(detail.evidence).toHaveLength(UPLOADS);
    // A 20 MB file comes back whole, chunk by chunk.
    const one = JSON.parse(results[3].body) as { id: string; sha256: string };
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: listening.port(), path: `/api/v1/evidence/${one.id}/content`, headers: { Authorization: reader.auth.Authorization } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (ch: Buffer) => chunks.push(ch));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    expect(bytes.length).toBe(SIZE);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(one.sha256);
    console.log(`evidence concurrency: ${UPLOADS} × ${SIZE / 1048576} MB; the other user's requests answered while all uploads were in progress: ${answeredDuring.length}`);
  }, 180_000);
});
