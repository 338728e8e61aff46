import { createHash } from 'node:crypto';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  bytes: Buffer;
  /** The entry's name was flagged UTF-8 (general purpose bit 11). */
  utf8: boolean;
  directory: boolean;
}

/** Every entry of a ZIP held in memory (tests only), as yauzl reads it. */
export function unzip(zip: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, file) => {
      if (err || !file) return reject(err ?? new Error('not a zip'));
      const out: ZipEntry[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(out));
      file.on('entry', (entry: yauzl.Entry) => {
        const base = { name: entry.fileName, utf8: (entry.generalPurposeBitFlag & 0x800) !== 0, directory: entry.fileName.endsWith('/') };
        if (base.directory) {
          out.push({ ...base, bytes: Buffer.alloc(0) });
          return file.readEntry();
        }
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({ ...base, bytes: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface Manifest {
  reference: string;
  exportedAt: string;
  files: Array<{ path: string; sha256: string; size: number }>;
}

/** The checks a receiving court would make: the manifest lists every other file with its true hash and size; SHA256SUMS agrees. */
export function verifyBundle(entries: ZipEntry[]): { manifest: Manifest; files: Map<string, Buffer>; problems: string[] } {
  const files = new Map(entries.filter((e) => !e.directory).map((e) => [e.name, e.bytes]));
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
  const problems: string[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const name of files.keys()) if (name !== 'manifest.json' && !listed.has(name)) problems.push(`not in the manifest: ${name}`);
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    if (!bytes) problems.push(`missing: ${f.path}`);
    else if (sha256(bytes) !== f.sha256 || bytes.length !== f.size) problems.push(`differs: ${f.path}`);
  }
  const sums = files.get('SHA256SUMS')!.toString('utf8').trimEnd().split('\n');
  for (const line of sums) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) problems.push(`bad SHA256SUMS line: ${line}`);
    else if (!files.has(m[2]) || sha256(files.get(m[2])!) !== m[1]) problems.push(`SHA256SUMS mismatch: ${m[2]}`);
  }
  const summed = new Set(sums.map((l) => l.slice(66)));
  for (const name of files.keys()) if (!['manifest.json', 'SHA256SUMS'].includes(name) && !summed.has(name)) problems.push(`not in SHA256SUMS: ${name}`);
  return { manifest, files, problems };
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF), enough to read audit-trail.csv back. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
