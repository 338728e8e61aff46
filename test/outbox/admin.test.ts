import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { AuditEvent } from '../../src/models';
import { ENTRY_RECEIVED } from '../../src/outbox/entryReceived';
import { enqueue } from '../../src/outbox/outbox';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { signedIn } from '../support/factories';

const t = useTestApp();

const SECRET_SUBJECT = 'Nội dung khiếu nại không dành cho quản trị';

async function seedRow(state: { status: 'queued' | 'sent' | 'failed'; error?: string; attempts?: number }): Promise<string> {
  const id = (await asActor(() =>
    transaction(() =>
      enqueue({
        kind: ENTRY_RECEIVED,
        cause: randomUUID(),
        recipient: `nhan-${randomUUID().slice(0, 8)}@example.vn`,
        payload: { reference: 'KN-2026-000001', subject: SECRET_SUBJECT, customerName: 'Khách', receivedAt: '2026-11-02T03:00:00.000Z', firstReplyAt: '2026-11-04T03:00:00.000Z' },
      }),
    ),
  ))!;
  await sequelize().query(
    `UPDATE outbox SET status = $2::text, attempts = $3::int, last_error = $4::text, last_attempt_at = CASE WHEN $3::int > 0 THEN now() END,
       sent_at = CASE WHEN $2::text = 'sent' THEN now() END, next_attempt_at = now() + interval '1 hour' WHERE id = $1`,
    { bind: [id, state.status, state.attempts ?? (state.status === 'queued' ? 0 : 1), state.error ?? null] },
  );
  return id;
}

const statusOf = async (id: string) =>
  (await sequelize().query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE id = $1', { bind: [id], type: QueryTypes.SELECT }))[0];

let failed: string;
let sent: string;
let queued: string;

beforeAll(async () => {
  sent = await seedRow({ status: 'sent' });
  queued = await seedRow({ status: 'queued', attempts: 2, error: 'Connection refused [ECONNREFUSED]' });
  failed = await seedRow({ status: 'failed', attempts: 10, error: "Can't send mail - all recipients were rejected: 550 5.1.1 <x@example.vn>: Recipient address rejected" });
});

describe('GET /api/v1/outbox', () => {
  it('answers 401 without credentials and 403 to anyone but the sysadmin', async () => {
    const anonymous = await t.request().get('/api/v1/outbox');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthenticated');
    for (const roles of [['quality'], ['auditor'], ['intake', 'legal']] as const) {
      const { auth } = await signedIn([...roles]);
      const res = await t.request().get('/api/v1/outbox').set(auth);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('lists queued, sent and failed messages, newest first, with attempts and the error, never the message', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const res = await t.request().get('/api/v1/outbox').set(auth);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([failed, queued, sent]);
    expect(res.body.items[0]).toEqual({
      id: failed,
      kind: 'entry.received',
      channel: 'email',
      recipient: expect.stringMatching(/@example\.vn$/),
      complaintId: null,
      reference: null,
      status: 'failed',
      attempts: 10,
      nextAttemptAt: null,
      lastAttemptAt: expect.any(String),
      lastError: expect.stringContaining('550 5.1.1'),
      deliveryInfo: null,
      createdAt: expect.any(String),
      sentAt: null,
    });
    expect(res.body.items[1]).toMatchObject({ status: 'queued', attempts: 2, lastError: 'Connection refused [ECONNREFUSED]', nextAttemptAt: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain(SECRET_SUBJECT);
  });

  it('filters by status and pages with a cursor', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const onlyFailed = await t.request().get('/api/v1/outbox').set(auth).query({ status: 'failed' });
    expect(onlyFailed.body.items.map((i: { id: string }) => i.id)).toEqual([failed]);
    const first = await t.request().get('/api/v1/outbox').set(auth).query({ limit: 2 });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.request().get('/api/v1/outbox').set(auth).query({ limit: 2, cursor: first.body.nextCursor });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: sent })], nextCursor: null });
  });

  it('answers 400 to an unknown status, an unknown parameter, a bad limit or a cursor it did not make', async () => {
    const { auth } = await signedIn(['sysadmin']);
    for (const query of [{ status: 'lost' }, { kind: 'x' }, { limit: '0' }, { cursor: 'bm90LWEtY3Vyc29y' }]) {
      const res = await t.request().get('/api/v1/outbox').set(auth).query(query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });
});

describe('POST /api/v1/outbox/{id}/retry', () => {
  it('is the sysadmin’s: 401, 403, and 404 for an unknown id', async () => {
    expect((await t.request().post(`/api/v1/outbox/${failed}/retry`)).status).toBe(401);
    const quality = await signedIn(['quality']);
    expect((await t.request().post(`/api/v1/outbox/${failed}/retry`).set(quality.auth)).status).toBe(403);
    const admin = await signedIn(['sysadmin']);
    expect((await t.request().post(`/api/v1/outbox/${randomUUID()}/retry`).set(admin.auth)).status).toBe(404);
    expect((await t.request().post('/api/v1/outbox/not-an-id/retry').set(admin.auth)).status).toBe(404);
    expect(await statusOf(failed)).toEqual({ status: 'failed', attempts: 10 });
  });

  it('queues a failed message again (audited) and refuses to resend a sent one (409)', async () => {
    const id = await seedRow({ status: 'failed', attempts: 10, error: 'boom' });
    const { auth, user } = await signedIn(['sysadmin']);
    const res = await t.request().post(`/api/v1/outbox/${id}/retry`).set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'queued', attempts: 0, lastError: 'boom' });
    const event = await AuditEvent.findOne({ where: { entityType: 'Outbox', entityId: id, action: 'outbox.retried' } });
    expect(event).toMatchObject({ actorId: user.id, changes: { before: { status: 'failed', attempts: 10, lastError: 'boom' }, after: { status: 'queued', attempts: 0 } } });
    const again = await t.request().post(`/api/v1/outbox/${sent}/retry`).set(auth);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    expect(await statusOf(sent)).toMatchObject({ status: 'sent' });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.request().get('/api/openapi.json')).body;
    expect(doc.paths['/api/v1/outbox'].get.responses['403']).toBeDefined();
    expect(doc.paths['/api/v1/outbox/{id}/retry'].post.responses['409']).toBeDefined();
    expect(doc.components.schemas.OutboxMessage.properties.lastError).toBeDefined();
  });
});

