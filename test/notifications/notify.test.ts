import { QueryTypes } from 'sequelize';
import { useTestDatabase } from '../support/db';
import { buildComplaint, buildUser } from '../support/factories';
import { sequelize, transaction } from '../../src/db';
import { departmentHeads, notify, usersWithRoles } from '../../src/notifications/notify';
import { NOTICE, notificationKinds } from '../../src/notifications/kinds';
import { renderNotice } from '../../src/notifications/render';
import { outboxKind } from '../../src/outbox/kinds';
import { NOTIFICATION_MAIL } from '../../src/outbox/notificationMail';
import { LANGS, translator } from '../../src/lib/i18n';

useTestDatabase();

const rows = (cause: string) =>
  sequelize().query<{ recipient_id: string; kind: string }>('SELECT recipient_id, kind FROM notifications WHERE cause = $1 ORDER BY recipient_id', {
    bind: [cause],
    type: QueryTypes.SELECT,
  });
const mails = (cause: string) =>
  sequelize().query<{ recipient: string; payload: { kind: string; params: Record<string, unknown>; locale: string | null } }>(
    `SELECT recipient, payload FROM outbox WHERE kind = '${NOTIFICATION_MAIL}' AND dedupe_key LIKE $1 ORDER BY recipient`,
    { bind: [`%:${cause}:%`], type: QueryTypes.SELECT },
  );

describe('notify()', () => {
  it('writes one notification per active recipient and cause, with its e-mail once, whatever runs concurrently', async () => {
    const a = await buildUser({ locale: 'en' });
    const b = await buildUser();
    const gone = await buildUser({ active: false });
    const c = await buildComplaint();
    const cause = `clock:${c.id}:100`;
    const notice = {
      kind: NOTICE.slaBreached,
      cause,
      recipientIds: [a.id, b.id, gone.id, a.id],
      complaintId: c.id,
      params: { reference: c.reference, clock: 'stage', stage: 'investigation', dueAt: '2026-11-02T03:00:00.000Z' },
      link: `/complaints/${c.id}`,
    };
    const created = await Promise.all(Array.from({ length: 6 }, () => transaction(() => notify(notice))));
    expect(created.flat()).toHaveLength(2);
    expect((await rows(cause)).map((r) => r.recipient_id)).toEqual([a.id, b.id].sort());
    const sent = await mails(cause);
    expect(sent.map((m) => m.recipient).sort()).toEqual([a.email, b.email].sort());
    expect(sent.find((m) => m.recipient === a.email)!.payload.locale).toBe('en');
    // A rolled-back cause leaves nothing.
    await expect(
      transaction(async () => {
        await notify({ ...notice, cause: 'rolled-back' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await rows('rolled-back')).toEqual([]);
  });

  it('refuses to run outside a transaction, and an unknown kind', async () => {
    const a = await buildUser();
    await expect(notify({ kind: NOTICE.reportDue, cause: 'x', recipientIds: [a.id] })).rejects.toThrow(/outside a transaction/);
    await expect(transaction(() => notify({ kind: 'no.such', cause: 'x', recipientIds: [a.id] }))).rejects.toThrow(/Unknown notification kind/);
  });

  it('e-mails the same text as the app, in the recipient’s language, with the absolute link', async () => {
    const params = { reference: 'KN-2026-000007', clock: 'stage', stage: 'investigation', dueAt: '2026-11-02T03:00:00.000Z' };
    const mail = outboxKind(NOTIFICATION_MAIL)!.render(
      { kind: NOTICE.slaBreached, params, link: '/complaints/abc', locale: 'vi' },
      { timezone: 'Asia/Ho_Chi_Minh', senderName: 'Phòng CSKH', reference: null, publicUrl: 'https://casebook.example.vn' },
    );
    expect(mail.subject).toBe('[Casebook] Quá hạn: KN-2026-000007');
    expect(mail.text).toContain('SLA giai đoạn: Xác thực và điều tra đã quá hạn');
    expect(mail.text).toContain('02/11/2026 10:00');
    expect(mail.text).toContain('https://casebook.example.vn/complaints/abc');
    expect(renderNotice(NOTICE.renewalDue, { customer: 'Công ty Hoa Sen', service: 'Bảo trì', expiresOn: '2026-12-31', days: 30 }, 'en', 'Asia/Ho_Chi_Minh').body).toBe(
      "Customer Công ty Hoa Sen's service Bảo trì expires on 31 Dec 2026.",
    );
  });

  it('labels every kind in both languages', () => {
    expect(notificationKinds().length).toBeGreaterThanOrEqual(9);
    for (const lang of LANGS) {
      const t = translator(lang);
      for (const kind of notificationKinds()) {
        for (const part of ['title', 'body']) expect(t(`notification.kinds.${kind}.${part}`)).not.toBe(`notification.kinds.${kind}.${part}`);
      }
    }
  });

  it('finds recipients by role and department head', async () => {
    const head = await buildUser({ roles: ['dept_head'] });
    const other = await buildUser({ roles: ['dept_head'] });
    await buildUser({ roles: ['dept_head'], departmentId: head.departmentId, active: false });
    expect(await departmentHeads([head.departmentId, null])).toEqual([head.id]);
    const leads = await usersWithRoles(['dept_head']);
    expect(leads).toEqual(expect.arrayContaining([head.id, other.id]));
  });
});
