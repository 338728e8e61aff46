/**
 * The real type of a received file, from its bytes (never from its name or the client's
 * Content-Type): `file-type` for everything with a signature, plain text for valid UTF-8 without
 * NULs, and a look inside OLE compound files for the legacy Word / Excel / PowerPoint formats.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { isAllowedType, TEXT_TYPE, type DetectedType } from '../domain/evidence';
import type { SpooledFile } from './spool';

type FileTypeModule = typeof import('file-type', { with: { 'resolution-mode': 'import' } });

let loading: Promise<FileTypeModule> | undefined;

/**
 * `file-type` is ESM only and this project is CommonJS. Node (≥ 20.19) could `require` it, but
 * Jest's resolver cannot (its package exports have no `require` condition) and @swc/jest turns an
 * `import()` written here into `require()`. A real `import()` built at run time stays one in all
 * three: `node dist/…`, `tsx` and Jest (run with --experimental-vm-modules). The specifier is a
 * constant: nothing from a request reaches it.
 */
function fileType(): Promise<FileTypeModule> {
  // The nonce makes each module instance compile its own function: V8 caches a function by its
  // source, and Jest gives each test file a module registry of its own, whose import() must not
  // be answered by an earlier file's (torn down) environment.
  loading ??= (new Function('specifier', `return import(specifier); // ${randomUUID()}`) as (specifier: string) => Promise<FileTypeModule>)('file-type');
  return loading;
}

/** The legacy Office formats are OLE compound files (file-type says `cfb`): which one is named by its streams. */
const CFB_STREAMS: Array<[string, DetectedType]> = [
  ['WordDocument', { mime: 'application/msword', ext: 'doc' }],
  ['Workbook', { mime: 'application/vnd.ms-excel', ext: 'xls' }],
  ['Book', { mime: 'application/vnd.ms-excel', ext: 'xls' }],
  ['PowerPoint Document', { mime: 'application/vnd.ms-powerpoint', ext: 'ppt' }],
];

/**
 * Reads the first directory sector of a compound file (MS-CFB §2.2: the header gives the sector
 * size and the first directory sector) and looks for the stream that names the format. Anything
 * else in a compound file (an MSI installer, an Outlook message) is not an office document.
 */
async function officeTypeOfCompoundFile(file: string): Promise<DetectedType | null> {
  const handle = await fsp.open(file, 'r');
  try {
    const header = Buffer.alloc(512);
    if ((await handle.read(header, 0, 512, 0)).bytesRead < 512) return null;
    const sectorShift = header.readUInt16LE(0x1e);
    if (sectorShift !== 9 && sectorShift !== 12) return null;
    const sectorSize = 1 << sectorShift;
    const firstDirSector = header.readUInt32LE(0x30);
    if (firstDirSector >= 0xfffffffa) return null;
    const dir = Buffer.alloc(sectorSize);
    const { bytesRead } = await handle.read(dir, 0, sectorSize, (firstDirSector + 1) * sectorSize);
    const names = new Set<string>();
    for (let at = 0; at + 128 <= bytesRead; at += 128) {
      const length = dir.readUInt16LE(at + 64);
      if (length < 2 || length > 64) continue;
      names.add(dir.toString('utf16le', at, at + length - 2));
    }
    return CFB_STREAMS.find(([stream]) => names.has(stream))?.[1] ?? null;
  } finally {
    await handle.close();
  }
}

export type Detection = { ok: true; type: DetectedType } | { ok: false; detected: string | null };

/** The file's type if the allow-list accepts it, else what it was found to be (null: unknown binary). */
export async function detectType(file: SpooledFile): Promise<Detection> {
  const found = await (await fileType()).fileTypeFromFile(file.path);
  if (!found) return file.utf8Text ? { ok: true, type: TEXT_TYPE } : { ok: false, detected: null };
  let type: DetectedType | null = { mime: found.mime, ext: found.ext };
  if (found.mime === 'application/x-cfb') type = await officeTypeOfCompoundFile(file.path);
  if (!type || !isAllowedType(type.mime)) return { ok: false, detected: type?.mime ?? found.mime };
  return { ok: true, type };
}
