import express from 'express';
import request from 'supertest';
import Transport from 'winston-transport';
import { sequelize } from '../../src/db';
import { errorHandler } from '../../src/lib/errorHandler';
import { logger } from '../../src/lib/logger';
import { AuditEvent, Complaint, Customer, Department, Holiday, User } from '../../src/models';
import { useTestApp, csrfFrom, signedInAgent } from '../support/app';
import { buildComplaint, buildCustomer, buildDepartment, buildUser, entryBody, signedIn } from '../support/factories';

const t = useTestApp();
const NUL = 'Tên\u0000có NUL';

/** Every row count the probes below could change: a refused request must leave all of them as they were. */
async function snapshot() {
  return {
    users: await User.count(),
    departments: await Department.count(),
    customers: await Customer.count(),
    complaints: await Complaint.count(),
    holidays: await Holiday.count(),
    audit: await AuditEvent.count(),
  };
}

/** One record of each kind a PATCH edits, and who may edit them. */
async function editableRecords() {
  return {
    admin: (await signedIn(['sysadmin'])).auth,
    quality: (await signedIn(['quality'])).auth,
    user: await buildUser(),
    dept: await buildDepartment(),
    customer: await buildCustomer(),
    complaint: await buildComplaint(),
    holiday: (await Holiday.findOne({ where: { date: '2026-09-02' } }))!,
  };
}

describe('a NUL character is refused everywhere, naming the field', () => {
  it('on every PATCH (users, departments, customers, complaints, holidays): 400 validation_failed, nothing changed', async () => {
    const { admin, quality, user, dept, customer, complaint, holiday } = await editableRecords();
    const probes: Array<[string, Record<string, string>, Record<string, unknown>, string]> = [
      [`/api/v1/users/${user.id}`, admin, { name: NUL, version: user.version }, 'name'],
      [`/api/v1/departments/${dept.id}`, admin, { name: NUL, version: dept.version }, 'name'],
      [`/api/v1/customers/${customer.id}`, quality, { address: NUL, version: customer.version }, 'address'],
      [`/api/v1/complaints/${complaint.id}`, quality, { description: NUL, version: complaint.version }, 'description'],
      [`/api/v1/holidays/${holiday.id}`, admin, { nameVi: NUL, version: holiday.version }, 'nameVi'],
    ];
    const audit = await AuditEvent.count();
    for (const [url, auth, body, field] of probes) {
      const res = await t.request().patch(url).set(auth).send(body);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.type).toBe('application/problem+json');
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([{ path: field, message: 'Must not contain the NUL character (U+0000).' }]);
    }
    expect(await AuditEvent.count()).toBe(audit);
    expect((await User.findByPk(user.id))!.version).toBe(user.version);
    expect((await Complaint.findByPk(complaint.id))!.description).toBe(complaint.description);
  });

  it('on create (complaint with an inline customer, user, holiday) and in a nested field or a query string: nothing is stored', async () => {
    const { auth: quality } = await signedIn(['quality']);
    const { auth: admin } = await signedIn(['sysadmin']);
    const before = await snapshot();
    const complaint = await t
      .request()
      .post('/api/v1/complaints')
      .set(quality)
      .send({ ...entryBody('x'), customerId: undefined, customer: { name: NUL, type: 'person' } });
    expect(complaint.status).toBe(400);
    expect(complaint.body.errors).toEqual([{ path: 'customer.name', message: expect.any(String) }]);
    const user = await t.request().post('/api/v1/users').set(admin).send({ email: 'nul@example.vn', name: NUL, roles: ['quality'] });
    expect(user.status).toBe(400);
    expect(user.body.errors[0].path).toBe('name');
    const holiday = await t.request().post('/api/v1/holidays').set(admin).send({ date: '2026-12-24', nameVi: NUL, nameEn: 'Eve' });
    expect(holiday.status).toBe(400);
    const list = await t.request().get('/api/v1/complaints').query({ q: 'a\u0000b' }).set(quality);
    expect(list.status).toBe(400);
    expect(list.body.errors[0].path).toBe('q');
    expect(await snapshot()).toEqual(before);
  });

  it('in the sign-in email, by API and by form', async () => {
    const api = await t.request().post('/api/v1/auth/login').send({ email: 'a\u0000@example.vn', password: 'whatever password' });
    expect(api.status).toBe(400);
    expect(api.body.errors[0].path).toBe('email');
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const form = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: 'a\u0000@example.vn', password: 'x' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('<code>email</code>: Không được chứa ký tự NUL (U+0000).');
  });

  it('in a form post of a signed-in user', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/users');
    const res = await agent.post('/admin/departments').type('form').send({ _csrf: csrfFrom(page.text), code: 'NUL1', name: NUL });
    expect(res.status).toBe(400);
    expect(await Department.count({ where: { code: 'NUL1' } })).toBe(0);
  });
});

