import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Response } from 'supertest';
import { sequelize, transaction } from '../../src/db';
import { NOTICE } from '../../src/notifications/kinds';
import { notify } from '../../src/notifications/notify';
import type { User } from '../../src/models';
import { useTestApp } from '../support/app';
import { advanceClock, useFixedClock, useTestClock } from '../support/clock';
import { buildComplaint, signedIn } from '../support/factories';

const t = useTestApp();
useTestClock();

/** One notification of `user` (an SLA breach of a fresh cause), written as a job would: notify() in a transaction. */
async function notice(user: User, extra: { complaintId?: string; reference?: string } = {}): Promise<string> {
  const [id] = await transaction(() =>
    notify({
      kind: NOTICE.slaBreached,
      cause: `test:${randomUUID()}`,
      recipientIds: [user.id],
      complaintId: extra.complaintId ?? null,
      params: { reference: extra.reference ?? 'KN-2026-000042', clock: 'stage', stage: 'investigation', dueAt: '2026-11-02T03:00:00.000Z' },
      link: extra.complaintId ? `/complaints/${extra.complaintId}` : null,
      email: false,
    }),
  );
  return id;
}

const readAtOf = async (id: string) =>
  (await sequelize().query<{ read_at: Date | null }>('SELECT read_at FROM notifications WHERE id = $1', { bind: [id], type: QueryTypes.SELECT }))[0].read_at;

/** Runs `tasks` at most `width` at a time (bounded parallelism: the embedded database has one connection). */
async function bounded<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

describe('GET /api/v1/notifications', () => {
  it('answers 401 without credentials, on every route', async () => {
    for (const res of [
      await t.request().get('/api/v1/notifications'),
      await t.request().post(`/api/v1/notifications/${randomUUID()}/read`),
      await t.request().post('/api/v1/notifications/read'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('unauthenticated');
    }
  });

  it("lists the caller's own notifications only, rendered in the request's language and the organisation's zone", async () => {
    const me = await signedIn(['intake']);
    const other = await signedIn(['quality']);
    const c = await buildComplaint();
    useFixedClock('2026-11-03T01:00:00.000Z');
    const mine = await notice(me.user, { complaintId: c.id, reference: c.reference });
    await notice(other.user);

    const res = await t.request().get('/api/v1/notifications').set(me.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: mine,
          kind: 'sla.breached',
          title: `Quá hạn: ${c.reference}`,
          body: `Hồ sơ ${c.reference}: SLA giai đoạn: Xác thực và điều tra đã quá hạn (hạn lúc 02/11/2026 10:00).`,
          link: `/complaints/${c.id}`,
          complaintId: c.id,
          createdAt: '2026-11-03T01:00:00.000Z',
          readAt: null,
        },
      ],
      unread: 1,
      nextCursor: null,
    });
    const en = await t.request().get('/api/v1/notifications?lang=en').set(me.auth);
    expect(en.body.items[0].title).toBe(`Overdue: ${c.reference}`);
    expect(en.body.items[0].body).toBe(`Case ${c.reference}: Stage SLA: Investigation is overdue (it was due at 2 Nov 2026, 10:00).`);
    // A user with none gets an empty list, not someone else's.
    const nobody = await signedIn(['auditor']);
    expect((await t.request().get('/api/v1/notifications').set(nobody.auth)).body).toEqual({ items: [], unread: 0, nextCursor: null });
  });

  it('pages newest first with the before cursor (ties broken by id), and filters the unread ones', async () => {
    const me = await signedIn(['quality']);
    useFixedClock('2026-11-05T00:00:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await notice(me.user));
      advanceClock(60_000);
    }
    // Two at the very same instant: the id orders them.
    const same = [await notice(me.user), await notice(me.user)].sort().reverse();
    const newestFirst = [...same, ...ids.reverse()];

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Response = await t
        .request()
        .get('/api/v1/notifications')
        .query({ limit: 3, ...(cursor ? { before: cursor } : {}) })
        .set(me.auth);
      expect(res.status).toBe(200);
      expect(res.body.unread).toBe(7);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);

    // Read two; the unread filter leaves them out, the list keeps them.
    for (const id of [newestFirst[0], newestFirst[4]]) expect((await t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth)).status).toBe(200);
    const unread = await t.request().get('/api/v1/notifications?unread=true').set(me.auth);
    expect(unread.body.items.map((i: { id: string }) => i.id)).toEqual(newestFirst.filter((_, i) => i !== 0 && i !== 4));
    expect(unread.body.unread).toBe(5);
    const all = await t.request().get('/api/v1/notifications?unread=false').set(me.auth);
    expect(all.body.items).toHaveLength(7);
  });

  it('still lists a notification of a kind no longer made (no template), under a plain title', async () => {
    const me = await signedIn(['quality']);
    const [row] = await sequelize().query<{ id: string }>(
      `INSERT INTO notifications (recipient_id, kind, cause, params) VALUES ($1, 'legacy.gone', 'legacy:1', '{"reference":"KN-2026-000001"}') RETURNING id`,
      { bind: [me.user.id], type: QueryTypes.SELECT },
    );
    const res = await t.request().get('/api/v1/notifications').set(me.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ id: row.id, kind: 'legacy.gone', title: 'Thông báo', body: '' })]);
    expect((await t.request().get('/api/v1/notifications?lang=en').set(me.auth)).body.items[0].title).toBe('Notification');
  });

  it('answers 400 validation_failed to a bad limit, filter, cursor or an unknown parameter', async () => {
    const me = await signedIn(['quality']);
    for (const query of [{ limit: '101' }, { limit: '0' }, { limit: 'ten' }, { unread: 'yes' }, { before: 'not-a-cursor' }, { page: '2' }]) {
      const res = await t.request().get('/api/v1/notifications').query(query).set(me.auth);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await t.request().get('/api/v1/notifications?limit=100').set(me.auth)).status).toBe(200);
  });
});

