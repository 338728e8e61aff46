import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { AuditEvent, Letter } from '../../src/models';
import { smtpMailer, type Mailer } from '../../src/outbox/mailer';
import { OutboxWorker } from '../../src/outbox/worker';
import { sessionAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';
import { startSmtpPeer, type SmtpPeer } from '../outbox/support';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

let peer: SmtpPeer | undefined;
let mailer: Mailer | undefined;
let quality: Awaited<ReturnType<typeof signedIn>>;

beforeAll(async () => {
  quality = await signedIn(['quality'], { name: 'Đỗ Minh Châu' });
});

afterEach(async () => {
  await mailer?.close();
  await peer?.close();
  mailer = undefined;
  peer = undefined;
});

function worker(url: string, options: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}): OutboxWorker {
  mailer = smtpMailer(url, 'Phòng CSKH <cskh@casebook.example>');
  return new OutboxWorker({ mailer, timezone: ZONE, senderName: 'Phòng CSKH', pollMs: 60_000, ...options });
}

/** The base64 PDF part of a multipart message, decoded. */
function pdfAttachment(raw: string): { filename: string; bytes: Buffer } {
  const part = /Content-Type: application\/pdf;?[^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n((?:[A-Za-z-]+:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n)*)\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(raw);
  if (!part) throw new Error('No PDF attachment');
  const filename = /filename="?([^";\r\n]+)"?/.exec(raw.slice(raw.indexOf('application/pdf')))?.[1] ?? '';
  return { filename, bytes: Buffer.from(part[2].replace(/\s+/g, ''), 'base64') };
}

async function emailCase() {
  const customer = await buildCustomer({ name: 'Vũ Thị Lan Anh', email: `lan.anh.${Date.now()}@example.vn`, address: 'Số 3 Tràng Tiền, Hoàn Kiếm, Hà Nội' });
  return { customer, complaint: await buildComplaint({ customerId: customer.id }, quality.user) };
}

describe('a letter by e-mail', () => {
  it('goes through the outbox with the PDF attached, once; sentAt is set when it is delivered', async () => {
    peer = await startSmtpPeer();
    const { customer, complaint } = await emailCase();
    // The intake acknowledgment goes out first: not what this test is about.
    const w = worker(peer.url);
    await w.runOnce();
    const before = peer.messages.length;

    const res = await t.request().post(`/api/v1/complaints/${complaint.id}/letters`).set(quality.auth).send({ template: 'resolution', channel: 'email' });
    expect(res.status).toBe(201);
    expect(res.body.sentAt).toBeNull();
    expect(res.body.recipient).toBe(customer.email);

    // The outbox row holds the letter's id, never its bytes or text.
    const [row] = await sequelize().query<{ payload: Record<string, unknown>; kind: string; status: string }>('SELECT payload, kind, status FROM outbox WHERE id = (SELECT outbox_id FROM letters WHERE id = $1)', {
      bind: [res.body.id],
      type: QueryTypes.SELECT,
    });
    expect(row).toMatchObject({ kind: 'letter.issued', status: 'queued', payload: { letterId: res.body.id, kind: 'resolution', locale: 'vi' } });
    expect(Object.keys(row.payload).sort()).toEqual(['kind', 'letterId', 'locale']);

    expect(await w.runOnce()).toBe(1);
    await peer.waitFor(before + 1);
    const mail = peer.messages[before];
    expect(mail.envelopeTo).toEqual([customer.email]);
    expect(mail.subject).toContain(complaint.reference);
    expect(mail.subject).toContain('Thư trả lời kết quả giải quyết');
    const attachment = pdfAttachment(mail.raw);
    expect(attachment.filename).toBe(`resolution_${complaint.reference}.pdf`);
    expect(createHash('sha256').update(attachment.bytes).digest('hex')).toBe(res.body.sha256);

    const letter = (await Letter.findByPk(res.body.id))!;
    expect(letter.sentAt).not.toBeNull();
    expect(await AuditEvent.count({ where: { entityId: letter.id, action: 'letter.sent' } })).toBe(1);
    // Sent once: another round sends nothing.
    expect(await w.runOnce()).toBe(0);
    expect(peer.messages.length).toBe(before + 1);
    const detail = await t.request().get(`/api/v1/complaints/${complaint.id}`).set(quality.auth);
    expect(detail.body.letters[0]).toMatchObject({ id: letter.id, sentAt: letter.sentAt!.toISOString(), delivery: { status: 'sent' } });
  });

  it('shows a failed delivery on the case, with the error', async () => {
    peer = await startSmtpPeer({ refuse: () => 'Mailbox temporarily unavailable' });
    const { complaint } = await emailCase();
    const res = await t.request().post(`/api/v1/complaints/${complaint.id}/letters`).set(quality.auth).send({ template: 'first_reply', channel: 'email' });
    expect(res.status).toBe(201);
    const w = worker(peer.url, { maxAttempts: 1 });
    // The acknowledgment and the letter both fail against this peer.
    while ((await w.runOnce()) > 0);
    const detail = await t.request().get(`/api/v1/complaints/${complaint.id}`).set(quality.auth);
    expect(detail.body.letters[0]).toMatchObject({ id: res.body.id, sentAt: null, delivery: { status: 'failed', lastError: expect.stringContaining('Mailbox temporarily unavailable') } });
    const agent = await sessionAgent(t.app, quality.user);
    const page = await agent.get(`/complaints/${complaint.id}`).query({ lang: 'vi' });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-testid="letter-delivery" data-status="failed"/);
    expect(page.text).toContain('Gửi lỗi');
    expect(page.text).toContain('Mailbox temporarily unavailable');
  });
});
