import fs from 'node:fs';
import path from 'node:path';
import { STAGES } from '../../src/domain/workflow';
import { localesDir, viewsDir } from '../../src/paths';
import { signedInAgent, useTestApp } from '../support/app';

const t = useTestApp();

/** PRODUCT.md "The case, stage by stage": the one Vietnamese name of each stage, used everywhere. */
const STAGE_NAMES: Record<(typeof STAGES)[number], string> = {
  intake: 'Tiếp nhận',
  investigation: 'Xác thực và điều tra',
  solution: 'Đưa ra giải pháp',
  review: 'Xem xét giải pháp',
  response: 'Phản hồi khách hàng',
  follow_up: 'Theo dõi',
  closed: 'Đã đóng',
  archived: 'Đã lưu trữ',
  disputed: 'Tranh chấp',
  on_hold: 'Tạm dừng',
};
/** Names the stages went by before, here and there. */
const OLD_NAMES = ['Xác thực / Điều tra', 'Duyệt giải pháp'];

type Tree = { [key: string]: string | Tree };
const vi = JSON.parse(fs.readFileSync(path.join(localesDir, 'vi.json'), 'utf8')) as Tree;
const en = JSON.parse(fs.readFileSync(path.join(localesDir, 'en.json'), 'utf8')) as Tree;
const entries = (tree: Tree, prefix = ''): Array<[string, string]> =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : entries(v, `${prefix}${k}.`)));
const views = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? views(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));

describe('one name per stage', () => {
  it("gives each stage PRODUCT.md's name under one key, stage.<status>", () => {
    expect(Object.fromEntries(STAGES.map((s) => [s, (vi.stage as Tree)[s]]))).toEqual(STAGE_NAMES);
    // No second set of stage names (the SLA page had its own).
    const stageKeys = (tree: Tree) => entries(tree).filter(([k]) => STAGES.some((s) => k.endsWith(`.${s}`)) && /(^|\.)stages\./.test(k));
    expect(stageKeys(vi)).toEqual([]);
    expect(stageKeys(en)).toEqual([]);
  });

  it('says no old name anywhere in the locales, the views or the Excel template', () => {
    const texts = [
      ...entries(vi).map(([k, v]) => [`vi.json ${k}`, v]),
      ...views(viewsDir).map((f) => [path.relative(viewsDir, f), fs.readFileSync(f, 'utf8')]),
      ['reports/feedback-log.ts', fs.readFileSync(path.join(__dirname, '../../reports/feedback-log.ts'), 'utf8')],
    ];
    for (const old of OLD_NAMES) expect(texts.filter(([, text]) => text.includes(old)).map(([where]) => where)).toEqual([]);
    // "Điều tra" alone was the queue's name of the stage.
    expect(entries(vi).filter(([, v]) => v === 'Điều tra')).toEqual([]);
  });

  it('shows the same names on the SLA page and in the queue filter', async () => {
    const admin = await signedInAgent(t.app, ['sysadmin']);
    const sla = await admin.agent.get('/admin/sla').query({ lang: 'vi' });
    expect(sla.status).toBe(200);
    const quality = await signedInAgent(t.app, ['quality']);
    const queue = await quality.agent.get('/complaints').query({ lang: 'vi' });
    expect(queue.status).toBe(200);
    for (const page of [sla.text, queue.text]) {
      for (const name of ['Xác thực và điều tra', 'Xem xét giải pháp', 'Đưa ra giải pháp']) expect(page).toContain(name);
      for (const old of OLD_NAMES) expect(page).not.toContain(old);
    }
  });
});

describe('one spelling', () => {
  it('writes "Xóa", never "Xoá", in the locales and the views', () => {
    const texts = [fs.readFileSync(path.join(localesDir, 'vi.json'), 'utf8'), ...views(viewsDir).map((f) => fs.readFileSync(f, 'utf8'))];
    expect(texts.filter((text) => /xoá/i.test(text))).toEqual([]);
    expect(entries(vi).filter(([, v]) => /xóa/i.test(v)).length).toBeGreaterThan(3);
  });
});
