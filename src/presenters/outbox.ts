import type { OutboxEntry } from '../outbox/queries';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The API's view of an outbox row. */
export function presentOutbox(e: OutboxEntry) {
  return {
    id: e.id,
    kind: e.kind,
    channel: e.channel,
    recipient: e.recipient,
    complaintId: e.complaintId,
    reference: e.reference,
    status: e.status,
    attempts: e.attempts,
    nextAttemptAt: e.status === 'queued' ? iso(e.nextAttemptAt) : null,
    lastAttemptAt: iso(e.lastAttemptAt),
    lastError: e.lastError,
    deliveryInfo: e.deliveryInfo,
    createdAt: iso(e.createdAt)!,
    sentAt: iso(e.sentAt),
  };
}
