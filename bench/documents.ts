import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import archiverModule, { type Archiver, type ArchiverOptions } from 'archiver';
import { openDatabase } from '../src/db';
import { migrate } from '../src/db/migrator';
import { bigJpeg, multipart } from '../test/evidence/helpers';
import { startServerProcess, type ServerProcess } from '../test/support/serverProcess';
import { startSmtpPeer, type SmtpPeer } from '../test/outbox/support';
import { measureLetters, type LettersResult } from './letters';
import { median, loadAverage } from './lib';
import { benchDatabaseName, createDatabase, databaseUrl, dropDatabase, serverVersion, userWithToken } from './pg';

/**
 * `npm run bench -- documents`: the documents of issue 10 against the real server process (tsx on
 * src/server.ts, demo data), on a fresh PostgreSQL database and on a fresh embedded one.
 *
 * - The dispute file: a case with BENCH_DOC_FILES (200) evidence files of BENCH_DOC_FILE_MB (1) MB
 *   each (distinct random bytes with a JPEG header, generated into a temporary folder and uploaded
 *   through the API), exported BENCH_RUNS (3) times by legal; each export's time until the last
 *   byte (read as fast as the client can) and the server's resident set while it runs (VmRSS
 *   sampled every 20 ms from /proc; target < 300 MB: the ZIP streams, it is never built in memory).
 * - The raw baseline, in the same run: the same files streamed from disk through archiver (STORE,
 *   as the export stores evidence) into a null sink, without the app — the ratio is the app's cost
 *   (reading the blobs chunk by chunk from the database, hashing them, the dossier and the trail).
 *
 * - Letters, against the same server (./letters.ts): letter PDFs per second issued through the API
 *   against a bare pdfkit document of the same text (ratio), and e-mailed letters per second
 *   through the outbox to a local SMTP peer (smtp-server in this process, the server's SMTP_URL).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = Number(process.env.BENCH_DOC_FILES ?? 200);
const FILE_MB = Number(process.env.BENCH_DOC_FILE_MB ?? 1);
const MB = 1024 * 1024;
const createArchive = archiverModule as unknown as (format: 'zip', options: ArchiverOptions) => Archiver;

const load = () => loadAverage(1);
const procField = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/**
 * The bench's two users (quality uploads, legal exports) with API tokens, written into the
 * database before the server starts (no demo data: the export's cost is the case's, not the log book's).
 */
async function users(env: NodeJS.ProcessEnv): Promise<{ quality: string; legal: string }> {
  const database = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR! });
  try {
    await migrate(database.sequelize);
    const quality = await userWithToken(['quality'], 'Trần Thị Chất Lượng');
    const legal = await userWithToken(['legal'], 'Hoàng Đức Pháp Chế');
    return { quality: quality.token, legal: legal.token };
  } finally {
    await database.close();
  }
}

