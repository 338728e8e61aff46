import { QueryTypes, type Transaction } from 'sequelize';
import { sequelize } from '../db';
import { currentTransaction } from '../lib/context';
import { tokenHash, TOKEN_PATTERN, type SurveyRefusal } from '../commands/surveys';

const tx = () => currentTransaction() as Transaction | undefined;

/** The case page's and GET /complaints/:id's view of the survey: the invitation and its answer, or null when never invited. */
export interface CaseSurvey {
  invitedAt: string;
  expiresAt: string;
  usedAt: string | null;
  /** Neither answered nor expired at `now`. */
  open: boolean;
  answer: { rating: number; comment: string; answeredAt: string; archiveId: string | null } | null;
}

export async function caseSurvey(complaintId: string, now: Date): Promise<CaseSurvey | null> {
  const [row] = await sequelize().query<{
    invited_at: Date;
    expires_at: Date;
    used_at: Date | null;
    rating: number | null;
    comment: string | null;
    answered_at: Date | null;
    archive_id: string | null;
  }>(
    `SELECT i.invited_at, i.expires_at, i.used_at, a.rating, a.comment, a.answered_at, a.archive_id
       FROM survey_invitations i LEFT JOIN survey_answers a ON a.invitation_id = i.id
      WHERE i.complaint_id = $1`,
    { bind: [complaintId], type: QueryTypes.SELECT, transaction: tx() },
  );
  if (!row) return null;
  return {
    invitedAt: row.invited_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    usedAt: row.used_at ? row.used_at.toISOString() : null,
    open: !row.used_at && row.expires_at.getTime() > now.getTime(),
    answer:
      row.answered_at && row.rating !== null
        ? { rating: Number(row.rating), comment: row.comment ?? '', answeredAt: row.answered_at.toISOString(), archiveId: row.archive_id }
        : null,
  };
}

/** What the public page may say about a token: that it takes an answer, or why not. Nothing else about the case. */
export async function surveyLinkState(token: string, now: Date): Promise<{ ok: true; expiresAt: Date } | { ok: false; reason: SurveyRefusal }> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'unknown' };
  const [row] = await sequelize().query<{ expires_at: Date; used_at: Date | null }>('SELECT expires_at, used_at FROM survey_invitations WHERE token_sha256 = $1', {
    bind: [tokenHash(token)],
    type: QueryTypes.SELECT,
    transaction: tx(),
  });
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: row.expires_at };
}

export interface SatisfactionFigures {
  /** Mean rating of the answers given in the period (two decimals), null when none. */
  average: number | null;
  /** answered / invited (0..1, four decimals), null when nobody was invited. */
  responseRate: number | null;
  /** Invitations of the period that have an answer (whenever it came). */
  answered: number;
  /** Invitations made in the period. */
  invited: number;
}

/**
 * The KPI's satisfaction figures for invitations made in [from, to): how many customers were
 * invited, how many of them answered, the response rate and the mean rating of those answers.
 * One statement over the invitations' index.
 */
export async function satisfactionFigures({ from, to }: { from: Date; to: Date }): Promise<SatisfactionFigures> {
  const [row] = await sequelize().query<{ invited: string; answered: string; average: string | null }>(
    `SELECT count(*) AS invited, count(a.id) AS answered, avg(a.rating)::numeric(10, 4) AS average
       FROM survey_invitations i LEFT JOIN survey_answers a ON a.invitation_id = i.id
      WHERE i.invited_at >= $1 AND i.invited_at < $2`,
    { bind: [from, to], type: QueryTypes.SELECT, transaction: tx() },
  );
  const invited = Number(row.invited);
  const answered = Number(row.answered);
  return {
    average: row.average === null ? null : Math.round(Number(row.average) * 100) / 100,
    responseRate: invited === 0 ? null : Math.round((answered / invited) * 10_000) / 10_000,
    answered,
    invited,
  };
}
