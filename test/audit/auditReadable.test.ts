import fs from 'node:fs';
import path from 'node:path';
import { SUBJECTS } from '../../src/policies/ability';
import { AuditEvent, type Complaint, type User } from '../../src/models';
import { localesDir } from '../../src/paths';
import { formSignedInAgent, useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';

const t = useTestApp();

type Tree = { [key: string]: string | Tree };
const locale = (lang: string) => JSON.parse(fs.readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Tree;
const lookup = (tree: Tree, key: string): unknown => key.split('.').reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Tree)[k] : undefined), tree);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The `<tr>` rows of the audit table. */
const rows = (html: string) => [...html.matchAll(/<tr data-testid="audit-row"[\s\S]*?<\/tr>/g)].map((m) => m[0]);

let quality: Awaited<ReturnType<typeof signedIn>>;
let handler: User;
let held: Complaint;
let other: Complaint;
let auditor: Awaited<ReturnType<typeof formSignedInAgent>>;

beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  handler = quality.user;
  held = await buildComplaint({ subject: 'Máy lọc nước rò rỉ ở khớp nối' }, handler);
  other = await buildComplaint({ subject: 'Hóa đơn sai mã số thuế' }, handler);
  // A stage visit closed and opened, and a hold: records of the case, audited under their own entity types.
  const moved = await t.request().post(`/api/v1/complaints/${held.id}/transitions`).set(quality.auth).send({ to: 'investigation', acknowledgedVia: 'phone' });
  expect(moved.status).toBe(200);
  const hold = await t.request().post(`/api/v1/complaints/${held.id}/transitions`).set(quality.auth).send({ to: 'on_hold', reason: 'Chờ nhà cung cấp gửi kết quả kiểm nghiệm.' });
  expect(hold.status).toBe(200);
  // Through the form: a test below reads the auth.login event of this sign-in.
  auditor = await formSignedInAgent(t.app, ['auditor'], { name: 'Bùi Thị Mai' });
});

describe('the audit page, read by an auditor', () => {
  it("names the actor, labels the action, the entity type and the roles, and links every event of a case (or of its stage visits and holds) to the case", async () => {
    const page = await auditor.agent.get('/audit').query({ reference: held.reference, lang: 'vi' });
    expect(page.status).toBe(200);
    const html = page.text;
    const events = rows(html);
    // intake: entry + first stage visit; to investigation: entry, old visit, new visit; on hold: entry, hold (+ the visit).
    expect(events.length).toBeGreaterThanOrEqual(6);
    for (const row of events) {
      expect(row).toContain(`<a href="/complaints/${held.id}" data-testid="audit-case-link">${held.reference}</a>`);
      expect(row).toContain('Trần Thị Hồng Nhung');
      // The actor's UUID is not what the reader sees (it stays in the filter link and a tooltip).
      expect(row).not.toContain(`<code>${handler.id}</code>`);
    }
    expect(html).not.toContain(other.reference);
    // Vietnamese labels, not raw keys or model names.
    for (const label of ['Tiếp nhận hồ sơ', 'Vào giai đoạn', 'Chuyển giai đoạn', 'Tạm dừng hồ sơ', 'Lượt giai đoạn', 'Lần tạm dừng', '>Hồ sơ</a>', 'Xử lý khiếu nại / Chất lượng (MSO)']) {
      expect(html).toContain(label);
    }
    for (const raw of ['>complaint.transitioned<', '>complaint_hold.created<', '>ComplaintStage<', '>ComplaintHold<', '>quality<']) expect(html).not.toContain(raw);
    const heldRow = events.find((r) => r.includes('data-action="complaint_hold.created"'))!;
    expect(heldRow).toContain('Lần tạm dừng');
    expect(heldRow).toContain(`href="/complaints/${held.id}"`);

    // The filter form offers the case reference, filled in.
    expect(html).toMatch(new RegExp(`name="reference" id="field-reference" value="${held.reference}"`));
  });

  it('speaks English on ?lang=en', async () => {
    const page = await auditor.agent.get('/audit').query({ reference: held.reference, lang: 'en' });
    expect(page.status).toBe(200);
    for (const label of ['Entry logged', 'Stage changed', 'Case put on hold', 'Stage visit', 'Hold']) expect(page.text).toContain(label);
  });

  it('names the user a user event is about, and the auditor who signed in', async () => {
    const page = await auditor.agent.get('/audit').query({ action: 'auth.login', actorId: auditor.user.id, lang: 'vi' });
    expect(page.status).toBe(200);
    const [row] = rows(page.text);
    expect(row).toContain('Đăng nhập');
    expect(row).toContain('>Bùi Thị Mai</a>');
    expect(row).toContain('Người dùng</a>: Bùi Thị Mai');
    expect(row).toContain('Kiểm toán viên');
  });

  it('says so, next to the filter, when no case has the reference', async () => {
    const page = await auditor.agent.get('/audit').query({ reference: 'KN-1999-999999', lang: 'vi' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('<a href="#field-reference" data-testid="error-link">Hồ sơ (mã số)</a>: Không có hồ sơ nào mang mã số này.');
  });

  it('resolves names and cases for a page in a fixed number of queries, whatever its size', async () => {
    const sequelize = AuditEvent.sequelize!;
    const count = async (limit: number) => {
      const spy = jest.spyOn(sequelize, 'query');
      try {
        const res = await auditor.agent.get('/audit').query({ reference: held.reference, limit, lang: 'vi' });
        expect(res.status).toBe(200);
        return { queries: spy.mock.calls.length, rows: rows(res.text).length };
      } finally {
        spy.mockRestore();
      }
    };
    // Both pages hold events of a case and of its records, by different actors' roles.
    const small = await count(1);
    const large = await count(40);
    expect(large.rows).toBeGreaterThan(small.rows);
    expect(large.queries).toBe(small.queries);
  });
});

describe('GET /api/v1/audit-events by case', () => {
  it('filters by the case reference or complaintId and names the actor and the case of every event', async () => {
    const { auth } = await signedIn(['auditor']);
    const byRef = await t.request().get('/api/v1/audit-events').query({ reference: held.reference.toLowerCase() }).set(auth);
    expect(byRef.status).toBe(200);
    const byId = await t.request().get('/api/v1/audit-events').query({ complaintId: held.id }).set(auth);
    expect(byId.body.items.map((e: { id: string }) => e.id)).toEqual(byRef.body.items.map((e: { id: string }) => e.id));
    const types = new Set(byRef.body.items.map((e: { entityType: string }) => e.entityType));
    expect([...types].sort()).toEqual(['CaseClock', 'Complaint', 'ComplaintHold', 'ComplaintStage']);
    for (const e of byRef.body.items) {
      expect(e.complaint).toEqual({ id: held.id, reference: held.reference });
      expect(e.actor).toMatchObject({ id: handler.id, name: 'Trần Thị Hồng Nhung' });
    }
    const unknown = await t.request().get('/api/v1/audit-events').query({ reference: 'KN-1999-999999' }).set(auth);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ path: 'reference', message: 'No case has this reference.' });
    // An event of no case says so.
    const login = await t.request().get('/api/v1/audit-events').query({ action: 'auth.login', limit: 1 }).set(auth);
    expect(login.body.items[0].complaint).toBeNull();
  });
});

