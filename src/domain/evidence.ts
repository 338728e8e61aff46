/**
 * Evidence rules that need no database: which detected types are accepted, how a user's file
 * name becomes a display name, and how a stored file is served (PRODUCT.md "Evidence").
 */

/** A type as detected from the bytes (file-type's answer, or plain text). */
export interface DetectedType {
  mime: string;
  ext: string;
}

/** Office documents: Word, Excel, PowerPoint — the OOXML ones and the legacy binary ones. */
export const OFFICE_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
};

export const TEXT_TYPE: DetectedType = { mime: 'text/plain', ext: 'txt' };

/**
 * The allow-list: images, PDF, office documents, audio, video and plain text. Anything else the
 * bytes turn out to be (an archive, an executable, HTML that file-type recognises…) is refused.
 */
export function isAllowedType(mime: string): boolean {
  return /^(image|audio|video)\/[a-z0-9.+-]+$/.test(mime) || mime === 'application/pdf' || mime === TEXT_TYPE.mime || mime in OFFICE_TYPES;
}

/** What the user may pick in the upload form (a hint for the file picker; the bytes decide). */
export const ACCEPT_ATTRIBUTE = 'image/*,audio/*,video/*,application/pdf,text/plain,.txt,.doc,.docx,.xls,.xlsx,.ppt,.pptx';

/** Images every browser shows in an <img>: the case page makes thumbnails of these. */
const RENDERABLE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/apng']);
export const isThumbnailable = (mime: string): boolean => RENDERABLE_IMAGES.has(mime);

/** Shown in the browser itself (`inline`); everything else is downloaded (`attachment`). */
export function servedInline(mime: string): boolean {
  return RENDERABLE_IMAGES.has(mime) || mime === 'application/pdf' || mime === TEXT_TYPE.mime || /^(audio|video)\//.test(mime);
}

/** The Content-Type a stored file is served with. */
export const contentTypeOf = (mime: string): string => (mime === TEXT_TYPE.mime ? 'text/plain; charset=utf-8' : mime);

const MAX_NAME = 255;
/** Characters a name never keeps: controls, and the invisible ones that reorder or hide text (bidi overrides, BOM). */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The name the user's file is shown by — never a path on any disk. The last path segment only
 * (`../../etc/passwd` → `passwd`, `C:\Users\an\ảnh.jpg` → `ảnh.jpg`), NFC, without control or
 * bidi characters and leading dots, at most 255 characters (the extension kept).
 */
export function displayFilename(raw: string | undefined, fallbackExt: string): string {
  let name = (raw ?? '').normalize('NFC').replace(INVISIBLE, '');
  name = (name.split(/[\\/]/).pop() ?? '').trim().replace(/^\.+/, '').trim();
  if (!name) return `evidence.${fallbackExt}`;
  if ([...name].length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME - [...ext].length).join('') + ext;
  }
  return name;
}

/** Extensions that name the same type as file-type's `ext`. */
const SAME_EXT: Readonly<Record<string, readonly string[]>> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  tif: ['tif', 'tiff'],
  txt: ['txt', 'text', 'csv', 'tsv', 'log', 'md'],
  mp4: ['mp4', 'm4v'],
  m4a: ['m4a', 'mp4'],
  mov: ['mov', 'qt'],
  mpg: ['mpg', 'mpeg'],
  heic: ['heic', 'heif'],
};

/**
 * The name a download carries: the display name, with the detected type's extension appended
 * when its own says something else (PNG bytes named `bao-cao.pdf` download as `bao-cao.pdf.png`),
 * so no program opens the bytes as what the name claims.
 */
export function servedFilename(display: string, type: DetectedType): string {
  const dot = display.lastIndexOf('.');
  const own = dot > 0 ? display.slice(dot + 1).toLowerCase() : '';
  const same = SAME_EXT[type.ext] ?? [type.ext];
  return same.includes(own) ? display : `${display}.${type.ext}`;
}

/** Vietnamese letters folded to ASCII (ả → a, đ → d): the fallback name for old clients. */
export function asciiFilename(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._ ()+-]/g, '_')
    .replace(/^[ .]+/, '');
  return folded || 'evidence';
}

/** RFC 5987 `ext-value` encoding (percent-encoded UTF-8; attr-char kept). */
const rfc5987 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A safe Content-Disposition (RFC 6266): an ASCII `filename` for old clients and the real name —
 * Vietnamese kept — in `filename*=UTF-8''…`. Nothing of the name can end the header or add a parameter.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  return `${kind}; filename="${asciiFilename(name)}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** A size as people read it: 834 B, 12.4 KB, 3.2 MB (1 KB = 1024 B), with the language's decimal mark. */
export function humanSize(bytes: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

const EXT_OF: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'image/jpeg': 'jpg',
  'image/svg+xml': 'svg',
  'image/tiff': 'tif',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'video/mpeg': 'mpg',
  'video/x-msvideo': 'avi',
  'video/vnd.avi': 'avi',
  'video/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/x-m4a': 'm4a',
  'audio/mp4': 'm4a',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/x-flac': 'flac',
  ...Object.fromEntries(Object.entries(OFFICE_TYPES)),
};

/** The usual extension of a stored type (for the name a download carries). */
export function extensionOf(mime: string): string {
  return EXT_OF[mime] ?? ((mime.split('/')[1] ?? '').replace(/^(x-|vnd\.)/, '').replace(/[^a-z0-9]/g, '').slice(0, 10) || 'bin');
}

/**
 * The one byte range of a `Range` header (RFC 9110 §14), or null to send everything (absent,
 * several ranges, another unit); 'unsatisfiable' for a range past the end.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
