import { QueryTypes } from 'sequelize';
import { createCustomerService, updateCustomerService } from '../../src/commands/customerServices';
import { updateSetting } from '../../src/commands/settings';
import { sequelize } from '../../src/db';
import { addDays, DEFAULT_RENEWAL_SCHEDULE, nextReminder } from '../../src/domain/renewals';
import { RenewalRemindersJob } from '../../src/jobs/renewalRemindersJob';
import { resetClock, useFixedClock } from '../../src/lib/clock';
import { outboxKind } from '../../src/outbox/kinds';
import { RENEWAL_REMINDER } from '../../src/outbox/renewalReminder';
import type { CustomerService } from '../../src/models';
import { useTestDatabase } from '../support/db';
import { runTicksInProcesses } from '../support/jobProcesses';
import { useTestClock } from '../support/clock';
import { asActor } from '../support/context';
import { buildCustomer, buildUser } from '../support/factories';
import { serverUrl, withDatabase } from '../support/testDatabase';

useTestDatabase();
useTestClock();

const ZONE = 'Asia/Ho_Chi_Minh';
/** 07:00 in Hà Nội on `day`: the scheduled tick. */
const sevenAm = (day: string) => new Date(`${day}T00:00:00.000Z`);

let seq = 0;
async function service(expiresOn: string, options: { email?: string | null; name?: string } = {}): Promise<CustomerService> {
  const customer = await buildCustomer({ email: options.email === undefined ? `khach${++seq}.${Date.now()}@example.vn` : options.email, name: `Công ty Tên Miền ${seq}` });
  return asActor(() => createCustomerService(customer.id, { name: options.name ?? `congty${seq}.vn`, kind: 'domain', expiresOn }));
}

/** Runs the job at `tick` with the clock standing there. */
async function runAt(tick: Date, job = new RenewalRemindersJob(ZONE)) {
  useFixedClock(tick);
  try {
    return await job.run(tick);
  } finally {
    resetClock();
  }
}

const reminders = (serviceId: string) =>
  sequelize().query<{ expires_on: string; offset_days: number; due_on: string; sent_on: string }>(
    'SELECT expires_on::text, offset_days, due_on::text, sent_on::text FROM renewal_reminders WHERE service_id = $1 ORDER BY id',
    { bind: [serviceId], type: QueryTypes.SELECT },
  );
const notifications = (serviceId: string) =>
  sequelize().query<{ recipient_id: string; cause: string; params: Record<string, unknown>; link: string }>(
    `SELECT recipient_id, cause, params, link FROM notifications WHERE kind = 'renewal.due' AND cause LIKE $1 ORDER BY cause, recipient_id`,
    { bind: [`renewal:${serviceId}:%`], type: QueryTypes.SELECT },
  );
const customerMails = (serviceId: string) =>
  sequelize().query<{ recipient: string; payload: Record<string, unknown> }>(`SELECT recipient, payload FROM outbox WHERE kind = '${RENEWAL_REMINDER}' AND dedupe_key LIKE $1 ORDER BY id`, {
    bind: [`${RENEWAL_REMINDER}:renewal:${serviceId}:%`],
    type: QueryTypes.SELECT,
  });

let intake: string;
let director: string;
beforeAll(async () => {
  intake = (await buildUser({ roles: ['intake'] })).id;
  director = (await buildUser({ roles: ['cs_director'] })).id;
});

