import { QueryTypes } from 'sequelize';
import { localDay, renewalSchedule } from '../commands/customerServices';
import { sequelize } from '../db';
import type { RoleKey } from '../domain/roles';
import { daysBetween, reminderWindows } from '../domain/renewals';
import * as clock from '../lib/clock';
import { NOTICE } from '../notifications/kinds';
import { notify, usersWithRoles } from '../notifications/notify';
import { enqueue } from '../outbox/outbox';
import { renewalReminderEffect } from '../outbox/renewalReminder';
import { CronJob, type JobContext } from './CronJob';

const CHUNK = 100;

/** Who is reminded in the company: intake (the receivers in Sales / Admin who keep the customers) every time; the CS director too once the service has lapsed. */
export const RENEWAL_STAFF: readonly RoleKey[] = ['intake'];
export const LAPSED_RENEWAL_STAFF: readonly RoleKey[] = ['intake', 'cs_director'];

interface Due {
  id: string;
  expiresOn: string;
  name: string;
  kind: string;
  customerId: string;
  customerName: string;
  email: string | null;
}

/** The (service, expiry date, offset) a reminder is about: the notification's and the e-mail's cause. */
export const reminderCause = (serviceId: string, expiresOn: string, offset: number) => `renewal:${serviceId}:${expiresOn}:${offset}`;

/**
 * Renewal reminders (PRODUCT.md "Customers and customer care"; the care procedure's Bước 3), daily
 * at 07:00 in the organisation's zone. For the tick's local day and each offset of the schedule
 * (setting `renewal_schedule`), the live services whose reminder for that offset is due — its day
 * has come and the next offset's has not (the last one: within the grace days; src/domain/renewals.ts)
 * — and was not sent yet: set-based on the partial index of `expires_on`, in keyset pages of 100,
 * each page one short transaction that records the reminders (`renewal_reminders`, UNIQUE per
 * (service, expiry, offset): a second instance's insert is a no-op, so each is sent exactly once),
 * notifies the staff and e-mails the customer's registered address through the outbox.
 */
export class RenewalRemindersJob extends CronJob {
  readonly name = 'renewal-reminders';
  readonly schedule = '0 7 * * *';

  constructor(private readonly timezone: string) {
    super();
  }

  async perform(ctx: JobContext) {
    const today = localDay(ctx.tick, this.timezone);
    const schedule = await renewalSchedule();
    for (const w of reminderWindows(schedule, today)) {
      let after: Due | null = null;
      for (;;) {
        const page: Due[] = await ctx.chunk(() => this.remindPage(ctx, today, w, after));
        if (page.length < CHUNK) break;
        after = page[page.length - 1];
      }
    }
    return { day: today, schedule };
  }

  /** One page of the services due for `w.offset`: recorded, notified and e-mailed in the chunk's transaction. */
  private async remindPage(ctx: JobContext, today: string, w: { offset: number; lo: string; hi: string }, after: Due | null): Promise<Due[]> {
    const s = sequelize();
    // The rows are locked so a concurrent edit (a renewal's new expiry date) is waited for and re-read, never reminded on a stale date.
    const page = await s.query<Due>(
      `SELECT sv.id, sv.expires_on::text AS "expiresOn", sv.name, sv.kind, sv.customer_id AS "customerId", c.name AS "customerName", c.email
         FROM customer_services sv JOIN customers c ON c.id = sv.customer_id
        WHERE NOT sv.ended AND sv.expires_on > $1::date AND sv.expires_on <= $2::date
          ${after ? 'AND (sv.expires_on, sv.id) > ($4::date, $5::uuid)' : ''}
          AND NOT EXISTS (SELECT 1 FROM renewal_reminders r WHERE r.service_id = sv.id AND r.expires_on = sv.expires_on AND r.offset_days = $3)
        ORDER BY sv.expires_on, sv.id LIMIT ${CHUNK}
        FOR UPDATE OF sv`,
      { bind: after ? [w.lo, w.hi, w.offset, after.expiresOn, after.id] : [w.lo, w.hi, w.offset], type: QueryTypes.SELECT },
    );
    if (page.length === 0) return page;
    const inserted = await s.query<{ service_id: string }>(
      `INSERT INTO renewal_reminders (service_id, expires_on, offset_days, due_on, sent_on, sent_at)
       SELECT x.id, x.e, $3::int, x.e - $3::int, $4::date, $5 FROM unnest($1::uuid[], $2::date[]) WITH ORDINALITY AS x(id, e, n) ORDER BY x.n
       ON CONFLICT (service_id, expires_on, offset_days) DO NOTHING RETURNING service_id`,
      { bind: [page.map((p) => p.id), page.map((p) => p.expiresOn), w.offset, today, clock.now()], type: QueryTypes.SELECT },
    );
    const mine = new Set(inserted.map((r) => r.service_id));
    const staff = await usersWithRoles(w.offset < 0 ? LAPSED_RENEWAL_STAFF : RENEWAL_STAFF);
    for (const due of page) {
      // Another instance recorded it first (its insert won the key): it sends it, not us.
      if (!mine.has(due.id)) continue;
      const cause = reminderCause(due.id, due.expiresOn, w.offset);
      const days = daysBetween(today, due.expiresOn);
      await notify({
        kind: NOTICE.renewalDue,
        cause,
        recipientIds: staff,
        params: { customer: due.customerName, service: due.name, expiresOn: due.expiresOn, days },
        link: `/customers/${due.customerId}`,
      });
      ctx.count('reminded');
      if (due.email) {
        await enqueue(renewalReminderEffect(cause, due.email, { customerName: due.customerName, service: due.name, serviceKind: due.kind, expiresOn: due.expiresOn, days }));
        ctx.count('emailed');
      }
    }
    return page;
  }
}
