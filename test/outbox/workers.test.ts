import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../../src/db';
import { ENTRY_RECEIVED } from '../../src/outbox/entryReceived';
import { smtpMailer, type Mailer } from '../../src/outbox/mailer';
import { enqueue } from '../../src/outbox/outbox';
import { backoffMs, OutboxWorker } from '../../src/outbox/worker';
import { useTestDatabase } from '../support/db';
import { asActor } from '../support/context';
import { eventually, startSmtpPeer, type SmtpPeer } from './support';

// Run on both databases: `npm run test:jest -- test/outbox` (PGlite, one connection) and with
// DATABASE_URL (PostgreSQL server, a pool of five: the two workers' claims really overlap).
useTestDatabase();

const effect = (n: number) => ({
  kind: ENTRY_RECEIVED,
  cause: randomUUID(),
  recipient: `khach${n}@example.vn`,
  payload: { reference: `KN-2026-${String(n).padStart(6, '0')}`, subject: `Khiếu nại số ${n}`, customerName: `Khách ${n}`, receivedAt: '2026-11-02T03:00:00.000Z', firstReplyAt: '2026-11-04T03:00:00.000Z' },
});

const statusCounts = () =>
  sequelize().query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status', { type: QueryTypes.SELECT });

let peer: SmtpPeer | undefined;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await peer?.close();
  peer = undefined;
  await sequelize().query('DELETE FROM outbox');
});

/** A worker whose mailer counts what it sent. */
function worker(url: string, id: string) {
  const inner = smtpMailer(url, 'Casebook <no-reply@casebook.local>');
  const sent: string[] = [];
  const mailer: Mailer = {
    description: inner.description,
    async send(mail) {
      const result = await inner.send(mail);
      sent.push(mail.id);
      return result;
    },
    close: () => inner.close(),
  };
  const w = new OutboxWorker({ mailer, id, timezone: 'Asia/Ho_Chi_Minh', senderName: 'Casebook', batchSize: 3, pollMs: 50 });
  cleanup.push(async () => {
    await w.stop();
    await mailer.close();
  });
  return { w, sent };
}

describe('several workers on one outbox', () => {
  it('send each of 20 messages exactly once between them', async () => {
    peer = await startSmtpPeer({ delayMs: 30 });
    const ids = await asActor(() =>
      transaction(async () => {
        const out: string[] = [];
        for (let i = 0; i < 20; i++) out.push((await enqueue(effect(i + 1)))!);
        return out;
      }),
    );
    expect(new Set(ids).size).toBe(20);
    const a = worker(peer.url, 'worker-a');
    const b = worker(peer.url, 'worker-b');
    a.w.start();
    b.w.start();
    await peer.waitFor(20, 20_000);
    await eventually(async () => (await statusCounts()).length === 1 && (await statusCounts())[0].status === 'sent');
    // Give a duplicate every chance to show up.
    await new Promise((r) => setTimeout(r, 500));
    const received = peer.messages.map((m) => m.outboxId).sort();
    expect(received).toEqual([...ids].sort());
    expect(a.sent.length + b.sent.length).toBe(20);
    expect(new Set([...a.sent, ...b.sent]).size).toBe(20);
    // Both took part (batches of three, a slow peer).
    expect(a.sent.length).toBeGreaterThan(0);
    expect(b.sent.length).toBeGreaterThan(0);
    expect(await statusCounts()).toEqual([{ status: 'sent', n: 20 }]);
  });

  it('claim disjoint rows when they race round for round', async () => {
    peer = await startSmtpPeer();
    await asActor(() => transaction(async () => {
      for (let i = 0; i < 20; i++) await enqueue(effect(i + 1));
    }));
    const a = worker(peer.url, 'race-a');
    const b = worker(peer.url, 'race-b');
    // Rounds started at the same instant, over and over, until nothing is left.
    let claimed = 0;
    for (let round = 0; round < 20 && claimed < 20; round++) {
      const [x, y] = await Promise.all([a.w.runOnce(), b.w.runOnce()]);
      claimed += x + y;
    }
    expect(claimed).toBe(20);
    await peer.waitFor(20);
    expect(new Set(peer.messages.map((m) => m.outboxId)).size).toBe(20);
    expect(peer.messages).toHaveLength(20);
  });

  it('takes over a row whose worker died while sending, once its lease has ended', async () => {
    peer = await startSmtpPeer();
    const id = await asActor(() => transaction(() => enqueue(effect(1))));
    // A worker that claimed it and vanished: still `sending`, its lease over.
    await sequelize().query(
      `UPDATE outbox SET status = 'sending', attempts = 1, claimed_by = 'dead-worker', claimed_until = now() - interval '1 second' WHERE id = $1`,
      { bind: [id] },
    );
    const alive = await asActor(() => transaction(() => enqueue(effect(2))));
    await sequelize().query(`UPDATE outbox SET status = 'sending', attempts = 1, claimed_by = 'busy-worker', claimed_until = now() + interval '5 minutes' WHERE id = $1`, { bind: [alive] });
    const { w } = worker(peer.url, 'survivor');
    expect(await w.runOnce()).toBe(1);
    const [mail] = await peer.waitFor(1);
    expect(mail.outboxId).toBe(id);
    const [row] = await sequelize().query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE id = $1', { bind: [id], type: QueryTypes.SELECT });
    expect(row).toEqual({ status: 'sent', attempts: 2 });
    // The row under a live lease was left alone.
    const [busy] = await sequelize().query<{ status: string; claimed_by: string }>('SELECT status, claimed_by FROM outbox WHERE id = $1', { bind: [alive], type: QueryTypes.SELECT });
    expect(busy).toEqual({ status: 'sending', claimed_by: 'busy-worker' });
  });

  it('waits 30 s × 2^(n−1) before retry n+1, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(12)).toBe(3_600_000);
  });
});
