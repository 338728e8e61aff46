import { ConfigError, DEFAULT_MAIL_FROM, loadConfig } from '../../src/config';
import { fromAddress, fromName } from '../../src/outbox/mailer';

const base = { NODE_ENV: 'test', SESSION_SECRET: 'test-secret-of-enough-length' };

describe('outbox configuration', () => {
  it('sends from Casebook <no-reply@casebook.local> by default (also when MAIL_FROM is empty) and runs the worker unless OUTBOX_WORKER=off', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ mailFrom: DEFAULT_MAIL_FROM, outboxWorker: true, smtpUrl: undefined });
    expect(loadConfig({ ...base, MAIL_FROM: '', SMTP_URL: '' })).toMatchObject({ mailFrom: 'Casebook <no-reply@casebook.local>', smtpUrl: undefined });
    expect(loadConfig({ ...base, OUTBOX_WORKER: 'off' }).outboxWorker).toBe(false);
    expect(loadConfig({ ...base, OUTBOX_WORKER: '' }).outboxWorker).toBe(true);
    expect(loadConfig({ ...base, OUTBOX_WORKER: '0' }).outboxWorker).toBe(false);
    expect(loadConfig({ ...base, SMTP_URL: 'smtps://user:pa%40ss@mail.example.vn:465' }).smtpUrl).toBe('smtps://user:pa%40ss@mail.example.vn:465');
  });

  it('refuses a MAIL_FROM without an address and an SMTP_URL that is not smtp:// or smtps://', () => {
    for (const bad of ['Casebook', 'Casebook <nobody>', 'a@b\r\nBcc: x@y']) expect(() => loadConfig({ ...base, MAIL_FROM: bad })).toThrow(ConfigError);
    for (const bad of ['mail.example.vn:25', 'http://mail.example.vn']) expect(() => loadConfig({ ...base, SMTP_URL: bad })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ ...base, OUTBOX_WORKER: 'maybe' })).toThrow(/OUTBOX_WORKER/);
  });

  it('signs the e-mails with the display name of MAIL_FROM', () => {
    expect(fromName('"Công ty Nước sạch Hà Nội" <cskh@nuocsach.example>')).toBe('Công ty Nước sạch Hà Nội');
    expect(fromName('Casebook <no-reply@casebook.local>')).toBe('Casebook');
    expect(fromName('cskh@example.vn')).toBe('cskh@example.vn');
    expect(fromAddress('Casebook <no-reply@casebook.local>')).toBe('no-reply@casebook.local');
  });
});
