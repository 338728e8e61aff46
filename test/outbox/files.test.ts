import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { fromName, mailerFor } from '../../src/outbox/mailer';
import { OutboxWorker } from '../../src/outbox/worker';
import { useTestApp } from '../support/app';
import { buildCustomer, entryBody, signedIn } from '../support/factories';
import { decodeWords, eventually, parseMail } from './support';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-outbox-'));
const t = useTestApp({ DATA_DIR: dataDir, SMTP_URL: '', MAIL_FROM: '"Công ty Nước sạch Hà Nội" <cskh@nuocsach.example>' });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('without SMTP_URL', () => {
  it('writes each message as an RFC 822 .eml file in DATA_DIR/outbox, named by its outbox id', async () => {
    const mailer = mailerFor(t.config);
    expect(mailer.description).toBe(`files in ${path.join(dataDir, 'outbox')}`);
    const worker = new OutboxWorker({ mailer, timezone: t.config.timezone, senderName: fromName(t.config.mailFrom), pollMs: 60_000 });
    worker.start();
    try {
      const { auth } = await signedIn(['quality']);
      // A name and subject that would make a dangerous file name, and must not become one.
      const customer = await buildCustomer({ name: 'Phạm Văn Đức ../../etc', email: 'duc.pham@example.vn' });
      const res = await t.request().post('/api/v1/complaints').set(auth).send(entryBody(customer.id, { subject: 'Hóa đơn tháng 10 sai chỉ số /../x' }));
      expect(res.status).toBe(201);
      const [row] = await eventually(async () => {
        const r = await sequelize().query<{ id: string; status: string; delivery_info: string }>(`SELECT id, status, delivery_info FROM outbox WHERE complaint_id = $1 AND status = 'sent'`, {
          bind: [res.body.id],
          type: QueryTypes.SELECT,
        });
        return r.length ? r : null;
      }, 5_000);
      expect(fs.readdirSync(path.join(dataDir, 'outbox'))).toEqual([`${row.id}.eml`]);
      expect(row.delivery_info).toBe(`file ${row.id}.eml`);

      const raw = fs.readFileSync(path.join(dataDir, 'outbox', `${row.id}.eml`), 'latin1');
      // 7-bit headers, CRLF line ends: a mail client opens it as it is.
      expect(raw).toMatch(/^[\x20-\x7e\r\n\t]*\r\n\r\n/);
      const mail = parseMail(raw);
      expect(decodeWords(mail.headers.from)).toBe('Công ty Nước sạch Hà Nội <cskh@nuocsach.example>');
      expect(mail.headers['message-id']).toBe(`<outbox-${row.id}@nuocsach.example>`);
      expect(mail.subject).toBe(`[${res.body.reference}] Xác nhận đã tiếp nhận khiếu nại: Hóa đơn tháng 10 sai chỉ số /../x`);
      expect(mail.text).toContain('Kính gửi Phạm Văn Đức ../../etc,');
      expect(mail.text).toContain(`Số tham chiếu: ${res.body.reference}`);
      expect(mail.text).toContain('Trân trọng,\nCông ty Nước sạch Hà Nội');
      expect(mail.text.normalize('NFC')).toBe(mail.text);
    } finally {
      await worker.stop();
      await mailer.close();
    }
  });
});