describe('PATCH needs the version it edits', () => {
  it('answers 428 precondition_required without If-Match or version, on every PATCH route, and changes nothing', async () => {
    const { admin, quality, user, dept, customer, complaint, holiday } = await editableRecords();
    const sla = await t.request().get('/api/v1/sla-policies').set(admin);
    const policy = sla.body.items[0] as { id: string; version: number };
    const probes: Array<[string, Record<string, string>, Record<string, unknown>]> = [
      [`/api/v1/users/${user.id}`, admin, { name: 'Tên mới' }],
      [`/api/v1/departments/${dept.id}`, admin, { name: 'Phòng mới' }],
      [`/api/v1/customers/${customer.id}`, quality, { name: 'Khách mới' }],
      [`/api/v1/complaints/${complaint.id}`, quality, { subject: 'Tiêu đề mới' }],
      [`/api/v1/holidays/${holiday.id}`, admin, { nameEn: 'National Day (new)' }],
      [`/api/v1/sla-policies/${policy.id}`, admin, { targetMinutes: 77 }],
    ];
    for (const [url, auth, body] of probes) {
      const res = await t.request().patch(url).set(auth).send(body);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 428, code: 'precondition_required' });
      expect(res.type).toBe('application/problem+json');
    }
    expect((await User.findByPk(user.id))!.name).toBe(user.name);
    expect((await Complaint.findByPk(complaint.id))!.subject).toBe(complaint.subject);
    // With the version (header or body) the same edits go through.
    expect((await t.request().patch(`/api/v1/users/${user.id}`).set(admin).set('If-Match', `"${user.version}"`).send({ name: 'Tên mới' })).status).toBe(200);
    expect((await t.request().patch(`/api/v1/complaints/${complaint.id}`).set(quality).send({ subject: 'Tiêu đề mới', version: complaint.version })).status).toBe(200);
  });

  it('still answers 401 and 403 before 428', async () => {
    const user = await buildUser();
    expect((await t.request().patch(`/api/v1/users/${user.id}`).send({ name: 'x' })).status).toBe(401);
    const { auth } = await signedIn(['quality']);
    expect((await t.request().patch(`/api/v1/users/${user.id}`).set(auth).send({ name: 'x' })).status).toBe(403);
  });
});

class Capture extends Transport {
  lines: Array<Record<string, unknown>> = [];
  override log(info: Record<string, unknown>, done: () => void): void {
    this.lines.push(info);
    done();
  }
}

describe('a 500 is logged with its cause', () => {
  it("logs PostgreSQL's message and SQLSTATE with the request id, never the bound values", async () => {
    const capture = new Capture();
    logger.add(capture);
    const level = logger.level;
    logger.level = 'error';
    try {
      const app = express();
      app.use((req, _res, next) => {
        req.requestId = 'req-500-test';
        next();
      });
      app.get('/boom', async () => {
        await sequelize().query('SELECT $1::text AS v, 1 / 0 AS n', { bind: ['secret-personal-value'] });
      });
      app.use(errorHandler(() => undefined));
      const res = await request(app).get('/boom').set('Accept', 'application/json');
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('internal');
      const line = capture.lines.find((l) => l.message === 'request failed')!;
      expect(line).toMatchObject({ requestId: 'req-500-test', sqlstate: '22012', dbMessage: 'division by zero' });
      expect(JSON.stringify(line)).not.toContain('secret-personal-value');
      expect(JSON.stringify(line)).not.toContain('SELECT');
    } finally {
      logger.remove(capture);
      logger.level = level;
    }
  });
});
