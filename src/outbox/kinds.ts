/** A message an effect becomes when its turn comes. */
export interface RenderedMail {
  subject: string;
  text: string;
  html?: string;
  /** The recipient's display name, if the effect knows it. */
  toName?: string;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** What a renderer may use besides the payload: the zone, the name the e-mails sign with, the entry's reference. */
export interface RenderContext {
  timezone: string;
  senderName: string;
  /** The reference of the row's entry (complaint_id), read at delivery; null when the row has none. */
  reference: string | null;
  /** Where people reach this instance (PUBLIC_URL), for absolute links; no trailing slash. */
  publicUrl: string;
}

export interface OutboxKind {
  /** Turns the stored payload into the message; throws on a payload it cannot read (the row fails, visibly). */
  render(payload: unknown, context: RenderContext): RenderedMail;
  /**
   * Files to attach, read at delivery from storage (never from the payload), outside any
   * transaction: the worker holds none while delivering. Throws when one is missing (the row fails, visibly).
   */
  attachments?(payload: unknown): Promise<MailAttachment[]>;
  /**
   * What the case records once the message is known to be sent (the acknowledgment's time), in a
   * transaction of its own after the row is marked sent. A failure is logged; the message is never
   * sent again for it.
   */
  onSent?(message: SentMessage): Promise<void>;
}

export interface SentMessage {
  id: string;
  complaintId: string | null;
  recipient: string;
  sentAt: Date;
}

const kinds = new Map<string, OutboxKind>();

/**
 * Each kind of effect registers how it is rendered (`entry.received`, later `letter.issued`,
 * `sla.breached`…). Rendering happens at delivery, from the facts stored at enqueue, so the
 * template, the zone and the sender's name are the worker's, and the commit only writes data.
 */
export function registerOutboxKind(kind: string, definition: OutboxKind): void {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(kind)) throw new Error(`Outbox kind "${kind}" must look like "area.event"`);
  kinds.set(kind, definition);
}

export function outboxKind(kind: string): OutboxKind | undefined {
  return kinds.get(kind);
}