describe('audit labels', () => {
  const src = path.join(__dirname, '../../src');
  const code = sources(src).map((f) => fs.readFileSync(f, 'utf8'));

  /** Every action the code writes: explicit `action:` / `auditAction:` strings and the hooks' `<model>.created|updated|deleted`. */
  const actions = new Set<string>();
  const entityTypes = new Set<string>([...SUBJECTS]);
  for (const text of code) {
    for (const line of text.split('\n')) {
      if (!/\b(auditAction|action)\b\s*[:?]/.test(line) && !/auditAction/.test(line)) continue;
      // Only what follows the keyword: an id earlier on the line (a procedure step's) is not an action.
      const rest = line.slice(line.search(/\b(auditAction|action)\b/));
      for (const m of rest.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) if (!/^(audit|nav)\./.test(m[1])) actions.add(m[1]);
    }
    for (const m of text.matchAll(/entityType: '([A-Za-z]+)'/g)) entityTypes.add(m[1]);
    for (const m of text.matchAll(/\baudited\(([A-Z][A-Za-z]+)/g)) {
      entityTypes.add(m[1]);
      const verb = m[1].replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
      for (const what of ['created', 'updated', 'deleted']) actions.add(`${verb}.${what}`);
    }
  }

  it('finds the actions and entity types the code writes', () => {
    for (const a of ['complaint.transitioned', 'complaint_stage.created', 'complaint_hold.created', 'auth.login_failed', 'permission.denied', 'report.exported', 'user.password_set']) expect(actions).toContain(a);
    for (const e of ['Complaint', 'ComplaintStage', 'ComplaintHold', 'Login', 'Report']) expect(entityTypes).toContain(e);
  });

  it.each(['vi', 'en'])('labels every one of them in %s', (lang) => {
    const tree = locale(lang);
    expect([...actions].filter((a) => typeof lookup(tree, `audit.actions.${a}`) !== 'string')).toEqual([]);
    expect([...entityTypes].filter((e) => typeof lookup(tree, `audit.entityTypes.${e}`) !== 'string')).toEqual([]);
  });
});
