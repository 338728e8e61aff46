/**
 * File names inside a dispute file: the uploader's original name, kept in Unicode (NFC; the ZIP
 * marks names as UTF-8), made safe for every unzipper and file system — no folder separators, no
 * characters Windows refuses, no control characters, no leading dots, at most 150 characters —
 * and unique inside its folder regardless of case: the second `ảnh.jpg` is `ảnh (2).jpg`.
 */

const MAX = 150;

/** A name that unpacks as one plain file everywhere. */
export function safeName(original: string): string {
  let name = original
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '')
    .trim();
  if (!name) name = 'file';
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name)) name = `_${name}`;
  if ([...name].length > MAX) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = [...name.slice(0, name.length - ext.length)].slice(0, MAX - ext.length).join('') + ext;
  }
  return name;
}

/** Hands out unique names within one folder (compared case-insensitively, as Windows and macOS do). */
export function uniqueNames(): (original: string) => string {
  const taken = new Set<string>();
  return (original) => {
    const name = safeName(original);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLocaleLowerCase('vi')); n++) candidate = `${stem} (${n})${ext}`;
    taken.add(candidate.toLocaleLowerCase('vi'));
    return candidate;
  };
}
