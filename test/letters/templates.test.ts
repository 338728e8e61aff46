import { sequelize } from '../../src/db';
import { AuditEvent, LetterTemplate } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';

const t = useTestApp();

let admin: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  admin = await signedIn(['sysadmin'], { name: 'Hoàng Văn Quản Trị' });
});

const NEW_CLOSURE = '# THƯ CẢM ƠN\n\nKính gửi {{customer.name}}, hồ sơ {{reference}} đã kết thúc.\n\n- Quý khách có hài lòng không?\n';

describe('the letter templates API', () => {
  it('lists every kind × locale at its current version, the built-in ones as version 1 (sysadmin only)', async () => {
    expect((await t.request().get('/api/v1/letter-templates')).status).toBe(401);
    const quality = await signedIn(['quality']);
    expect((await t.request().get('/api/v1/letter-templates').set(quality.auth)).status).toBe(403);
    const res = await t.request().get('/api/v1/letter-templates').set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(16);
    expect(res.body.items.find((i: { kind: string; locale: string }) => i.kind === 'receipt' && i.locale === 'vi')).toMatchObject({ version: 1, createdBy: null, source: expect.stringContaining('# PHIẾU TIẾP NHẬN') });
    expect(await AuditEvent.count({ where: { action: 'letter_template.seeded' } })).toBeGreaterThanOrEqual(16);
  });

  it('refuses a template that does not compile with 400 naming the line, and an unknown variable with its line', async () => {
    const broken = await t.request().post('/api/v1/letter-templates/first_reply/vi').set(admin.auth).send({ source: '# THƯ TRẢ LỜI\n\n{{#if findings}}\nKết quả\n' });
    expect(broken.status).toBe(400);
    expect(broken.body.errors).toEqual([expect.objectContaining({ path: 'source', message: expect.stringMatching(/line \d+/) })]);
    const unknown = await t.request().post('/api/v1/letter-templates/first_reply/vi').set(admin.auth).send({ source: '# THƯ\n\nKính gửi {{customer.name}},\n{{customer.nickname}}\n' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('line 4');
    const empty = await t.request().post('/api/v1/letter-templates/first_reply/vi').set(admin.auth).send({ source: '   ' });
    expect(empty.status).toBe(400);
    expect(await LetterTemplate.count({ where: { kind: 'first_reply', locale: 'vi' } })).toBe(1);
  });

  it('refuses an unknown kind or locale (400), a role that edits no template (403), a stale version (409)', async () => {
    expect((await t.request().post('/api/v1/letter-templates/apology/vi').set(admin.auth).send({ source: 'x' })).status).toBe(400);
    expect((await t.request().post('/api/v1/letter-templates/closure/fr').set(admin.auth).send({ source: 'x' })).status).toBe(400);
    expect((await t.request().get('/api/v1/letter-templates/closure/fr').set(admin.auth)).status).toBe(400);
    const quality = await signedIn(['quality']);
    expect((await t.request().post('/api/v1/letter-templates/closure/vi').set(quality.auth).send({ source: NEW_CLOSURE })).status).toBe(403);
    expect((await t.request().post('/api/v1/letter-templates/closure/vi').send({ source: NEW_CLOSURE })).status).toBe(401);
    const saved = await t.request().post('/api/v1/letter-templates/time_barred/en').set(admin.auth).send({ source: '# REPLY\n\n{{reference}}\n', version: 1 });
    expect(saved.status).toBe(201);
    const stale = await t.request().post('/api/v1/letter-templates/time_barred/en').set(admin.auth).send({ source: '# REPLY\n\nAgain {{reference}}\n', version: 1 });
    expect(stale.status).toBe(409);
  });

  it('keeps every version; a letter records the version it used and says what that version says', async () => {
    const quality = await signedIn(['quality']);
    const c = await buildComplaint({}, quality.user);
    const first = await t.request().post(`/api/v1/complaints/${c.id}/letters`).set(quality.auth).send({ template: 'closure', channel: 'post' });
    expect(first.body.templateVersion).toBe(1);
    const saved = await t.request().post('/api/v1/letter-templates/closure/vi').set(admin.auth).send({ source: NEW_CLOSURE, version: 1 });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ kind: 'closure', locale: 'vi', version: 2, createdBy: admin.user.id });
    const second = await t.request().post(`/api/v1/complaints/${c.id}/letters`).set(quality.auth).send({ template: 'closure', channel: 'post' });
    expect(second.body.templateVersion).toBe(2);
    const text = await pdfText(await asBytes(t.request().get(second.body.pdfUrl).set(quality.auth)));
    expect(text).toContain('THƯ CẢM ƠN');
    expect(text).toContain(`hồ sơ ${c.reference} đã kết thúc`);
    // The first letter is as it was issued.
    expect(await pdfText(await asBytes(t.request().get(first.body.pdfUrl).set(quality.auth)))).toContain('mức độ hài lòng');
    const versions = await t.request().get('/api/v1/letter-templates/closure/vi').set(admin.auth);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(await AuditEvent.count({ where: { entityId: saved.body.id, action: 'letter_template.saved' } })).toBe(1);
    // A stored version never changes: an UPDATE as the app is refused (CB001).
    await expect(sequelize().query("UPDATE letter_templates SET source = 'x' WHERE id = $1", { bind: [saved.body.id] })).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });
});

describe('the template editor pages', () => {
  it('lists the templates, edits one, shows a compile error at its line with the text kept, and an old version', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const list = await agent.get('/admin/letter-templates').query({ lang: 'vi' });
    expect(list.status).toBe(200);
    expect(list.text).toContain('Phiếu tiếp nhận');
    expect(list.text).toContain('data-testid="template-invitation-en"');
    const edit = await agent.get('/admin/letter-templates/invitation/vi').query({ lang: 'vi' });
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('# GIẤY MỜI');
    const csrf = csrfFrom(edit.text);
    const typed = '# GIẤY MỜI\n\nKính mời {{customer.name}}\n{{#each actions.fixed}}\n- {{text}}\n';
    const refused = await agent.post('/admin/letter-templates/invitation/vi').type('form').send({ _csrf: csrf, version: '1', source: typed });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('data-testid="template-error-line"');
    expect(refused.text).toMatch(/Lỗi ở dòng \d+/);
    expect(refused.text).toContain('Kính mời {{customer.name}}');
    const ok = await agent.post('/admin/letter-templates/invitation/vi').type('form').send({ _csrf: csrf, version: '1', source: '# GIẤY MỜI\n\nKính mời {{customer.name}} đến làm việc.\n' });
    expect(ok.status).toBe(303);
    const after = await agent.get('/admin/letter-templates/invitation/vi').query({ lang: 'vi' });
    expect(after.text).toContain('Phiên bản hiện hành: 2');
    expect(after.text).toContain('Kính mời {{customer.name}} đến làm việc.');
    const old = await agent.get('/admin/letter-templates/invitation/vi').query({ lang: 'vi', version: 1 });
    expect(old.text).toContain('data-testid="template-old-version"');
    expect(old.text).toContain('Rất mong Quý khách sắp xếp thời gian tham dự.');
    const quality = await signedInAgent(t.app, ['quality']);
    expect((await quality.agent.get('/admin/letter-templates')).status).toBe(403);
  });
});
