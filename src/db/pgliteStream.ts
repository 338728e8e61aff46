import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

/** The protocol version a startup message carries (3.0). */
const PROTOCOL_3 = 196608;
/** The code of a CancelRequest, `pg`'s other message without a type byte. */
const CANCEL_REQUEST = 80877102;
/** Frontend message type of Terminate ('X'). */
const TERMINATE = 0x58;

/**
 * A `pg` connection's socket that is no socket: the wire-protocol bytes `pg` writes go straight
 * into the in-process PGlite (`execProtocolRawStream`) and its answer comes back as the stream's
 * data — no loopback TCP, no syscall and no event-loop round per message. `pg` writes a
 * statement's messages (Parse, Bind, Describe, Execute, Sync) one by one in the same turn of the
 * event loop; they are collected and handed over together on the next tick, which PGlite runs in
 * one call (its main loop reads until the input is used up).
 *
 * It gives `pg`'s Connection the part of `net.Socket` it uses (`connect`, `setNoDelay`,
 * `setKeepAlive`, the 'connect' event). The embedded database has one connection
 * (src/db/index.ts), so a transaction's messages are never interleaved with another
 * connection's; PGlite's own callers (the test template's dump) wait their turn through
 * `runExclusive`. A connection that ends inside a transaction leaves it rolled back, as a server
 * does when its client goes away.
 */
export class PGliteStream extends Duplex {
  #pending: Buffer = Buffer.alloc(0);
  #started = false;
  #closed = false;
  #scheduled = false;
  /** The hand-overs to PGlite so far, one after another. */
  #work: Promise<void> = Promise.resolve();

  constructor(private readonly pglite: PGlite) {
    super();
  }

  /** `pg` "connects" (to whatever host and port its URL names): there is nothing to reach. */
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  override _read(): void {
    // PGlite's answers are pushed as they come; nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(() => {
        this.#scheduled = false;
        this.#work = this.#work.then(() => this.#drain()).catch((err: Error) => {
          this.destroy(err);
        });
      });
    }
    callback();
  }

  /** The writable side ends: whatever whole messages came before the end are still handed over, then it closes. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#work
      .then(() => this.#drain())
      .then(() => this.#finish())
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#finish().then(
      () => callback(error),
      (err: Error) => callback(error ?? err),
    );
  }

  /** Hands every whole message received so far to PGlite: the startup message alone, then the rest in batches. */
  async #drain(): Promise<void> {
    while (!this.#closed) {
      const { end, terminate } = this.#wholeMessages();
      if (end === 0) {
        if (terminate) await this.#finish();
        return;
      }
      const messages = this.#pending.subarray(0, end);
      this.#pending = this.#pending.subarray(end);
      this.#started = true;
      await this.pglite.runExclusive(() =>
        this.pglite.execProtocolRawStream(new Uint8Array(messages), {
          onRawData: (data) => {
            if (data.length && !this.#closed) this.push(Buffer.from(data));
          },
        }),
      );
      if (terminate) await this.#finish();
    }
  }

  /**
   * The whole messages at the head of the buffer (`end` bytes): before startup, the startup
   * message alone (it has no type byte); after it, every whole message up to a Terminate, which
   * is not passed on but ends the connection (`terminate`). A CancelRequest, which would come on
   * a connection of its own, cancels nothing here (one statement runs at a time) and ends it.
   */
  #wholeMessages(): { end: number; terminate: boolean } {
    const p = this.#pending;
    if (!this.#started) {
      if (p.length < 8) return { end: 0, terminate: false };
      const code = p.readInt32BE(4);
      if (code === CANCEL_REQUEST) return { end: 0, terminate: true };
      if (code !== PROTOCOL_3) throw new Error(`The embedded database accepts protocol 3.0 only (got ${code}).`);
      const length = p.readInt32BE(0);
      return { end: p.length >= length ? length : 0, terminate: false };
    }
    let end = 0;
    while (p.length - end >= 5) {
      const length = 1 + p.readInt32BE(end + 1);
      if (p.length - end < length) break;
      if (p[end] === TERMINATE) return { end, terminate: true };
      end += length;
    }
    return { end, terminate: false };
  }

  /** The connection ends: an open transaction is rolled back and `pg` sees the end of the stream. */
  async #finish(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#started && !this.pglite.closed && this.pglite.isInTransaction()) await this.pglite.exec('ROLLBACK');
    this.push(null);
  }
}
