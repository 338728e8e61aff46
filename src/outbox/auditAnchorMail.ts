import { z } from '../lib/zod';
import { registerOutboxKind } from './kinds';
import type { Effect } from './outbox';

/**
 * The anchors' second witness (docs/ARCHITECTURE.md "Anchors and the witness"): when
 * `AUDIT_WITNESS_EMAIL` names auditors, each anchor is also mailed to them through the outbox —
 * enqueued in the anchor's own transaction, so a mail never names an anchor that did not commit.
 * The mail carries the same JSON line as the witness file, so an auditor can later compare the
 * database with their own mailbox.
 */
export const AUDIT_ANCHOR = 'audit.anchor';

const Payload = z.object({
  anchor: z.number().int(),
  createdAt: z.string(),
  fromXid: z.string(),
  toXid: z.string(),
  eventCount: z.number().int(),
  hash: z.string(),
  keyId: z.string(),
  signature: z.string(),
});
export type AnchorWitness = z.infer<typeof Payload>;

export function anchorMailEffects(anchor: AnchorWitness, recipients: readonly string[]): Effect[] {
  return recipients.map((recipient) => ({ kind: AUDIT_ANCHOR, cause: `anchor-${anchor.anchor}`, recipient, payload: anchor }));
}

registerOutboxKind(AUDIT_ANCHOR, {
  render(raw, { senderName }) {
    const a = Payload.parse(raw);
    const line = JSON.stringify(a);
    return {
      subject: `[Casebook] Mốc neo nhật ký kiểm toán / Audit trail anchor #${a.anchor}`,
      text: [
        `Mốc neo #${a.anchor} niêm phong ${a.eventCount} sự kiện nhật ký kiểm toán. Hãy lưu thư này: khi kiểm tra, dòng dưới đây phải trùng với mốc neo trong cơ sở dữ liệu.`,
        `Anchor #${a.anchor} sealed ${a.eventCount} audit events. Keep this message: when verifying, the line below must match the anchor in the database.`,
        '',
        line,
        '',
        senderName,
      ].join('\n'),
    };
  },
});