describe('POST /api/v1/notifications/:id/read', () => {
  it('marks one read and answers it; a second time keeps the first read time', async () => {
    const me = await signedIn(['cs_director']);
    useFixedClock('2026-11-06T02:00:00.000Z');
    const id = await notice(me.user);
    advanceClock(5 * 60_000);
    const first = await t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, kind: 'sla.breached', createdAt: '2026-11-06T02:00:00.000Z', readAt: '2026-11-06T02:05:00.000Z' });
    advanceClock(60 * 60_000);
    const again = await t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth);
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe('2026-11-06T02:05:00.000Z');
    expect((await readAtOf(id))!.toISOString()).toBe('2026-11-06T02:05:00.000Z');
    expect((await t.request().get('/api/v1/notifications').set(me.auth)).body.unread).toBe(0);
  });

  it("answers 404 for another user's notification (never 403: it does not reveal it exists), an unknown or a malformed id", async () => {
    const me = await signedIn(['quality']);
    const other = await signedIn(['quality']);
    const theirs = await notice(other.user);
    for (const id of [theirs, randomUUID(), 'not-an-id']) {
      const res = await t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth);
      expect([id, res.status]).toEqual([id, 404]);
      expect(res.body.code).toBe('not_found');
    }
    expect(await readAtOf(theirs)).toBeNull();
  });

  it('refuses a body that is not JSON (415) before touching anything', async () => {
    const me = await signedIn(['quality']);
    const id = await notice(me.user);
    const res = await t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth).set('Content-Type', 'text/plain').send('read');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
    expect(await readAtOf(id)).toBeNull();
  });
});

describe('POST /api/v1/notifications/read', () => {
  it("marks all of the caller's unread ones read, keeps the read ones' time, and leaves other users' alone", async () => {
    const me = await signedIn(['dept_head']);
    const other = await signedIn(['dept_head']);
    useFixedClock('2026-11-07T00:00:00.000Z');
    const early = await notice(me.user);
    await t.request().post(`/api/v1/notifications/${early}/read`).set(me.auth);
    const rest = [await notice(me.user), await notice(me.user)];
    const theirs = await notice(other.user);
    advanceClock(3_600_000);
    const res = await t.request().post('/api/v1/notifications/read').set(me.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unread: 0 });
    expect((await readAtOf(early))!.toISOString()).toBe('2026-11-07T00:00:00.000Z');
    for (const id of rest) expect((await readAtOf(id))!.toISOString()).toBe('2026-11-07T01:00:00.000Z');
    expect(await readAtOf(theirs)).toBeNull();
    // Nothing left: still 200.
    expect((await t.request().post('/api/v1/notifications/read').set(me.auth)).body).toEqual({ unread: 0 });
  });

  it('takes concurrent mark-all and mark-one requests together: every one read once, its first read time kept, nothing lost', async () => {
    const me = await signedIn(['quality']);
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await notice(me.user));
    const one = (id: string) => () => t.request().post(`/api/v1/notifications/${id}/read`).set(me.auth);
    const all = () => t.request().post('/api/v1/notifications/read').set(me.auth);
    // A mark-all every sixth request, amid the single ones.
    const round = () => ids.flatMap((id, i) => (i % 6 === 0 ? [all, one(id)] : [one(id)]));
    const first = await bounded(round(), 8);
    expect(first.map((r) => r.status)).toEqual(first.map(() => 200));
    // Each single answer says the stored time.
    for (const r of first.filter((x) => x.body.id)) expect(new Date(r.body.readAt).getTime()).toBe((await readAtOf(r.body.id))!.getTime());
    const times = await Promise.all(ids.map(async (id) => (await readAtOf(id))!.getTime()));
    // A second round changes no read time: the first mark wins.
    const second = await bounded(round(), 8);
    expect(second.map((r) => r.status)).toEqual(second.map(() => 200));
    expect(await Promise.all(ids.map(async (id) => (await readAtOf(id))!.getTime()))).toEqual(times);
    for (const r of second.filter((x) => x.body.id)) expect(new Date(r.body.readAt).getTime()).toBe(times[ids.indexOf(r.body.id)]);
    const left = await t.request().get('/api/v1/notifications?unread=true').set(me.auth);
    expect(left.body).toEqual({ items: [], unread: 0, nextCursor: null });
    const stored = await sequelize().query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NOT NULL', {
      bind: [me.user.id],
      type: QueryTypes.SELECT,
    });
    expect(stored[0].n).toBe(24);
  });
});

describe('the OpenAPI document', () => {
  it('describes the three routes with their schemas', async () => {
    const doc = (await t.request().get('/api/openapi.json')).body;
    expect(doc.paths['/api/v1/notifications'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/NotificationPage');
    expect(doc.paths['/api/v1/notifications/{id}/read'].post.responses['404']).toBeDefined();
    expect(doc.paths['/api/v1/notifications/read'].post.responses['401']).toBeDefined();
    expect(Object.keys(doc.components.schemas.Notification.properties)).toEqual(['id', 'kind', 'title', 'body', 'link', 'complaintId', 'createdAt', 'readAt']);
  });
});
