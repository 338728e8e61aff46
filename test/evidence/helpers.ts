import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { sequelize } from '../../src/db';
import { spoolPrefixOfThisProcess } from '../../src/storage/spool';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
/** A tiny but well-formed PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
/** A Windows executable's first bytes (file-type: exe). */
export const EXE = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000', 'hex'), Buffer.alloc(64)]);

/** Bytes no signature matches and that are not UTF-8 text. */
export function binaryNoise(size: number): Buffer {
  const b = randomBytes(size);
  b[0] = 0xff; // never a valid UTF-8 start with what follows…
  b[1] = 0x00; // …and a NUL: not text
  b[2] = 0x13;
  b[3] = 0x37;
  return b;
}

/** `size` bytes that file-type reads as a JPEG (a JFIF header, then noise): for big-upload tests. */
export function bigJpeg(size: number, seed = 0): Buffer {
  const b = randomBytes(size);
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex').copy(b, 0);
  b.writeUInt32BE(seed, 24);
  return b;
}

export interface Part {
  name: string;
  value?: string;
  file?: { filename: string; content: Buffer; contentType?: string };
}

/** A multipart/form-data body built by hand (the file name's UTF-8 bytes as browsers send them). */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----casebook${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (p.file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.filename}"\r\nContent-Type: ${p.file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
          'utf8',
        ),
        p.file.content,
        Buffer.from('\r\n'),
      );
    } else chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value ?? ''}\r\n`, 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Temporary upload files of this process still on disk. */
export function leftoverSpoolFiles(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(spoolPrefixOfThisProcess()));
}

/** Polls until `check` holds (or fails with its last answer after `ms`). */
export async function eventually<T>(read: () => Promise<T> | T, check: (v: T) => boolean, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Row counts of the evidence tables. */
export async function storeCounts(): Promise<{ evidence: number; blobs: number; chunks: number }> {
  const [row] = await sequelize().query<{ evidence: number; blobs: number; chunks: number }>(
    `SELECT (SELECT count(*) FROM evidence)::int AS evidence, (SELECT count(*) FROM evidence_blobs)::int AS blobs, (SELECT count(*) FROM evidence_blob_chunks)::int AS chunks`,
    { type: QueryTypes.SELECT },
  );
  return row;
}

/** Uploads `content` as evidence of `complaintId` through the API. */
export function uploadVia(app: Express, auth: Record<string, string>, complaintId: string, filename: string, content: Buffer, description = 'Ảnh chụp hiện trường') {
  const { body, contentType } = multipart([
    { name: 'description', value: description },
    { name: 'file', file: { filename, content } },
  ]);
  return request(app).post(`/api/v1/complaints/${complaintId}/evidence`).set(auth).set('Content-Type', contentType).send(body);
}

/** The file's app on a loopback port of its own (raw `http` requests: aborted, oversized, concurrent uploads); `port()` inside tests. */
export function listeningApp(t: { app: Express }): { port(): number } {
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });
  return { port: () => (server!.address() as AddressInfo).port };
}
