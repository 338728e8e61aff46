import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import * as clock from '../lib/clock';
import { describeError } from '../lib/errorHandler';
import { runWithContext, systemContext } from '../lib/context';
import { logger } from '../lib/logger';
import { outboxKind } from './kinds';
import { fromName, mailerFor, type Mailer } from './mailer';
import { outboxSignal, WAKE } from './outbox';
import './entryReceived';
import './auditAnchorMail';
import './letterIssued';
import './notificationMail';
import './renewalReminder';
import './surveyRequested';

export interface OutboxWorkerOptions {
  mailer: Mailer;
  timezone: string;
  /** Who the e-mails are signed by: MAIL_FROM's display name. */
  senderName: string;
  /** PUBLIC_URL, for the links the messages carry (default http://localhost:3000). */
  publicUrl?: string;
  /** Names this worker's claims (host:pid:random by default). */
  id?: string;
  /** Rows claimed per round; they are sent side by side. */
  batchSize?: number;
  /** How often an idle worker looks for due rows (retries, other instances' commits). */
  pollMs?: number;
  /** How long a claim holds: a row still `sending` after it belonged to a worker that died. */
  leaseMs?: number;
  /** Retry n waits backoffBaseMs × 2^(n−1), at most backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After this many failed attempts the row is `failed` (retried only from the admin page). */
  maxAttempts?: number;
}

interface Claimed {
  id: string;
  kind: string;
  recipient: string;
  payload: unknown;
  attempts: number;
  reference: string | null;
  complaintId: string | null;
}

type Outcome = { id: string; ok: true; info: string; row: Claimed } | { id: string; ok: false; error: string; attempts: number };

export const OUTBOX_DEFAULTS = {
  batchSize: 10,
  pollMs: 5_000,
  leaseMs: 5 * 60_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 60 * 60_000,
  maxAttempts: 10,
  publicUrl: 'http://localhost:3000',
};

const MAX_ERROR_LENGTH = 1000;

/** The reason a send failed, as the admin page shows it: the message and the SMTP reply code. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_ERROR_LENGTH);
  const e = err as Error & { code?: string; responseCode?: number };
  const parts = [e.message.replace(/\s+/g, ' ').trim()];
  if (e.responseCode && !e.message.includes(String(e.responseCode))) parts.push(`(SMTP ${e.responseCode})`);
  if (e.code && e.code !== 'EENVELOPE' && e.code !== 'EMESSAGE') parts.push(`[${e.code}]`);
  return parts.join(' ').slice(0, MAX_ERROR_LENGTH);
}

/** The wait before retry number `attempts` + 1, after `attempts` failed ones. */
export function backoffMs(attempts: number, base = OUTBOX_DEFAULTS.backoffBaseMs, max = OUTBOX_DEFAULTS.backoffMaxMs): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers the outbox. Every instance runs one: a loop woken right after a commit that
 * enqueued (outboxSignal) and polling every few seconds. A round claims due rows in ONE short
 * statement (`FOR UPDATE SKIP LOCKED`, so workers never take the same row, and a claim lease),
 * sends them with no transaction open (the embedded database has one connection: it is never
 * held while an SMTP peer answers), then records each outcome in one more statement: sent, or
 * queued again with exponential backoff, or failed after the last attempt, the error kept.
 *
 * Delivery is at least once: a worker that dies between the send and the record leaves the row
 * `sending`; when its lease ends another worker sends it again, with the same Message-ID.
 */
export class OutboxWorker {
  readonly id: string;
  private readonly options: Required<Omit<OutboxWorkerOptions, 'id'>>;
  private running = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private readonly onWake = () => {
    this.woken = true;
    this.wakeUp?.();
  };

  constructor(options: OutboxWorkerOptions) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.options = { ...OUTBOX_DEFAULTS, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    outboxSignal.on(WAKE, this.onWake);
    this.loop = this.run();
  }

