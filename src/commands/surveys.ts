/**
 * The satisfaction survey (PRODUCT.md "Customers and customer care"; seed 004 Bước 5): 72 hours
 * after closure the customer gets a personal link (one per case, random, expiring, single use) to a
 * public page with one question — a rating 1–5 and a comment. docs: "Satisfaction survey".
 */
import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize, transaction } from '../db';
import { DEFAULT_LANG, isLang } from '../lib/i18n';
import * as clock from '../lib/clock';
import { currentTransaction, systemActor, type Actor } from '../lib/context';
import { AppError } from '../lib/errors';
import { recordAudit } from '../models/AuditEvent';
import { NOTICE } from '../notifications/kinds';
import { notify, usersWithRoles } from '../notifications/notify';
import { enqueue } from '../outbox/outbox';
import { surveyRequestedEffect } from '../outbox/surveyRequested';

/** The request goes out this long after closure (seed 004 Bước 5: "Sau 72 tiếng"). */
export const SURVEY_DELAY_MS = 72 * 3600_000;
/** A link stays valid this long after it was made (a constant: 3 days + 14 days stays inside ARCHIVE_AFTER_DAYS' default 30). */
export const SURVEY_VALIDITY_MS = 14 * 86_400_000;
/** The comment's limit, as the table's CHECK. */
export const SURVEY_COMMENT_MAX = 2000;
/** Who the audit trail names for an answer: the customer, through the link, signed in as nobody. */
export const SURVEY_ACTOR: Actor = systemActor('customer via survey link');

/** A token's stored form: its SHA-256, hex. The token itself is never stored outside the e-mail. */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** What a link's token looks like: 32 random bytes, base64url (43 characters). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const tx = () => currentTransaction() as Transaction | undefined;

export interface SurveyCandidate {
  id: string;
  customerName: string;
  customerEmail: string;
}

/**
 * Invites the customer of one closed case, inside the caller's transaction: the invitation (its
 * token's hash, valid `SURVEY_VALIDITY_MS` from now) and the e-mail with the link through the
 * outbox, audited `survey.invited`. A case already invited is left as it was (UNIQUE complaint_id):
 * returns false then.
 */
export async function inviteToSurvey(c: SurveyCandidate, locale: string = DEFAULT_LANG): Promise<boolean> {
  const t = tx();
  if (!t) throw new Error('inviteToSurvey runs inside a transaction');
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + SURVEY_VALIDITY_MS);
  const lang = isLang(locale) ? locale : DEFAULT_LANG;
  const rows = await sequelize().query<{ id: string }>(
    `INSERT INTO survey_invitations (complaint_id, token_sha256, locale, invited_at, expires_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (complaint_id) DO NOTHING RETURNING id`,
    { bind: [c.id, tokenHash(token), lang, now, expiresAt], type: QueryTypes.SELECT, transaction: t },
  );
  if (rows.length === 0) return false;
  await enqueue(surveyRequestedEffect({ complaintId: c.id, token, expiresAt, locale: lang }, { name: c.customerName, email: c.customerEmail }));
  await recordAudit(
    {
      action: 'survey.invited',
      entityType: 'SurveyInvitation',
      entityId: rows[0].id,
      complaintId: c.id,
      changes: { after: { invitedAt: now.toISOString(), expiresAt: expiresAt.toISOString(), locale: lang } },
    },
    { transaction: t },
  );
  return true;
}

/** Why a link does not take an answer: unknown (404), already used (409), expired (410). */
export type SurveyRefusal = 'unknown' | 'used' | 'expired';

export class SurveyLinkError extends AppError {
  constructor(readonly reason: SurveyRefusal) {
    const status = reason === 'unknown' ? 404 : reason === 'used' ? 409 : 410;
    super(status, reason === 'unknown' ? 'not_found' : 'conflict', `This survey link is ${reason === 'unknown' ? 'not valid' : reason === 'used' ? 'already used' : 'expired'}.`, undefined, undefined, undefined, `survey.closed.${reason}.title`);
  }
}

export interface SurveyAnswerInput {
  rating: number;
  comment: string;
}

/**
 * Records the customer's answer through the link's token, once: in one short transaction the
 * invitation is marked used by an UPDATE that only matches an unused, unexpired link (so of two
 * concurrent submits exactly one gets the row; the other then sees it used), the answer is written
 * (linked to the case's archive when the case is already sealed), audited `survey.answered` by
 * the customer-via-link actor, and the case's assignee (or, with none, the quality users) notified.
 */
export async function answerSurvey(token: string, input: SurveyAnswerInput): Promise<{ id: string; complaintId: string; archiveId: string | null }> {
  if (!TOKEN_PATTERN.test(token)) throw new SurveyLinkError('unknown');
  const hash = tokenHash(token);
  return transaction(async (t) => {
    const now = clock.now();
    const [used] = await sequelize().query<{ id: string; complaint_id: string }>(
      `UPDATE survey_invitations SET used_at = $2 WHERE token_sha256 = $1 AND used_at IS NULL AND expires_at > $2 RETURNING id, complaint_id`,
      { bind: [hash, now], type: QueryTypes.SELECT, transaction: t },
    );
    if (!used) {
      const [row] = await sequelize().query<{ used_at: Date | null }>('SELECT used_at FROM survey_invitations WHERE token_sha256 = $1', {
        bind: [hash],
        type: QueryTypes.SELECT,
        transaction: t,
      });
      throw new SurveyLinkError(!row ? 'unknown' : row.used_at ? 'used' : 'expired');
    }
    const [c] = await sequelize().query<{ reference: string; assignee_id: string | null; archive_id: string | null }>(
      `SELECT c.reference, c.assignee_id, a.id AS archive_id FROM complaints c LEFT JOIN archives a ON a.complaint_id = c.id WHERE c.id = $1`,
      { bind: [used.complaint_id], type: QueryTypes.SELECT, transaction: t },
    );
    const [answer] = await sequelize().query<{ id: string }>(
      `INSERT INTO survey_answers (invitation_id, complaint_id, rating, comment, answered_at, archive_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      { bind: [used.id, used.complaint_id, input.rating, input.comment, now, c.archive_id], type: QueryTypes.SELECT, transaction: t },
    );
    await recordAudit(
      {
        action: 'survey.answered',
        entityType: 'SurveyAnswer',
        entityId: answer.id,
        complaintId: used.complaint_id,
        actor: SURVEY_ACTOR,
        changes: { after: { rating: input.rating, comment: input.comment, answeredAt: now.toISOString(), archiveId: c.archive_id } },
        meta: { invitationId: used.id },
      },
      { transaction: t },
    );
    const recipients = c.assignee_id ? [c.assignee_id] : await usersWithRoles(['quality']);
    await notify({
      kind: NOTICE.surveyAnswered,
      cause: `survey:${answer.id}`,
      recipientIds: recipients,
      complaintId: used.complaint_id,
      params: { reference: c.reference, rating: input.rating },
      link: `/complaints/${used.complaint_id}#survey`,
    });
    return { id: answer.id, complaintId: used.complaint_id, archiveId: c.archive_id };
  });
}
