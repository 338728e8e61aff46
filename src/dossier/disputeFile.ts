/**
 * The dispute file of a case (PRODUCT.md "Letters and the customer's answer"): one ZIP that an
 * authority or a court can verify without Casebook.
 *
 *   README.txt        how to verify (Vietnamese and English)
 *   manifest.json     every other file with its SHA-256 and size; its own SHA-256 is in the export's audit event
 *   SHA256SUMS        `sha256sum -c SHA256SUMS` checks every file but itself and manifest.json
 *   dossier.pdf       every capability's sections (src/procedure `dossier` loaders) and the index of the files
 *   audit-trail.csv   the case's whole audit trail
 *   evidence/…        every evidence file under its original name (made safe and unique)
 *   letters/…         every letter PDF (the letters capability's dossier `files`)
 *
 * Two phases, so that the manifest's hash is known — and audited — before the first byte goes out:
 * `prepareDisputeFile` reads metadata in short queries (no transaction), renders dossier.pdf and
 * the CSV to buffers (small) and takes each stored file's SHA-256 and size from its store;
 * `writeDisputeFile` streams the ZIP, one stored file open at a time, each read chunk by chunk
 * (the embedded database's one connection is never held while the client reads), and checks
 * every file's bytes against the hash and size the manifest promised while they stream: a
 * mismatch aborts the ZIP, so a truncated download never passes for a complete one.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Archiver, ArchiverOptions } from 'archiver';
import { DateTime } from 'luxon';
import { sha256Hex } from '../domain/canonical';
import { translator } from '../lib/i18n';
import type { Complaint, Customer } from '../models';
import { dossierPdf } from '../pdf/dossier';
import type { AppAbility } from '../policies/ability';
import { procedure } from '../procedure';
import type { DossierFile, DossierSection } from '../procedure/types';
import { organisationName } from '../queries/meetings';
import { auditTrailCsv } from './auditCsv';
import { uniqueNames } from './names';

export const MANIFEST_FORMAT = 'casebook-dispute-file/1';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  reference: string;
  complaintId: string;
  exportedAt: string;
  exportedBy: { id: string; name: string };
  algorithm: 'SHA-256';
  files: ManifestFile[];
}

type Entry = ManifestFile & ({ bytes: Buffer } | { file: DossierFile });

export interface PreparedDisputeFile {
  filename: string;
  manifest: Manifest;
  manifestSha256: string;
  /** How many audit events audit-trail.csv holds, and how many files the ZIP carries in all. */
  auditEvents: number;
  entries: readonly Entry[];
}

/**
 * archiver, loaded on the first export rather than with the app (~120 ms of every process start:
 * the server, each CLI command, each test worker). archiver 7 is a factory function; @types/archiver
 * 8 describes v8's classes.
 */
async function createArchive(format: 'zip', options: ArchiverOptions): Promise<Archiver> {
  const archiver = (await import('archiver')) as unknown as { default: (format: 'zip', options: ArchiverOptions) => Archiver };
  return archiver.default(format, options);
}

const fromBytes = (path: string, bytes: Buffer): Entry => ({ path, bytes, sha256: sha256Hex(bytes), size: bytes.length });

function readme(reference: string, exportedAt: string, zone: string): string {
  return [
    `HỒ SƠ TRANH CHẤP ${reference} — xuất từ Casebook lúc ${exportedAt} (${zone})`,
    '',
    'Kiểm tra tính toàn vẹn:',
    '  1. Giải nén toàn bộ tệp ZIP vào một thư mục, mở cửa sổ dòng lệnh tại thư mục đó.',
    '  2. Chạy: sha256sum -c SHA256SUMS',
    '     Mỗi tệp phải báo "OK" (dossier.pdf, audit-trail.csv, README.txt, các tệp trong evidence/ và letters/).',
    '  3. manifest.json liệt kê mọi tệp khác (kể cả SHA256SUMS) với SHA-256 và kích thước (byte).',
    '     SHA-256 của chính manifest.json được ghi trong nhật ký kiểm toán của Casebook',
    '     (sự kiện "Xuất hồ sơ tranh chấp" của hồ sơ này): chạy sha256sum manifest.json và đối chiếu.',
    '  4. audit-trail.csv là toàn bộ nhật ký kiểm toán của hồ sơ; mỗi dòng có hash, chữ ký và khóa ký',
    '     để kiểm tra độc lập với khóa công khai của tổ chức.',
    '',
    `DISPUTE FILE ${reference} — exported from Casebook at ${exportedAt} (${zone})`,
    '',
    'Verifying it:',
    '  1. Unzip the whole file into a folder and open a terminal in that folder.',
    '  2. Run: sha256sum -c SHA256SUMS',
    '     Every file must report "OK" (dossier.pdf, audit-trail.csv, README.txt, the files under evidence/ and letters/).',
    '  3. manifest.json lists every other file (SHA256SUMS included) with its SHA-256 and size in bytes.',
    "     manifest.json's own SHA-256 is recorded in Casebook's audit trail (this case's",
    '     "Dispute file exported" event): run sha256sum manifest.json and compare.',
    "  4. audit-trail.csv is the case's whole audit trail; each row carries the event's hash, signature",
    "     and signing key, to be checked independently with the organisation's public key.",
    '',
  ].join('\r\n');
}