describe('the renewal-reminders job', () => {
  it('reminds on each day of the schedule — 30, 18, 15, 3 days before, 1 and 4 after — and on no other day', async () => {
    const expiresOn = '2027-03-31';
    const s = await service(expiresOn);
    const sentOn: Record<string, number> = {};
    for (let day = addDays(expiresOn, -32); day <= addDays(expiresOn, 14); day = addDays(day, 1)) {
      const before = (await reminders(s.id)).length;
      const outcome = await runAt(sevenAm(day));
      expect(outcome).toMatchObject({ ran: true, status: 'succeeded' });
      const after = await reminders(s.id);
      if (after.length > before) {
        expect(after.length).toBe(before + 1);
        sentOn[day] = after[after.length - 1].offset_days;
      }
    }
    // The day before an offset: none; its day: one; the next day: none again.
    expect(sentOn).toEqual({ '2027-03-01': 30, '2027-03-13': 18, '2027-03-16': 15, '2027-03-28': 3, '2027-04-01': -1, '2027-04-04': -4 });
    expect((await reminders(s.id)).every((r) => r.due_on === r.sent_on && r.expires_on === expiresOn)).toBe(true);

    // Intake every time; the CS director once the service has lapsed. Linked to the customer's page.
    const notes = await notifications(s.id);
    const of = (offset: number) => notes.filter((n) => n.cause === `renewal:${s.id}:${expiresOn}:${offset}`).map((n) => n.recipient_id);
    for (const offset of [30, 18, 15, 3]) {
      expect(of(offset)).toContain(intake);
      expect(of(offset)).not.toContain(director);
    }
    for (const offset of [-1, -4]) expect(of(offset)).toEqual(expect.arrayContaining([intake, director]));
    expect(notes.find((n) => n.cause.endsWith(':30'))!).toMatchObject({ link: `/customers/${s.customerId}`, params: { service: s.name, expiresOn, days: 30 } });
    expect(notes.find((n) => n.cause.endsWith(':-4'))!.params.days).toBe(-4);

    // The customer's registered address gets the care procedure's e-mail each time.
    const mails = await customerMails(s.id);
    expect(mails.map((m) => m.payload.days as number).sort((x, y) => y - x)).toEqual([30, 18, 15, 3, -1, -4]);
    expect(new Set(mails.map((m) => m.recipient)).size).toBe(1);
  });

  it('renders the customer e-mail in Vietnamese, before and after the expiry', () => {
    const kind = outboxKind(RENEWAL_REMINDER)!;
    const ctx = { timezone: ZONE, senderName: 'Công ty Casebook', reference: null, publicUrl: 'http://localhost:3000' };
    const before = kind.render({ customerName: 'Công ty Ánh Dương', service: 'anhduong.vn', serviceKind: 'domain', expiresOn: '2027-03-31', days: 18, locale: 'vi' }, ctx);
    expect(before.subject).toBe('Thông báo gia hạn dịch vụ anhduong.vn: hết hạn ngày 31/03/2027');
    expect(before.text).toContain('Kính gửi Công ty Ánh Dương,');
    expect(before.text).toContain('Dịch vụ Tên miền "anhduong.vn" của Quý khách sẽ hết hạn vào ngày 31/03/2027 (còn 18 ngày).');
    expect(before.text).toContain('Công ty Casebook');
    const after = kind.render({ customerName: 'Công ty Ánh Dương', service: 'anhduong.vn', serviceKind: 'domain', expiresOn: '2027-03-31', days: -4, locale: 'vi' }, ctx);
    expect(after.subject).toBe('Thông báo quá hạn dịch vụ anhduong.vn: đã hết hạn ngày 31/03/2027');
    expect(after.text).toContain('đã hết hạn từ ngày 31/03/2027 (4 ngày trước)');
    const en = kind.render({ customerName: 'Sunrise Ltd', service: 'sunrise.vn', serviceKind: 'hosting', expiresOn: '2027-03-31', days: 1, locale: 'en' }, ctx);
    expect(en.text).toContain('Your Hosting service "sunrise.vn" expires on 31 Mar 2027 (in 1 day).');
  });

  it('gives a renewed service (a new expiry date) a schedule of its own; the old one is not repeated', async () => {
    const first = '2028-06-30';
    const s = await service(first);
    await runAt(sevenAm(addDays(first, -30)));
    expect((await reminders(s.id)).map((r) => [r.expires_on, r.offset_days])).toEqual([[first, 30]]);
    // Renewed for a year: the old expiry's remaining reminders are no longer due.
    const renewed = '2029-06-30';
    await asActor(() => updateCustomerService(s.id, s.version, { expiresOn: renewed }));
    await runAt(sevenAm(addDays(first, -18)));
    await runAt(sevenAm(addDays(first, 1)));
    expect((await reminders(s.id)).map((r) => [r.expires_on, r.offset_days])).toEqual([[first, 30]]);
    await runAt(sevenAm(addDays(renewed, -30)));
    expect((await reminders(s.id)).map((r) => [r.expires_on, r.offset_days])).toEqual([
      [first, 30],
      [renewed, 30],
    ]);
    expect((await notifications(s.id)).filter((n) => n.recipient_id === intake).map((n) => n.cause)).toEqual([`renewal:${s.id}:${first}:30`, `renewal:${s.id}:${renewed}:30`]);
  });

  it('catches up a missed reminder while it is meaningful: until the next offset is due, the last one for 7 days', async () => {
    const e = '2030-09-30';
    const s = await service(e);
    const late = await service('2030-12-10');
    // The app was down: first run 20 days before expiry — the 30-day reminder is still sent (saying 20 days).
    await runAt(sevenAm(addDays(e, -20)));
    expect((await reminders(s.id)).map((r) => [r.offset_days, r.due_on, r.sent_on])).toEqual([[30, addDays(e, -30), addDays(e, -20)]]);
    expect((await notifications(s.id)).find((n) => n.recipient_id === intake)!.params.days).toBe(20);
    // Down again until 5 days before: 18 is past its window (15 has come), so only 15 is sent.
    await runAt(sevenAm(addDays(e, -5)));
    expect((await reminders(s.id)).map((r) => r.offset_days)).toEqual([30, 15]);
    // 10 days after: 3 and −1 are stale; −4 is the last one and within its 7 grace days.
    await runAt(sevenAm(addDays(e, 10)));
    expect((await reminders(s.id)).map((r) => r.offset_days)).toEqual([30, 15, -4]);
    // Another service seen first 11 days after its expiry: its last reminder (due 14 Dec) is past its 7 grace days; 10 days after, it was not.
    await runAt(sevenAm(addDays('2030-12-10', 11)));
    expect(await reminders(late.id)).toEqual([]);
    await runAt(sevenAm(addDays('2030-12-10', 10)));
    expect((await reminders(late.id)).map((r) => r.offset_days)).toEqual([-4]);
  });

  it('sends each reminder exactly once when two instances run the job at once (different manual ticks)', async () => {
    const e = '2031-05-20';
    const services = await Promise.all([service(e), service(e), service(e, { email: null })]);
    const day = addDays(e, -15);
    const a = new RenewalRemindersJob(ZONE);
    const b = new RenewalRemindersJob(ZONE);
    useFixedClock(sevenAm(day));
    const [ra, rb] = await Promise.all([a.run(new Date(sevenAm(day).getTime() + 1_001)), b.run(new Date(sevenAm(day).getTime() + 2_002))]);
    resetClock();
    expect(ra).toMatchObject({ ran: true, status: 'succeeded' });
    expect(rb).toMatchObject({ ran: true, status: 'succeeded' });
    expect((ra.counts?.reminded ?? 0) + (rb.counts?.reminded ?? 0)).toBe(3);
    expect((ra.counts?.emailed ?? 0) + (rb.counts?.emailed ?? 0)).toBe(2);
    for (const s of services) {
      expect((await reminders(s.id)).map((r) => r.offset_days)).toEqual([15]);
      const notes = await notifications(s.id);
      expect(notes.filter((n) => n.recipient_id === intake)).toHaveLength(1);
      expect(new Set(notes.map((n) => n.recipient_id)).size).toBe(notes.length);
    }
    expect((await customerMails(services[0].id)).length).toBe(1);
    expect(await customerMails(services[2].id)).toEqual([]);
  });

  it('does not remind an ended service, and follows an edited schedule', async () => {
    const e = '2032-02-29';
    const ended = await service(e);
    await asActor(() => updateCustomerService(ended.id, ended.version, { ended: true }));
    const s = await service(e);
    await asActor(() => updateSetting({ key: 'renewal_schedule', value: { offsets: [7] } }, undefined));
    try {
      await runAt(sevenAm(addDays(e, -30)));
      expect(await reminders(s.id)).toEqual([]);
      await runAt(sevenAm(addDays(e, -7)));
      expect((await reminders(s.id)).map((r) => r.offset_days)).toEqual([7]);
      expect(await reminders(ended.id)).toEqual([]);
    } finally {
      await asActor(() => updateSetting({ key: 'renewal_schedule', value: { offsets: [...DEFAULT_RENEWAL_SCHEDULE] } }, undefined));
    }
  });
});