  /** Stops the loop; the round in flight may finish within `timeoutMs` (its rows stay claimed otherwise). */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    outboxSignal.off(WAKE, this.onWake);
    this.wakeUp?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
        failures = 0;
      } catch (err) {
        failures++;
        logger.error('outbox round failed', { worker: this.id, error: err instanceof Error ? err.message : String(err) });
      }
      if (!this.running) break;
      // A full batch: more may be due at once. Otherwise sleep until woken or the next poll
      // (longer while the database keeps failing).
      if (claimed >= this.options.batchSize) continue;
      await this.sleep(failures ? Math.min(60_000, this.options.pollMs * 2 ** failures) : this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** One round: claim, send, record. Returns how many rows it claimed. Tests call it directly. */
  async runOnce(): Promise<number> {
    return runWithContext(systemContext('outbox'), async () => {
      const rows = await this.claim();
      if (rows.length === 0) return 0;
      const outcomes = await Promise.all(rows.map((row) => this.deliver(row)));
      await this.record(outcomes);
      await this.afterSent(outcomes);
      return rows.length;
    });
  }

  private async claim(): Promise<Claimed[]> {
    return sequelize().query<Claimed>(
      `WITH due AS (
         SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), abandoned AS (
         SELECT id FROM outbox WHERE status = 'sending' AND claimed_until < now()
         ORDER BY claimed_until LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET status = 'sending', claimed_by = $1, claimed_until = now() + $3 * interval '1 millisecond',
         attempts = o.attempts + 1, last_attempt_at = now()
       FROM (SELECT id FROM due UNION ALL SELECT id FROM abandoned) c WHERE o.id = c.id
       RETURNING o.id, o.kind, o.recipient, o.payload, o.attempts, o.complaint_id AS "complaintId",
         (SELECT e.reference FROM complaints e WHERE e.id = o.complaint_id) AS reference`,
      { bind: [this.id, this.options.batchSize, this.options.leaseMs], type: QueryTypes.SELECT, transaction: null },
    );
  }

  private async deliver(row: Claimed): Promise<Outcome> {
    try {
      const kind = outboxKind(row.kind);
      if (!kind) throw new Error(`No renderer for outbox kind "${row.kind}"`);
      const mail = kind.render(row.payload, { timezone: this.options.timezone, senderName: this.options.senderName, reference: row.reference, publicUrl: this.options.publicUrl });
      const attachments = kind.attachments ? await kind.attachments(row.payload) : undefined;
      const { info } = await this.options.mailer.send({
        id: row.id,
        to: { name: mail.toName, address: row.recipient },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments,
      });
      logger.info('outbox message sent', { id: row.id, kind: row.kind, attempt: row.attempts });
      return { id: row.id, ok: true, info, row };
    } catch (err) {
      const error = describeFailure(err);
      logger.warn('outbox message not sent', { id: row.id, kind: row.kind, attempt: row.attempts, error });
      return { id: row.id, ok: false, error, attempts: row.attempts };
    }
  }

  /** Lets each sent message's kind record what its sending means for the case (kinds.ts `onSent`). */
  private async afterSent(outcomes: Outcome[]): Promise<void> {
    const sentAt = clock.now();
    for (const o of outcomes) {
      if (!o.ok) continue;
      const kind = outboxKind(o.row.kind);
      if (!kind?.onSent) continue;
      try {
        await transaction(() => kind.onSent!({ id: o.id, complaintId: o.row.complaintId, recipient: o.row.recipient, sentAt }));
      } catch (err) {
        logger.error('outbox message sent, but what it means for the case could not be recorded', { id: o.id, kind: o.row.kind, ...describeError(err) });
      }
    }
  }

  /**
   * Records the outcomes: one statement for the sent, one for the failed (queued again after the
   * backoff, or failed after the last attempt), each retried a few times. A sent row keeps the
   * error of its last failed attempt, if any, beside its attempt count.
   */
  private async record(outcomes: Outcome[]): Promise<void> {
    const sent = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o) => !o.ok);
    const { maxAttempts, backoffBaseMs, backoffMaxMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        if (sent.length) {
          await sequelize().query(
            `UPDATE outbox o SET status = 'sent', sent_at = now(), delivery_info = d.info, claimed_by = NULL, claimed_until = NULL
             FROM (SELECT unnest($2::uuid[]) AS id, unnest($3::text[]) AS info) d
             WHERE o.id = d.id AND o.status = 'sending' AND o.claimed_by = $1`,
            { bind: [this.id, sent.map((o) => o.id), sent.map((o) => o.info)], transaction: null },
          );
          sent.length = 0;
        }
        if (failed.length) {
          await sequelize().query(
            `UPDATE outbox o SET status = CASE WHEN o.attempts >= $5 THEN 'failed' ELSE 'queued' END,
               next_attempt_at = now() + f.wait * interval '1 millisecond', last_error = f.error, claimed_by = NULL, claimed_until = NULL
             FROM (SELECT unnest($2::uuid[]) AS id, unnest($3::text[]) AS error, unnest($4::bigint[]) AS wait) f
             WHERE o.id = f.id AND o.status = 'sending' AND o.claimed_by = $1`,
            {
              bind: [this.id, failed.map((o) => o.id), failed.map((o) => o.error), failed.map((o) => backoffMs(o.attempts, backoffBaseMs, backoffMaxMs)), maxAttempts],
              transaction: null,
            },
          );
        }
        return;
      } catch (err) {
        // A message was sent: losing the record would send it again when the lease ends.
        if (attempt >= 3) throw err;
        await delay(1_000 * attempt);
      }
    }
  }
}

/** The worker `src/server.ts` starts (unless OUTBOX_WORKER=off): SMTP_URL, else .eml files. Returns its stop. */
export function startOutboxWorker(config: { smtpUrl: string | undefined; mailFrom: string; dataDir: string; timezone: string; publicUrl: string }): () => Promise<void> {
  const mailer = mailerFor(config);
  const worker = new OutboxWorker({ mailer, timezone: config.timezone, senderName: fromName(config.mailFrom), publicUrl: config.publicUrl });
  worker.start();
  logger.info('outbox worker started', { worker: worker.id, transport: mailer.description });
  return async () => {
    await worker.stop();
    await mailer.close();
  };
}
