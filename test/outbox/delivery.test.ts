import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { AuditEvent, CaseClock, Complaint } from '../../src/models';
import { intakeComplaint } from '../../src/commands/complaintIntaker';
import { ENTRY_RECEIVED } from '../../src/outbox/entryReceived';
import { smtpMailer, type Mailer } from '../../src/outbox/mailer';
import { dedupeKey, enqueue } from '../../src/outbox/outbox';
import { OutboxWorker } from '../../src/outbox/worker';
import { useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { buildCustomer, entryBody, signedIn } from '../support/factories';
import { decodeWords, eventually, startSmtpPeer, type SmtpPeer } from './support';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

interface OutboxRow {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  recipient: string;
  dedupe_key: string;
  complaint_id: string | null;
  last_error: string | null;
  sent_at: Date | null;
}

const rows = (where = 'TRUE', bind: unknown[] = []) =>
  sequelize().query<OutboxRow>(`SELECT * FROM outbox WHERE ${where} ORDER BY created_at`, { bind, type: QueryTypes.SELECT });

let peer: SmtpPeer | undefined;
let worker: OutboxWorker | undefined;
let mailer: Mailer | undefined;

/** A worker on `url` that polls only every minute: whatever arrives sooner came from the wake after commit. */
function startWorker(url: string, options: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}): OutboxWorker {
  mailer = smtpMailer(url, 'Phòng CSKH Casebook <cskh@casebook.example>');
  worker = new OutboxWorker({ mailer, timezone: ZONE, senderName: 'Phòng CSKH Casebook', pollMs: 60_000, ...options });
  worker.start();
  return worker;
}

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await mailer?.close();
  mailer = undefined;
  await peer?.close();
  peer = undefined;
  // Each test starts with an empty outbox: a later worker must not deliver an earlier test's rows.
  await sequelize().query('DELETE FROM outbox');
});

const effect = (cause: string, recipient = 'khach@example.vn') => ({
  kind: ENTRY_RECEIVED,
  cause,
  recipient,
  payload: { reference: `KN-2026-${cause.slice(0, 6)}`, subject: 'Thử', customerName: 'Khách', receivedAt: '2026-11-02T03:00:00.000Z', firstReplyAt: '2026-11-04T03:00:00.000Z' },
});