describe('/admin/outbox', () => {
  it('sends a visitor to sign in, refuses other roles, and answers 400 to an unknown status', async () => {
    const anonymous = await t.request().get('/admin/outbox');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Foutbox');
    const { agent: quality } = await signedInAgent(t.app, ['quality']);
    expect((await quality.get('/admin/outbox')).status).toBe(403);
    expect((await quality.get('/')).text).not.toContain('href="/admin/outbox"');
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    expect((await agent.get('/admin/outbox?status=lost')).status).toBe(400);
  });

  it('shows the sysadmin each message with its status, attempts and error, and a retry button for the failed only', async () => {
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const res = await agent.get('/admin/outbox');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/admin/outbox"'); // in the navigation
    expect(res.text).toContain('Hộp thư đi');
    expect(res.text).toContain('550 5.1.1');
    expect(res.text).toContain('Connection refused [ECONNREFUSED]');
    expect(res.text).toContain('Thất bại (');
    expect(res.text).toContain(`data-testid="outbox-retry-${failed}"`);
    expect(res.text).not.toContain(`data-testid="outbox-retry-${sent}"`);
    expect(res.text).not.toContain(`data-testid="outbox-retry-${queued}"`);
    expect(res.text).not.toContain(SECRET_SUBJECT);
    const english = await agent.get('/admin/outbox?status=failed&lang=en');
    expect(english.text).toContain('Send again');
    expect(english.text).not.toContain(`data-testid="outbox-${sent}"`);
  });

  it('retries a failed message from a CSRF-protected form, audited', async () => {
    const id = await seedRow({ status: 'failed', attempts: 10, error: 'timeout' });
    const { agent, user } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/outbox?status=failed');
    expect((await agent.post(`/admin/outbox/${id}/retry`).type('form').send({})).status).toBe(403);
    expect(await statusOf(id)).toMatchObject({ status: 'failed' });

    const res = await agent.post(`/admin/outbox/${id}/retry`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/outbox?status=failed');
    expect(await statusOf(id)).toEqual({ status: 'queued', attempts: 0 });
    expect(await AuditEvent.count({ where: { entityId: id, action: 'outbox.retried', actorId: user.id } })).toBe(1);
    expect((await agent.get(res.headers.location)).text).toContain('Thư đã được đưa trở lại hàng chờ gửi.');

    // A second click (it is no longer failed) says so instead of failing.
    const twice = await agent.post(`/admin/outbox/${id}/retry`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(twice.status).toBe(303);
    expect((await agent.get('/admin/outbox')).text).toContain('không còn ở trạng thái thất bại');
    expect(await AuditEvent.count({ where: { entityId: id, action: 'outbox.retried' } })).toBe(1);
  });
});