if (process.env.DATABASE_URL) {
  describe('two real processes against PostgreSQL', () => {
    it('send each reminder exactly once, running two different ticks of the same day at once', async () => {
      const [{ db }] = await sequelize().query<{ db: string }>('SELECT current_database() AS db', { type: QueryTypes.SELECT });
      const url = withDatabase(serverUrl()!, db);
      const e = '2033-01-25';
      const services = [];
      for (let i = 0; i < 20; i++) services.push(await service(e));
      const day = sevenAm(addDays(e, -15));
      const outcomes = await runTicksInProcesses(url, 'renewal-reminders', [new Date(day.getTime() + 1_001), new Date(day.getTime() + 2_002)], { ORG_TIMEZONE: ZONE });
      expect(outcomes.map((o) => [o.ran, o.status])).toEqual([
        [true, 'succeeded'],
        [true, 'succeeded'],
      ]);
      expect(outcomes.reduce((n, o) => n + (o.counts.reminded ?? 0), 0)).toBe(20);
      for (const s of services) {
        expect((await reminders(s.id)).map((r) => r.offset_days)).toEqual([15]);
        expect((await notifications(s.id)).filter((n) => n.recipient_id === intake)).toHaveLength(1);
        expect(await customerMails(s.id)).toHaveLength(1);
      }
    }, 90_000);
  });
}

describe('nextReminder', () => {
  const schedule = [...DEFAULT_RENEWAL_SCHEDULE];
  it('names the next day of the schedule, today while one waits unsent, and nothing once the schedule is done', () => {
    expect(nextReminder(schedule, '2027-03-31', '2027-01-01', new Set())).toEqual({ offset: 30, on: '2027-03-01' });
    expect(nextReminder(schedule, '2027-03-31', '2027-03-05', new Set())).toEqual({ offset: 30, on: '2027-03-05' });
    expect(nextReminder(schedule, '2027-03-31', '2027-03-05', new Set([30]))).toEqual({ offset: 18, on: '2027-03-13' });
    expect(nextReminder(schedule, '2027-03-31', '2027-04-04', new Set([30, 18, 15, 3, -1, -4]))).toBeNull();
    expect(nextReminder(schedule, '2027-03-31', '2027-04-20', new Set())).toBeNull();
  });
});