describe('the acknowledgment at intake', () => {
  it('arrives over SMTP within seconds of the commit, in Vietnamese, with the reference, the receipt time and the 48-hour promise', async () => {
    peer = await startSmtpPeer();
    startWorker(peer.url);
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer({ name: 'Trần Thị Bích Ngọc', email: 'ngoc.tran@example.vn' });
    const started = Date.now();
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(customer.id, { subject: 'Máy lọc nước rò rỉ ở khớp nối' }));
    expect(res.status).toBe(201);
    const [mail] = await peer.waitFor(1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);

    expect(mail.envelopeTo).toEqual(['ngoc.tran@example.vn']);
    expect(mail.envelopeFrom).toBe('cskh@casebook.example');
    expect(mail.subject).toBe(`[${res.body.reference}] Xác nhận đã tiếp nhận khiếu nại: Máy lọc nước rò rỉ ở khớp nối`);
    // Headers are 7-bit on the wire (RFC 2047), the body is UTF-8.
    expect(mail.headers.subject).toMatch(/^=\?UTF-8\?/);
    expect(mail.headers['content-type']).toMatch(/text\/plain; charset=utf-8/i);
    expect(decodeWords(mail.headers.to)).toMatch(/^"?Trần Thị Bích Ngọc"? <ngoc\.tran@example\.vn>$/);
    expect(mail.text).toContain('Kính gửi Trần Thị Bích Ngọc,');
    expect(mail.text).toContain(`Số tham chiếu: ${res.body.reference}`);
    expect(mail.text).toContain('Nội dung: Máy lọc nước rò rỉ ở khớp nối');
    // 10:00 on 2 Nov in Hà Nội, and the first reply 48 hours later, in the organisation's zone.
    expect(mail.text).toContain('Thời điểm tiếp nhận: 02/11/2026 10:00 (UTC+7)');
    expect(mail.text).toContain('trong vòng 48 giờ kể từ khi tiếp nhận, chậm nhất vào 04/11/2026 10:00 (UTC+7)');
    expect(mail.text).toContain('Phòng CSKH Casebook');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');

    // The peer has the message a moment before the worker records it as sent.
    const [row] = await eventually(async () => {
      const r = await rows('complaint_id = $1 AND status = $2', [res.body.id, 'sent']);
      return r.length ? r : null;
    });
    expect(row).toMatchObject({ kind: 'entry.received', status: 'sent', attempts: 1, recipient: 'ngoc.tran@example.vn', dedupe_key: `entry.received:${res.body.id}:ngoc.tran@example.vn` });
    expect(mail.outboxId).toBe(row.id);
    expect(mail.headers['message-id']).toBe(`<outbox-${row.id}@casebook.example>`);
  });

  it('once sent, records the entry as acknowledged by e-mail at the send time, meets its acknowledgment clock, audited as the system', async () => {
    peer = await startSmtpPeer();
    startWorker(peer.url);
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer({ email: 'xac.nhan@example.vn' });
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(customer.id));
    expect(res.status).toBe(201);
    expect(res.body.acknowledgedAt ?? null).toBeNull();
    await peer.waitFor(1, 5_000);
    const entry = await eventually(async () => {
      const c = await Complaint.findByPk(res.body.id);
      return c?.acknowledgedAt ? c : null;
    });
    const [row] = await rows('complaint_id = $1', [res.body.id]);
    expect(row.status).toBe('sent');
    expect(entry.acknowledgedVia).toBe('email');
    expect(Math.abs(entry.acknowledgedAt!.getTime() - row.sent_at!.getTime())).toBeLessThan(5_000);
    const clock = await CaseClock.findOne({ where: { complaintId: entry.id, kind: 'acknowledge' } });
    // entryBody's receipt is 2 Nov 10:00: an acknowledgment sent now is past its 1-hour target.
    expect(clock).toMatchObject({ metAt: entry.acknowledgedAt, outcome: 'missed' });
    const event = await AuditEvent.findOne({ where: { complaintId: entry.id, action: 'complaint.acknowledged' } });
    expect(event).toMatchObject({ actorId: null, actorRoles: ['system'] });
    expect(event!.meta).toEqual({ via: 'email', outboxId: row.id });
    // The API shows it, and leaving intake needs no acknowledgment of its own any more.
    const shown = await t.request().get(`/api/v1/complaints/${entry.id}`).set(auth);
    expect(shown.body.acknowledgedAt).toBe(entry.acknowledgedAt!.toISOString());
  });

  it('is not queued for feedback, nor for a customer without an address', async () => {
    const { auth } = await signedIn(['intake']);
    const withEmail = await buildCustomer({ email: 'phanhoi@example.vn' });
    const without = await buildCustomer();
    const feedback = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(withEmail.id, { kind: 'feedback' }));
    const noAddress = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(without.id));
    expect([feedback.status, noAddress.status]).toEqual([201, 201]);
    expect(await rows('complaint_id IN ($1, $2)', [feedback.body.id, noAddress.body.id])).toEqual([]);
  });

  it('still answers 201 when the mail server is down, and the message waits with the error', async () => {
    // A port nothing listens on: take one from a peer and close it.
    const gone = await startSmtpPeer();
    await gone.close();
    startWorker(gone.url, { backoffBaseMs: 60_000 });
    const { auth } = await signedIn(['intake']);
    const customer = await buildCustomer({ email: 'down@example.vn' });
    const res = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(customer.id));
    expect(res.status).toBe(201);
    const row = await eventually(async () => (await rows('complaint_id = $1 AND last_error IS NOT NULL', [res.body.id]))[0]);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.last_error).toMatch(/ECONNREFUSED/);
  });
});

