import fs from 'node:fs';
import path from 'node:path';
import { localesDir, viewsDir } from '../../src/paths';

type Tree = { [key: string]: string | Tree };
const load = (lang: string) => JSON.parse(fs.readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Tree;

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('locales', () => {
  const vi = keys(load('vi'));
  const en = keys(load('en'));

  it('vi.json and en.json have exactly the same keys', () => {
    expect(vi.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !vi.includes(k))).toEqual([]);
  });

  it('every literal key a template uses exists', () => {
    const used = walk(viewsDir)
      .filter((f) => f.endsWith('.hbs'))
      .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\{\{t "([a-zA-Z0-9_.]+)"/g)].map((m) => m[1]));
    expect([...new Set(used)].filter((k) => !vi.includes(k))).toEqual([]);
  });

  it('Vietnamese text is NFC-normalised (so it renders and sorts the same everywhere)', () => {
    const text = fs.readFileSync(path.join(localesDir, 'vi.json'), 'utf8');
    expect(text).toBe(text.normalize('NFC'));
  });
});
