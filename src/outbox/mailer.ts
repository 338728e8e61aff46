import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { MailAttachment } from './kinds';

/** One e-mail as the outbox hands it to a transport. `id` is the outbox row's: the only name a file gets. */
export interface OutgoingMail {
  id: string;
  to: { name?: string; address: string };
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Resolves when the message has been accepted (by the SMTP peer, or written); rejects with the reason otherwise. */
  send(mail: OutgoingMail): Promise<{ info: string }>;
  close(): Promise<void>;
  readonly description: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The address part of `Name <address>` (or the bare address). */
export function fromAddress(from: string): string {
  return /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** The display name of `Name <address>` (or the address itself): how the e-mails sign off. */
export function fromName(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^<>]+>\s*$/.exec(from);
  return m?.[1]?.trim() || fromAddress(from);
}

/** Header lines cannot carry a line break (header injection); the rest nodemailer encodes (RFC 2047 for UTF-8). */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/**
 * The message nodemailer builds for every transport. The Message-ID is derived from the outbox
 * row, so a message resent after a crash (at-least-once) carries the same id and a receiving
 * system can discard the copy. `Auto-Submitted` (RFC 3834) keeps auto-responders from answering.
 */
function messageOptions(from: string, mail: OutgoingMail): SendMailOptions {
  const domain = fromAddress(from).split('@')[1] ?? 'casebook.local';
  return {
    from,
    to: { name: oneLine(mail.to.name ?? ''), address: mail.to.address },
    subject: oneLine(mail.subject),
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: oneLine(a.filename), content: a.content, contentType: a.contentType })) } : {}),
    messageId: `<outbox-${mail.id}@${domain}>`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Casebook-Outbox-Id': mail.id },
  };
}

/**
 * Over SMTP (`SMTP_URL`): a small pool of connections, and timeouts short enough that a send
 * always ends well within the worker's claim lease (src/outbox/worker.ts).
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const safe = new URL(url);
  return {
    description: `SMTP ${safe.protocol}//${safe.host}`,
    async send(mail) {
      const info = (await transport.sendMail(messageOptions(from, mail))) as { response?: string; messageId?: string };
      return { info: String(info.response ?? info.messageId ?? 'accepted').slice(0, 500) };
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Without SMTP: each message written as an RFC 822 `.eml` file in `dir` (DATA_DIR/outbox),
 * named by the outbox row's id only, never by anything a user typed. Written to a temporary
 * name and renamed, so a reader never sees half a message.
 */
export function fileMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    description: `files in ${dir}`,
    async send(mail) {
      if (!UUID.test(mail.id)) throw new Error('An outbox id is a UUID');
      const info = await transport.sendMail(messageOptions(from, mail));
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${mail.id}.eml`);
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, info.message as Buffer, { mode: 0o600 });
      await fs.rename(temp, file);
      return { info: `file ${path.basename(file)}` };
    },
    async close() {
      transport.close();
    },
  };
}

/** SMTP when configured, else .eml files. */
export function mailerFor(config: { smtpUrl: string | undefined; mailFrom: string; dataDir: string }): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : fileMailer(path.join(config.dataDir, 'outbox'), config.mailFrom);
}
