import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import type { User } from '../../src/models';
import { NOTICE } from '../../src/notifications/kinds';
import { notify } from '../../src/notifications/notify';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { useFixedClock, useTestClock } from '../support/clock';
import { buildComplaint } from '../support/factories';

const t = useTestApp();
useTestClock();

async function notice(user: User, complaint?: { id: string; reference: string }): Promise<string> {
  const [id] = await transaction(() =>
    notify({
      kind: NOTICE.followUpDue,
      cause: `test:${randomUUID()}`,
      recipientIds: [user.id],
      complaintId: complaint?.id ?? null,
      params: { reference: complaint?.reference ?? 'KN-2026-000077', dueAt: '2026-11-09T02:30:00.000Z' },
      link: complaint ? `/complaints/${complaint.id}` : null,
      email: false,
    }),
  );
  return id;
}

const readAtOf = async (id: string) =>
  (await sequelize().query<{ read_at: Date | null }>('SELECT read_at FROM notifications WHERE id = $1', { bind: [id], type: QueryTypes.SELECT }))[0].read_at;

/** The bell of a rendered page: its aria-label and the visible count (none when nothing is unread). */
function bellOf(html: string): { label: string; count: string | null } {
  const bell = /<a href="\/notifications" class="bell[^"]*" aria-label="([^"]+)"[^>]*data-testid="bell"[^>]*>([\s\S]*?)<\/a>/.exec(html);
  if (!bell) throw new Error('No bell on the page');
  const count = /data-testid="bell-count">([^<]+)</.exec(bell[2]);
  return { label: bell[1], count: count ? count[1] : null };
}

describe('/notifications', () => {
  it('sends a visitor to sign in; the sign-in page has no bell', async () => {
    const res = await t.request().get('/notifications');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fnotifications');
    const login = await t.request().get('/login');
    expect(login.status).toBe(200);
    expect(login.text).not.toContain('data-testid="bell"');
  });

  it('shows an empty state to a user with none, and a bell saying so in words', async () => {
    const { agent } = await signedInAgent(t.app, ['auditor']);
    const res = await agent.get('/notifications');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="notifications-empty"');
    expect(res.text).toContain('Chưa có thông báo nào.');
    expect(res.text).not.toContain('data-testid="notifications-read-all"');
    expect(bellOf(res.text)).toEqual({ label: 'Thông báo: không có thông báo chưa đọc', count: null });
    expect(bellOf((await agent.get('/notifications?lang=en')).text)).toEqual({ label: 'Notifications: none unread', count: null });
  });

  it('lists the reader’s own notifications in Vietnamese and English: unread marked in words, each with its link and a mark-read form', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    const { user: other } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    useFixedClock('2026-11-08T01:00:00.000Z');
    const unread = await notice(user, c);
    const read = await notice(user);
    const theirs = await notice(other);
    await sequelize().query('UPDATE notifications SET read_at = $2 WHERE id = $1', { bind: [read, '2026-11-08T03:15:00.000Z'] });

    const vi = await agent.get('/notifications');
    expect(vi.status).toBe(200);
    expect(vi.text).toContain('<h1>Thông báo</h1>');
    expect(vi.text).toContain(`data-testid="notification-${unread}" data-read="false"`);
    expect(vi.text).toContain(`data-testid="notification-${read}" data-read="true"`);
    expect(vi.text).not.toContain(theirs);
    expect(vi.text).toContain(`<a href="/complaints/${c.id}" data-testid="notification-link">Đến hạn gọi theo dõi: ${c.reference}</a>`);
    expect(vi.text).toContain(`Hồ sơ ${c.reference}: đã đến lúc liên hệ lại khách hàng (hạn lúc 09/11/2026 09:30).`);
    expect(vi.text).toContain('đã đọc lúc 08/11/2026 10:15');
    // Only the unread one carries the "Chưa đọc" badge and a mark-read form.
    expect(vi.text.match(/data-testid="notification-unread-badge">Chưa đọc</g)).toHaveLength(1);
    expect(vi.text).toContain(`action="/notifications/${unread}/read"`);
    expect(vi.text).not.toContain(`action="/notifications/${read}/read"`);
    expect(vi.text).toContain('Đánh dấu tất cả đã đọc');
    expect(vi.text).toContain('Chưa đọc: 1');
    expect(bellOf(vi.text)).toEqual({ label: 'Thông báo: 1 chưa đọc', count: '1' });

    const en = await agent.get('/notifications?lang=en');
    expect(en.text).toContain('<h1>Notifications</h1>');
    expect(en.text).toContain(`Follow-up call due: ${c.reference}`);
    expect(en.text).toContain('Mark read');
    expect(en.text).toContain('Mark all read');
    expect(bellOf(en.text)).toEqual({ label: 'Notifications: 1 unread', count: '1' });

    // The unread filter leaves the read one out.
    const onlyUnread = await agent.get('/notifications?unread=true');
    expect(onlyUnread.text).toContain(`data-testid="notification-${unread}"`);
    expect(onlyUnread.text).not.toContain(`data-testid="notification-${read}"`);
    expect(onlyUnread.text).toContain('<input type="hidden" name="back" value="/notifications?unread&#x3D;true">');
  });

  it('shows the bell on every signed-in page, capped at 99+', async () => {
    const { agent, user } = await signedInAgent(t.app, ['intake']);
    await notice(user);
    for (const path of ['/', '/account', '/complaints']) expect([path, bellOf((await agent.get(path)).text)]).toEqual([path, { label: 'Thông báo: 1 chưa đọc', count: '1' }]);
    await sequelize().query(
      `INSERT INTO notifications (recipient_id, kind, cause, params) SELECT $1, 'followup.due', 'bulk:' || g, '{"reference":"KN-2026-000001","dueAt":"2026-11-09T02:30:00.000Z"}' FROM generate_series(1, 150) g`,
      { bind: [user.id] },
    );
    expect(bellOf((await agent.get('/')).text)).toEqual({ label: 'Thông báo: hơn 99 chưa đọc', count: '99+' });
    // The page itself counts them all.
    expect((await agent.get('/notifications')).text).toContain('Chưa đọc: 151');
    expect(bellOf((await agent.get('/?lang=en')).text)).toEqual({ label: 'Notifications: more than 99 unread', count: '99+' });
  });

  it('marks one read from a CSRF-protected form and goes back to the list it came from; the bell drops', async () => {
    const { agent, user } = await signedInAgent(t.app, ['cs_director']);
    const first = await notice(user);
    const second = await notice(user);
    const page = await agent.get('/notifications?unread=true');
    expect(bellOf(page.text).count).toBe('2');

    const refused = await agent.post(`/notifications/${first}/read`).type('form').send({ back: '/notifications' });
    expect(refused.status).toBe(403);
    expect(await readAtOf(first)).toBeNull();

    const res = await agent.post(`/notifications/${first}/read`).type('form').send({ _csrf: csrfFrom(page.text), back: '/notifications?unread=true' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/notifications?unread=true');
    expect(await readAtOf(first)).not.toBeNull();
    const after = await agent.get(res.headers.location);
    expect(after.text).not.toContain(`data-testid="notification-${first}"`);
    expect(after.text).toContain(`data-testid="notification-${second}"`);
    expect(bellOf(after.text)).toEqual({ label: 'Thông báo: 1 chưa đọc', count: '1' });

    // Again (a double click): the same redirect, the first read time kept.
    const readAt = await readAtOf(first);
    expect((await agent.post(`/notifications/${first}/read`).type('form').send({ _csrf: csrfFrom(page.text) })).headers.location).toBe('/notifications');
    expect(await readAtOf(first)).toEqual(readAt);

    // "back" goes nowhere but the list.
    for (const back of ['https://evil.example/notifications', '//evil.example', '/admin/users', '/notifications/../admin', 'javascript:alert(1)']) {
      const r = await agent.post(`/notifications/${second}/read`).type('form').send({ _csrf: csrfFrom(page.text), back });
      expect([back, r.status, r.headers.location]).toEqual([back, 303, '/notifications']);
    }
  });

  it("answers 404 to another user's notification and a malformed id, and 400 to a bad cursor", async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const { user: other } = await signedInAgent(t.app, ['quality']);
    const theirs = await notice(other);
    const page = await agent.get('/notifications');
    for (const id of [theirs, 'not-an-id']) {
      const res = await agent.post(`/notifications/${id}/read`).type('form').send({ _csrf: csrfFrom(page.text) });
      expect([id, res.status]).toEqual([id, 404]);
    }
    expect(await readAtOf(theirs)).toBeNull();
    expect((await agent.get('/notifications?before=nope')).status).toBe(400);
  });

  it('marks all read from a CSRF-protected form, with a notice, and the bell goes quiet', async () => {
    const { agent, user } = await signedInAgent(t.app, ['dept_head']);
    const ids = [await notice(user), await notice(user), await notice(user)];
    const page = await agent.get('/notifications');
    expect((await agent.post('/notifications/read').type('form').send({})).status).toBe(403);
    for (const id of ids) expect(await readAtOf(id)).toBeNull();

    const res = await agent.post('/notifications/read').type('form').send({ _csrf: csrfFrom(page.text), back: '/notifications' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/notifications');
    for (const id of ids) expect(await readAtOf(id)).not.toBeNull();
    const after = await agent.get('/notifications');
    expect(after.text).toContain('Đã đánh dấu tất cả thông báo là đã đọc.');
    expect(after.text).toContain('Bạn đã đọc hết thông báo.');
    expect(after.text).not.toContain('data-testid="notifications-read-all"');
    expect(bellOf(after.text)).toEqual({ label: 'Thông báo: không có thông báo chưa đọc', count: null });
    // Nothing left: says so.
    await agent.post('/notifications/read').type('form').send({ _csrf: csrfFrom(page.text) });
    expect((await agent.get('/notifications')).text).toContain('Không còn thông báo chưa đọc.');
  });

  it('pages to older ones, keeping the filter', async () => {
    const { agent, user } = await signedInAgent(t.app, ['quality']);
    await sequelize().query(
      `INSERT INTO notifications (recipient_id, kind, cause, params, created_at)
       SELECT $1, 'followup.due', 'page:' || g, '{"reference":"KN-2026-000001","dueAt":"2026-11-09T02:30:00.000Z"}', now() - g * interval '1 minute' FROM generate_series(1, 55) g`,
      { bind: [user.id] },
    );
    const first = await agent.get('/notifications?unread=true');
    expect(first.text.match(/data-testid="notification-[0-9a-f-]{36}"/g)).toHaveLength(50);
    const next = /href="\/notifications\?unread&#x3D;true&amp;before&#x3D;([A-Za-z0-9_-]+)" data-testid="notifications-next"/.exec(first.text);
    expect(next).not.toBeNull();
    const second = await agent.get(`/notifications?unread=true&before=${next![1]}`);
    expect(second.status).toBe(200);
    expect(second.text.match(/data-testid="notification-[0-9a-f-]{36}"/g)).toHaveLength(5);
    expect(second.text).not.toContain('data-testid="notifications-next"');
  });
});
