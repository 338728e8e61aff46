import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { NOTICE } from '../../src/notifications/kinds';
import { notify, type Notice } from '../../src/notifications/notify';
import { notifyAll } from '../../src/notifications/notify';
import { asActor } from '../support/context';
import { useTestDatabase } from '../support/db';
import { buildComplaint, buildUser } from '../support/factories';

useTestDatabase();

const rowsOf = (cause: string) =>
  sequelize().query<Record<string, unknown>>(
    `SELECT n.recipient_id, n.kind, n.complaint_id, n.params, n.link, o.kind AS mail_kind, o.recipient AS mail_to, o.payload AS mail_payload, o.status AS mail_status,
            replace(o.dedupe_key, $1, '') AS mail_key
       FROM notifications n JOIN users u ON u.id = n.recipient_id
       LEFT JOIN outbox o ON o.dedupe_key = 'notification.created:' || n.kind || ':' || n.cause || ':' || lower(u.email)
      WHERE n.cause = $1 ORDER BY n.recipient_id`,
    { bind: [cause], type: QueryTypes.SELECT },
  );

describe('notifyAll (the sweep\'s batched notify)', () => {
  it('writes exactly what notify() writes — notifications, e-mails — for active recipients only, and a repeat is a no-op', async () => {
    const a = await buildUser({ roles: ['quality'], locale: 'en' });
    const b = await buildUser({ roles: ['dept_head'] });
    const inactive = await buildUser({ roles: ['quality'], active: false });
    const c = await buildComplaint();
    const notice = (cause: string): Notice => ({
      kind: NOTICE.slaBreached,
      cause,
      recipientIds: [b.id, a.id, inactive.id, a.id],
      complaintId: c.id,
      params: { reference: c.reference, clock: 'stage', stage: 'intake', dueAt: '2026-11-02T04:00:00.000Z' },
      link: `/complaints/${c.id}`,
    });
    await asActor(() => transaction(() => notify(notice('test:one'))));
    const created = await asActor(() => transaction(() => notifyAll([notice('test:two')])));
    expect(created).toHaveLength(2);
    const one = await rowsOf('test:one');
    const two = await rowsOf('test:two');
    expect(one).toHaveLength(2);
    expect(two).toEqual(one);
    expect(two.map((r) => r.recipient_id)).not.toContain(inactive.id);
    expect(two.find((r) => r.recipient_id === a.id)).toMatchObject({ mail_kind: 'notification.created', mail_to: a.email, mail_status: 'queued' });

    expect(await asActor(() => transaction(() => notifyAll([notice('test:two'), notice('test:two')])))).toEqual([]);
    expect(await rowsOf('test:two')).toHaveLength(2);
    await expect(notifyAll([notice('test:three')])).rejects.toThrow(/outside a transaction/);
  });
});
