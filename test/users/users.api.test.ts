import { AuditEvent, AuthToken, Department, User } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildDepartment, buildUser, signedIn, tokenFor } from '../support/factories';

const t = useTestApp();

describe('POST /api/v1/users', () => {
  it('lets a sysadmin create a user with several roles; the row and its audit event exist', async () => {
    const { auth, user: admin } = await signedIn(['sysadmin']);
    const dept = await buildDepartment();
    const res = await t.request().post('/api/v1/users').set(auth).send({
      email: 'ha.pham@congty.vn',
      name: 'Phạm Thu Hà',
      roles: ['cs_director', 'quality'],
      departmentId: dept.id,
      password: 'mật khẩu đủ dài 2026',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/users/${res.body.id}`);
    expect(res.body).toMatchObject({ email: 'ha.pham@congty.vn', name: 'Phạm Thu Hà', roles: ['cs_director', 'quality'], department: { id: dept.id }, active: true });
    const row = await User.findByPk(res.body.id);
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    const event = await AuditEvent.findOne({ where: { entityType: 'User', entityId: res.body.id, action: 'user.created' } });
    expect(event!.actorId).toBe(admin.id);
    expect((event!.changes as { after: Record<string, unknown> }).after.passwordHash).toBe('[redacted]');
  });

  it('answers 401 without credentials', async () => {
    expect((await t.request().post('/api/v1/users').send({})).status).toBe(401);
  });

  it('answers 403 to every other role and audits the denial', async () => {
    const { auth, user } = await signedIn(['quality', 'auditor', 'ceo']);
    const res = await t.request().post('/api/v1/users').set(auth).send({ email: 'x@y.vn', name: 'X', roles: ['intake'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    const denial = await AuditEvent.findOne({ where: { action: 'permission.denied', actorId: user.id } });
    expect(denial).toMatchObject({ entityType: 'User', meta: { action: 'create' } });
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', name: 'A', roles: ['intake'] }, 'email'],
    ['an unknown role', { email: 'a@b.vn', name: 'A', roles: ['superuser'] }, 'roles.0'],
    ['no role', { email: 'a@b.vn', name: 'A', roles: [] }, 'roles'],
    ['a weak password', { email: 'a@b.vn', name: 'A', roles: ['intake'], password: 'password1' }, 'password'],
    ['an over-long name', { email: 'a@b.vn', name: 'x'.repeat(201), roles: ['intake'] }, 'name'],
    ['an unknown department', { email: 'a@b.vn', name: 'A', roles: ['intake'], departmentId: '00000000-0000-4000-8000-000000000000' }, 'departmentId'],
    ['an unknown field', { email: 'a@b.vn', name: 'A', roles: ['intake'], isAdmin: true }, '(body)'],
  ])('answers 400 for %s and creates nothing', async (_what, body, path) => {
    const { auth } = await signedIn(['sysadmin']);
    const before = await User.count();
    const res = await t.request().post('/api/v1/users').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await User.count()).toBe(before);
  });

  it('answers 409 for an email already in use, whatever its case', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const existing = await buildUser({ email: 'trung@congty.vn' });
    const res = await t.request().post('/api/v1/users').set(auth).send({ email: 'TRUNG@congty.vn', name: 'B', roles: ['intake'] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect(await User.count({ where: { email: existing.email } })).toBe(1);
  });
});

describe('PATCH /api/v1/users/:id', () => {
  it('changes roles with If-Match and audits before/after', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const user = await buildUser({ roles: ['intake'] });
    const res = await t.request().patch(`/api/v1/users/${user.id}`).set(auth).set('If-Match', String(user.version)).send({ roles: ['intake', 'quality'] });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['intake', 'quality']);
    expect(res.body.version).toBe(user.version + 1);
    const event = await AuditEvent.findOne({ where: { entityId: user.id, action: 'user.updated' } });
    expect(event!.changes).toEqual({ before: { roles: ['intake'] }, after: { roles: ['intake', 'quality'] } });
  });

  it('answers 409 for a stale version and changes nothing', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const user = await buildUser({ roles: ['intake'] });
    const res = await t.request().patch(`/api/v1/users/${user.id}`).set(auth).send({ name: 'Tên mới', version: user.version + 5 });
    expect(res.status).toBe(409);
    expect((await User.findByPk(user.id))!.name).toBe(user.name);
  });

  it('deactivation signs the user out everywhere and is audited as such; the user is kept', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const user = await buildUser();
    const token = await tokenFor(user);
    const res = await t.request().patch(`/api/v1/users/${user.id}`).set(auth).send({ active: false, version: user.version });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await AuthToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect(await AuditEvent.count({ where: { entityId: user.id, action: 'user.deactivated' } })).toBe(1);
    expect(await User.count({ where: { id: user.id } })).toBe(1);
  });

  it('answers 404 for an unknown or malformed id, 403 for a non-sysadmin, 400 for a bad If-Match', async () => {
    const { auth } = await signedIn(['sysadmin']);
    expect((await t.request().patch('/api/v1/users/00000000-0000-4000-8000-000000000000').set(auth).send({ name: 'x', version: 0 })).status).toBe(404);
    expect((await t.request().patch('/api/v1/users/not-a-uuid').set(auth).send({ name: 'x', version: 0 })).status).toBe(404);
    const user = await buildUser();
    expect((await t.request().patch(`/api/v1/users/${user.id}`).set(auth).set('If-Match', 'abc').send({ name: 'x' })).status).toBe(400);
    const other = await signedIn(['quality']);
    expect((await t.request().patch(`/api/v1/users/${user.id}`).set(other.auth).send({ name: 'x', version: user.version })).status).toBe(403);
  });
});

describe('GET /api/v1/users', () => {
  it('lists for a sysadmin with filters, diacritic-insensitive search and keyset pages', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const dept = await buildDepartment();
    for (const name of ['Đặng Văn Một', 'Đặng Văn Hai', 'Đặng Văn Ba']) await buildUser({ name, departmentId: dept.id, roles: ['legal'] });
    const first = await t.request().get('/api/v1/users').query({ q: 'dang van', departmentId: dept.id, limit: 2 }).set(auth);
    expect(first.status).toBe(200);
    expect(first.body.items.map((u: { name: string }) => u.name)).toEqual(['Đặng Văn Ba', 'Đặng Văn Hai']);
    const second = await t.request().get('/api/v1/users').query({ q: 'dang van', departmentId: dept.id, limit: 2, cursor: first.body.nextCursor }).set(auth);
    expect(second.body.items.map((u: { name: string }) => u.name)).toEqual(['Đặng Văn Một']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows anyone else only their own record', async () => {
    const { auth, user } = await signedIn(['quality']);
    const res = await t.request().get('/api/v1/users').set(auth);
    expect(res.body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  it('answers 400 for a forged cursor or an out-of-range limit', async () => {
    const { auth } = await signedIn(['sysadmin']);
    expect((await t.request().get('/api/v1/users?cursor=garbage').set(auth)).status).toBe(400);
    expect((await t.request().get('/api/v1/users?limit=500').set(auth)).status).toBe(400);
  });
});

describe('departments', () => {
  it('a sysadmin creates one; a duplicate code is 409; others get 403', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/departments').set(auth).send({ code: 'KTCL', name: 'Phòng Kiểm tra chất lượng' });
    expect(res.status).toBe(201);
    expect(await AuditEvent.count({ where: { entityId: res.body.id, action: 'department.created' } })).toBe(1);
    expect((await t.request().post('/api/v1/departments').set(auth).send({ code: 'ktcl', name: 'Khác' })).status).toBe(409);
    expect((await t.request().post('/api/v1/departments').set(auth).send({ code: 'bad code!', name: 'x' })).status).toBe(400);
    const quality = await signedIn(['quality']);
    expect((await t.request().post('/api/v1/departments').set(quality.auth).send({ code: 'X1', name: 'x' })).status).toBe(403);
    expect((await t.request().get('/api/v1/departments').set(quality.auth)).status).toBe(200);
    expect(await Department.count({ where: { code: 'X1' } })).toBe(0);
  });

  it('renames and deactivates with a version check', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const dept = await buildDepartment();
    const res = await t.request().patch(`/api/v1/departments/${dept.id}`).set(auth).send({ name: 'Tên mới', active: false, version: dept.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Tên mới', active: false });
    expect((await t.request().patch(`/api/v1/departments/${dept.id}`).set(auth).send({ name: 'Lại', version: dept.version })).status).toBe(409);
  });
});

describe('POST /api/v1/users/:id/password', () => {
  it('resets a password and signs the user out everywhere', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const user = await buildUser();
    const token = await tokenFor(user);
    expect((await t.request().post(`/api/v1/users/${user.id}/password`).set(auth).send({ password: 'một mật khẩu mới' })).status).toBe(204);
    expect((await t.request().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect(await AuditEvent.count({ where: { entityId: user.id, action: 'user.password_set' } })).toBe(1);
    expect((await t.request().post(`/api/v1/users/${user.id}/password`).set(auth).send({ password: 'abc' })).status).toBe(400);
  });
});
