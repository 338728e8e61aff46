import { DatabaseError, UniqueConstraintError } from 'sequelize';
import { toProblem } from '../../src/lib/errorHandler';
import { useTestApp } from '../support/app';
import { signedIn } from '../support/factories';

const t = useTestApp();

describe('bad input never gets a 500', () => {
  it('truncated JSON → 400 problem+json', async () => {
    const res = await t.request().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.vn", "pass');
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'validation_failed', detail: 'The request body is not valid JSON.', requestId: expect.any(String) });
  });

  it('a huge body → 413', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/users').set(auth).send({ name: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('a body that is not JSON → 415', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/users').set(auth).set('Content-Type', 'text/plain').send('name=x');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('wrong types in JSON → 400 with a path per field', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/users').set(auth).send({ email: ['a'], name: 5, roles: 'intake' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'name', 'roles']);
  });

  it('an unknown API path → 404 problem+json; an unknown page → a friendly 404 page with the request id', async () => {
    const api = await t.request().get('/api/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body.code).toBe('not_found');
    const page = await t.request().get('/no-such-page').set('Accept', 'text/html').set('X-Request-Id', 'req-from-client-123');
    expect(page.status).toBe(404);
    expect(page.headers['x-request-id']).toBe('req-from-client-123');
    expect(page.text).toContain('req-from-client-123');
    expect(page.text).toContain('Không tìm thấy');
  });

  it('a malformed percent-encoding in the path → 400, not 500', async () => {
    const res = await t.request().get('/api/v1/users/%E0%A4%A').set((await signedIn(['sysadmin'])).auth);
    expect(res.status).toBeLessThan(500);
  });
});

describe('toProblem', () => {
  const dbError = (code: string) => new DatabaseError(Object.assign(new Error('x'), { code, sql: '' }) as never);

  it.each([
    ['22001', 400, 'validation_failed'],
    ['22P02', 400, 'validation_failed'],
    ['23503', 409, 'conflict'],
    ['23505', 409, 'conflict'],
    ['40001', 409, 'conflict'],
    ['CB001', 409, 'immutable_record'],
  ])('maps SQLSTATE %s to %i %s', (code, status, problemCode) => {
    expect(toProblem(dbError(code))).toMatchObject({ status, code: problemCode });
  });

  it('maps a unique violation with its field', () => {
    const err = new UniqueConstraintError({ errors: [{ path: 'email', message: 'x' }] as never });
    expect(toProblem(err)).toMatchObject({ status: 409, errors: [{ path: 'email' }] });
  });

  it('hides unknown errors behind a generic 500', () => {
    expect(toProblem(new Error('secret internals'))).toMatchObject({ status: 500, code: 'internal', detail: expect.not.stringContaining('secret') });
  });
});