export interface DisputeFileRequest {
  complaint: Complaint;
  customer: Customer;
  /** The reader's ability: the dossier shows only the fields its field rules allow. */
  reader: AppAbility;
  exporter: { id: string; name: string };
  zone: string;
  now: Date;
}

/** Everything but the stored files' bytes: read in short queries, rendered outside any transaction. */
export async function prepareDisputeFile(req: DisputeFileRequest): Promise<PreparedDisputeFile> {
  const { complaint, customer, zone, now } = req;
  const t = translator('vi');
  const contributions = Object.values(await procedure.dossier({ complaint, customer, reader: req.reader, t, zone }));
  const sections: DossierSection[] = contributions.flatMap((c) => [...c.sections]);
  const namers = { evidence: uniqueNames(), letters: uniqueNames() };
  const stored: Entry[] = contributions.flatMap((c) => c.files ?? []).map((file) => ({ path: `${file.folder}/${namers[file.folder](file.name)}`, sha256: file.sha256, size: file.size, file }));
  // Evidence first, then letters, each in its loader's order.
  stored.sort((a, b) => Number(a.path.startsWith('letters/')) - Number(b.path.startsWith('letters/')));

  const csv = await auditTrailCsv(complaint.id, zone, t);
  const trail = fromBytes('audit-trail.csv', csv.bytes);
  const localNow = DateTime.fromJSDate(now, { zone });
  const exportedAt = localNow.toFormat('dd/MM/yyyy HH:mm');
  const pdf = await dossierPdf({
    reference: complaint.reference,
    subject: complaint.subject,
    companyName: await organisationName(),
    exportedAt,
    exportedBy: req.exporter.name,
    sections,
    files: [...stored, trail],
    t,
  });
  const about = fromBytes('README.txt', Buffer.from(readme(complaint.reference, localNow.toFormat('dd/MM/yyyy HH:mm:ss'), zone), 'utf8'));
  const checked = [fromBytes('dossier.pdf', pdf), trail, about, ...stored];
  const sums = fromBytes('SHA256SUMS', Buffer.from(checked.map((e) => `${e.sha256}  ${e.path}\n`).join(''), 'utf8'));
  const entries = [...checked, sums];
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    reference: complaint.reference,
    complaintId: complaint.id,
    exportedAt: now.toISOString(),
    exportedBy: req.exporter,
    algorithm: 'SHA-256',
    files: entries.map(({ path, sha256, size }) => ({ path, sha256, size })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  return {
    filename: `ho-so-tranh-chap_${complaint.reference}_${localNow.toFormat('yyyyLLdd-HHmm')}.zip`,
    manifest,
    manifestSha256: sha256Hex(manifestBytes),
    auditEvents: csv.events,
    entries: [fromBytes('manifest.json', manifestBytes), ...entries],
  };
}

/** Passes a stored file's bytes through, failing at its end unless they have the promised hash and size. */
function verifying(entry: ManifestFile): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const digest = hash.digest('hex');
      done(digest === entry.sha256 && size === entry.size ? null : new Error(`${entry.path}: stored bytes (${size}, sha256 ${digest}) differ from the manifest (${entry.size}, ${entry.sha256})`));
    },
  });
}

/**
 * Streams the ZIP to `out`. The stored files are opened one at a time, when their turn comes;
 * archiver's output follows the client's pace (backpressure), so memory stays flat whatever the
 * size of the evidence. Any failure (a changed or missing blob, the client gone) destroys `out`.
 */
export async function writeDisputeFile(prepared: PreparedDisputeFile, out: Writable, now: Date): Promise<void> {
  const archive = await createArchive('zip', { zlib: { level: 6 } });
  let failure: Error | null = null;
  let waiting: ((err: Error) => void) | null = null;
  const fail = (err: unknown) => {
    if (failure) return;
    failure = err instanceof Error ? err : new Error(String(err));
    waiting?.(failure);
  };
  archive.on('error', fail);
  archive.on('warning', fail);
  const piping = pipeline(archive, out).catch(fail);
  /** Resolves when the archive has taken the entry just appended; rejects at the first failure. */
  const taken = () =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting = reject;
      archive.once('entry', () => {
        waiting = null;
        resolve();
      });
    });
  let current: Readable | null = null;
  try {
    for (const folder of ['evidence/', 'letters/']) {
      archive.append(Buffer.alloc(0), { name: folder, date: now });
      await taken();
    }
    for (const e of prepared.entries) {
      if ('bytes' in e) archive.append(e.bytes, { name: e.path, date: now });
      else {
        const source: Readable = await e.file.open();
        current = source;
        const checked = verifying(e);
        source.once('error', fail);
        checked.once('error', fail);
        // Stored, not deflated: evidence is mostly photos, PDFs and recordings, already compressed.
        archive.append(source.pipe(checked), { name: e.path, date: now, store: true });
      }
      await taken();
    }
    await archive.finalize();
    await piping;
    if (failure) throw failure;
  } catch (err) {
    fail(err);
    // The file being read stops reading the store: no further chunk query is made.
    current?.destroy();
    archive.abort();
    out.destroy(failure ?? undefined);
    throw failure ?? err;
  }
}