describe('enqueue', () => {
  it('records nothing when the transaction rolls back, and nothing is sent', async () => {
    peer = await startSmtpPeer();
    startWorker(peer.url, { pollMs: 100 });
    const cause = randomUUID();
    await expect(
      asActor(() =>
        transaction(async () => {
          await enqueue(effect(cause));
          expect(await rows('dedupe_key = $1', [dedupeKey(effect(cause))])).toHaveLength(1);
          throw new Error('roll back');
        }),
      ),
    ).rejects.toThrow('roll back');
    expect(await rows('dedupe_key = $1', [dedupeKey(effect(cause))])).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(peer.messages).toEqual([]);
  });

  it('leaves no acknowledgment behind when the intake it belongs to rolls back', async () => {
    peer = await startSmtpPeer();
    startWorker(peer.url, { pollMs: 100 });
    const customer = await buildCustomer({ email: 'rollback@example.vn' });
    await expect(
      asActor(() =>
        transaction(async () => {
          const entry = await intakeComplaint(
            { kind: 'complaint', customerId: customer.id, channel: 'hotline', receivedAt: new Date(), incidentDate: new Date().toISOString().slice(0, 10), category: 'service_quality', subject: 'Sẽ huỷ', description: 'Giao dịch bị huỷ.', severity: 'low' },
            { userId: null },
            ZONE,
          );
          expect(await rows('complaint_id = $1', [entry.id])).toHaveLength(1);
          throw new Error('roll back the intake');
        }),
      ),
    ).rejects.toThrow('roll back the intake');
    expect(await rows('recipient = $1', ['rollback@example.vn'])).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(peer.messages).toEqual([]);
  });

  it('checks the entry at commit: an effect naming an entry that was never written does not commit', async () => {
    // Sequelize warns that it drops the connection of a transaction whose COMMIT failed.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(asActor(() => transaction(() => enqueue({ ...effect(randomUUID()), complaintId: randomUUID() })))).rejects.toMatchObject({ parent: { code: '23503' } });
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses to run outside a transaction', async () => {
    await expect(asActor(() => enqueue(effect(randomUUID())))).rejects.toThrow(/outside a transaction/);
  });

  it('refuses a kind nobody renders', async () => {
    await expect(asActor(() => transaction(() => enqueue({ ...effect(randomUUID()), kind: 'nobody.renders' })))).rejects.toThrow(/Unknown outbox kind/);
  });

  it('keeps one row per (kind, cause, recipient), in one transaction or two; the address is compared without case', async () => {
    const cause = randomUUID();
    const first = await asActor(() => transaction(async () => [await enqueue(effect(cause)), await enqueue(effect(cause, 'KHACH@example.vn'))]));
    const again = await asActor(() => transaction(() => enqueue(effect(cause))));
    expect(first[0]).toEqual(expect.any(String));
    expect(first[1]).toBeNull();
    expect(again).toBeNull();
    expect(await rows('dedupe_key = $1', [`entry.received:${cause}:khach@example.vn`])).toHaveLength(1);
    // Another recipient of the same cause is another effect.
    expect(await asActor(() => transaction(() => enqueue(effect(cause, 'other@example.vn'))))).toEqual(expect.any(String));
  });
});

describe('a peer that refuses, then accepts', () => {
  it('retries with backoff, keeps the error visible meanwhile, and sends the message once', async () => {
    peer = await startSmtpPeer({ refuse: (n) => (n <= 2 ? '4.7.1 Greylisted, try again later' : null) });
    startWorker(peer.url, { backoffBaseMs: 1_500, pollMs: 100 });
    const { auth } = await signedIn(['sysadmin']);
    const cause = randomUUID();
    const id = await asActor(() => transaction(() => enqueue(effect(cause))));

    // After the first refusal: queued again, the error and the attempt recorded, shown by the API.
    const listed = await eventually(async () => {
      const res = await t.request().get('/api/v1/outbox').set(auth).query({ status: 'queued' });
      return res.body.items.find((i: { id: string; lastError: string | null }) => i.id === id && i.lastError);
    });
    expect(listed).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: expect.any(String) });
    expect(listed.lastError).toMatch(/451.*Greylisted|Greylisted.*451/);
    expect(peer.messages).toEqual([]);

    const [mail] = await peer.waitFor(1, 15_000);
    expect(mail.outboxId).toBe(id);
    const [row] = await eventually(async () => {
      const r = await rows('id = $1 AND status = $2', [id, 'sent']);
      return r.length ? r : null;
    });
    expect(row.attempts).toBe(3);
    expect(peer.recipients).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.messages).toHaveLength(1);
  });

  it('gives up after the last attempt: failed, with the error, until the sysadmin retries it', async () => {
    let refusing = true;
    peer = await startSmtpPeer({ refuse: () => (refusing ? '4.2.2 Mailbox full' : null) });
    startWorker(peer.url, { backoffBaseMs: 50, maxAttempts: 2, pollMs: 50 });
    const cause = randomUUID();
    const id = (await asActor(() => transaction(() => enqueue(effect(cause)))))!;
    const [failed] = await eventually(async () => {
      const r = await rows('id = $1 AND status = $2', [id, 'failed']);
      return r.length ? r : null;
    });
    expect(failed.attempts).toBe(2);
    expect(failed.last_error).toMatch(/Mailbox full/);
    await new Promise((r) => setTimeout(r, 300));
    expect((await rows('id = $1', [id]))[0].status).toBe('failed');

    refusing = false;
    const { auth } = await signedIn(['sysadmin']);
    const retried = await t.request().post(`/api/v1/outbox/${id}/retry`).set(auth);
    expect(retried.status).toBe(200);
    // The worker, woken by the retry's commit, may already have taken it.
    expect(retried.body.id).toBe(id);
    expect(['queued', 'sending', 'sent']).toContain(retried.body.status);
    const [mail] = await peer.waitFor(1, 5_000);
    expect(mail.outboxId).toBe(id);
  });
});
