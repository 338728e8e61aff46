import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { MemoryFS } from '@electric-sql/pglite';
import tarStream from 'tar-stream';

/** One member of the template's tar: a directory (no data) or a file. */
interface TemplateEntry {
  path: string;
  data?: Uint8Array;
}

const parsed = new Map<string, Promise<readonly TemplateEntry[]>>();

/** Reads the tar's members (tar-stream), directories first, parents before children. */
async function readEntries(file: string): Promise<readonly TemplateEntry[]> {
  const dirs: TemplateEntry[] = [];
  const files: TemplateEntry[] = [];
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      // The dump's members are absolute (`/base/…`).
      const entryPath = header.name.replace(/^\/+/, '').replace(/\/+$/, '');
      if (header.type === 'directory') dirs.push({ path: entryPath });
      else if (header.type === 'file') files.push({ path: entryPath, data: new Uint8Array(Buffer.concat(chunks)) });
      else return next(new Error(`Unexpected ${header.type} member ${header.name} in the template`));
      next();
    });
    stream.on('error', next);
  });
  await pipeline(fs.createReadStream(file), extract);
  dirs.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  return Object.freeze([...dirs, ...files]);
}

/**
 * PGlite's in-memory file system holding a copy of the migrated template's data folder before
 * PostgreSQL starts (PGlite then finds the database and resumes it, as on a server's disk).
 * This replaces `loadDataDir`, which for every test file copied the 29 MB dump three times
 * (Blob, tar member, file) and looked up every parent directory of each of its ~700 files:
 * here the tar is read once per worker process (workers keep their modules from one file to the
 * next) and each file's database gets one copy of each file, PostgreSQL writing into its own.
 * A boot went ~190 → ~120 ms, ~290 → ~180 ms of CPU (bench/README.md "test suite", stop 21).
 */
export class TemplateFS extends MemoryFS {
  private constructor(private readonly entries: readonly TemplateEntry[]) {
    super();
  }

  static async of(file: string): Promise<TemplateFS> {
    let entries = parsed.get(file);
    if (!entries) {
      entries = readEntries(file);
      parsed.set(file, entries);
    }
    return new TemplateFS(await entries);
  }

  /** Called by PGlite once its module is ready and before it looks for a database in PGDATA. */
  override async initialSyncFs(): Promise<void> {
    const mod = this.pg!.Module;
    const pgdata = (mod as unknown as { ENV?: Record<string, string> }).ENV?.PGDATA;
    if (!pgdata) throw new Error('PGlite set no PGDATA: the template cannot be put in place.');
    const FS = mod.FS;
    if (!FS.analyzePath(pgdata).exists) FS.mkdirTree(pgdata);
    for (const e of this.entries) {
      const target = `${pgdata}/${e.path}`;
      if (!e.data) {
        if (!FS.analyzePath(target).exists) FS.mkdirTree(target);
        continue;
      }
      // A copy of its own, handed over: PostgreSQL writes into it, and the next file starts from the template again.
      FS.writeFile(target, e.data.slice(), { canOwn: true });
    }
  }
}