async function createCase(url: string, auth: string): Promise<string> {
  const post = async (p: string, body: object) => {
    const res = await fetch(`${url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const customer = await post('/api/v1/customers', { name: 'Công ty TNHH Bench', type: 'company' });
  const received = new Date(Date.now() - 3600_000).toISOString();
  const entry = await post('/api/v1/complaints', {
    kind: 'complaint',
    customerId: customer.id,
    channel: 'hotline',
    receivedAt: received,
    incidentDate: received.slice(0, 10),
    category: 'service_quality',
    subject: 'Máy lọc nước rò rỉ (bench)',
    description: 'Hồ sơ có 200 bằng chứng cho phép đo hồ sơ tranh chấp.',
    severity: 'high',
  });
  return entry.id;
}

/** The evidence files on disk: generated once per run of the benchmark, the same bytes for the app and the baseline. */
function generateFiles(dir: string): string[] {
  return Array.from({ length: FILES }, (_, i) => {
    const file = path.join(dir, `ảnh hiện trường ${String(i + 1).padStart(3, '0')}.jpg`);
    fs.writeFileSync(file, bigJpeg(FILE_MB * MB, i));
    return file;
  });
}

function upload(url: string, auth: string, complaintId: string, file: string): Promise<number> {
  const { body, contentType } = multipart([
    { name: 'description', value: 'Ảnh chụp hiện trường (bench)' },
    { name: 'file', file: { filename: path.basename(file), content: fs.readFileSync(file), contentType: 'image/jpeg' } },
  ]);
  const u = new URL(`${url}/api/v1/complaints/${complaintId}/evidence`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': contentType, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A sink that counts bytes (the client reading as fast as it can). */
const nullSink = (counter: { bytes: number }) =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      counter.bytes += chunk.length;
      done();
    },
  });

/** One export: seconds until the last byte, the ZIP's size, the server's RSS before and its peak while it ran. */
async function exportOnce(server: ServerProcess, auth: string, complaintId: string) {
  const pid = server.child.pid!;
  const before = procField(pid, 'VmRSS');
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, procField(pid, 'VmRSS'))), 20);
  const counter = { bytes: 0 };
  const started = process.hrtime.bigint();
  const status = await new Promise<number>((resolve, reject) => {
    const u = new URL(`${server.url}/api/v1/complaints/${complaintId}/dispute-file`);
    http
      .get({ host: u.hostname, port: u.port, path: u.pathname, headers: { authorization: `Bearer ${auth}` } }, (res) => {
        pipeline(res, nullSink(counter)).then(() => resolve(res.statusCode ?? 0), reject);
      })
      .on('error', reject);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (status !== 200) throw new Error(`dispute file answered ${status}`);
  return { seconds, bytes: counter.bytes, before, peak, hwm: procField(pid, 'VmHWM') };
}

/** The raw baseline: the same files from disk through archiver (STORE) into a null sink, in this process. */
async function rawArchive(files: string[]): Promise<number> {
  const counter = { bytes: 0 };
  const started = process.hrtime.bigint();
  const archive = createArchive('zip', { zlib: { level: 6 } });
  const done = pipeline(archive, nullSink(counter));
  for (const f of files) archive.append(fs.createReadStream(f), { name: `evidence/${path.basename(f)}`, store: true });
  await archive.finalize();
  await done;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

interface Result {
  label: string;
  uploadSeconds: number;
  exports: Array<Awaited<ReturnType<typeof exportOnce>>>;
  raw: number[];
  idle: number;
  letters: LettersResult;
}

async function measure(label: string, env: NodeJS.ProcessEnv, files: string[], smtp: SmtpPeer): Promise<Result> {
  const { quality, legal } = await users(env);
  const server = await startServerProcess({ ...env, LOG_LEVEL: 'warn', TZ: 'UTC', MAX_UPLOAD_MB: '25', SMTP_URL: smtp.url }, { timeoutMs: 180_000 });
  try {
    const complaintId = await createCase(server.url, quality);
    const started = Date.now();
    for (const f of files) {
      const status = await upload(server.url, quality, complaintId, f);
      if (status !== 201) throw new Error(`upload answered ${status}`);
    }
    const uploadSeconds = (Date.now() - started) / 1000;
    const idle = procField(server.child.pid!, 'VmRSS');
    const result: Result = { label, uploadSeconds, exports: [], raw: [], idle, letters: { appPerSecond: NaN, barePerSecond: NaN, emailedPerSecond: NaN } };
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so both see the same machine load.
      result.exports.push(await exportOnce(server, legal, complaintId));
      result.raw.push(await rawArchive(files));
      const e = result.exports[i];
      console.log(
        `  ${label} run ${i + 1}: export ${e.seconds.toFixed(2)} s (${(e.bytes / MB).toFixed(0)} MB, ${(e.bytes / MB / e.seconds).toFixed(0)} MB/s), raw archiver ${result.raw[i].toFixed(2)} s; server RSS ${e.before.toFixed(0)} → peak ${e.peak.toFixed(0)} MB (VmHWM ${e.hwm.toFixed(0)}); load ${load()}`,
      );
    }
    result.letters = await measureLetters(server.url, quality, smtp, label);
    return result;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

function report(r: Result): void {
  const exportS = median(r.exports.map((e) => e.seconds));
  const rawS = median(r.raw);
  const peak = Math.max(...r.exports.map((e) => e.peak));
  console.log(
    [
      `${r.label} (median of ${r.exports.length}; ${FILES} files × ${FILE_MB} MB uploaded in ${r.uploadSeconds.toFixed(1)} s):`,
      `  dispute-file export   ${exportS.toFixed(2)} s   raw archiver from disk ${rawS.toFixed(2)} s   ratio ${(exportS / rawS).toFixed(1)}`,
      `  server RSS before the exports ${r.idle.toFixed(0)} MB; peak while exporting ${peak.toFixed(0)} MB (+${(peak - median(r.exports.map((e) => e.before))).toFixed(0)} MB) → target < 300 MB ${peak < 300 ? 'met' : 'MISSED'}`,
      `  letter PDFs ${r.letters.appPerSecond.toFixed(1)}/s   bare pdfkit of the same text ${r.letters.barePerSecond.toFixed(1)}/s   ratio ${(r.letters.appPerSecond / r.letters.barePerSecond).toFixed(2)}   e-mailed letters delivered ${r.letters.emailedPerSecond.toFixed(1)}/s`,
    ].join('\n'),
  );
}

export async function run(): Promise<void> {
  console.log(`documents benchmark on ${await serverVersion()} (${os.cpus().length} cores, Node ${process.version}, load average ${load()})`);
  console.log(`a case with ${FILES} evidence files × ${FILE_MB} MB; ${RUNS} dispute-file exports each against the raw archiver baseline, on PostgreSQL and on the embedded database`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-documents-'));
  const results: Result[] = [];
  const smtp = await startSmtpPeer();
  try {
    const files = generateFiles(dir);
    const name = benchDatabaseName('documents');
    await createDatabase(name);
    const pgData = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-documents-pg-'));
    try {
      results.push(await measure('PostgreSQL', { DATABASE_URL: databaseUrl(name), DATA_DIR: pgData }, files, smtp));
    } finally {
      await dropDatabase(name);
      fs.rmSync(pgData, { recursive: true, force: true });
    }
    if (process.env.BENCH_EMBEDDED !== '0') {
      const embedded = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-documents-embedded-'));
      try {
        results.push(await measure('embedded', { DATABASE_URL: '', DATA_DIR: embedded }, files, smtp));
      } finally {
        fs.rmSync(embedded, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await smtp.close();
  }
  console.log('');
  for (const r of results) report(r);
  console.log(`load average at the end ${load()}`);
}
