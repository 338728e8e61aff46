import { QueryTypes } from 'sequelize';
import { inviteToSurvey, SURVEY_DELAY_MS, SURVEY_VALIDITY_MS, type SurveyCandidate } from '../commands/surveys';
import { sequelize } from '../db';
import { CronJob, type JobContext } from './CronJob';

const CHUNK = 50;

/**
 * The 72-hour satisfaction request (seed 004 Bước 5): every entry — complaint or feedback — closed
 * at least 72 hours before the tick whose customer has an e-mail address and that has no
 * invitation yet gets one, with its e-mail through the outbox. Candidates are read in keyset pages
 * of 50 (closed_at, id); each page is invited in one short transaction (`ctx.chunk`).
 *
 * Catch-up: a missed tick is made up by the next (the cut-off is the tick, not "the last hour").
 * The window is bounded below: a case closed more than 72 h + the link's validity (14 days) before
 * the tick is not invited any more (its link would be meaningless that late, and a first start on
 * an old database does not mail every customer of its history). A case sealed by hand meanwhile is
 * still invited (the survey tables are not under the case's lock). Runs concurrently with itself
 * safely: one invitation per case (UNIQUE), one e-mail per case (the outbox's dedupe key).
 */
export class SatisfactionRequestsJob extends CronJob {
  readonly name = 'satisfaction-requests';
  readonly schedule = '7 * * * *';

  async perform(ctx: JobContext) {
    const cutoff = new Date(ctx.tick.getTime() - SURVEY_DELAY_MS);
    const since = new Date(cutoff.getTime() - SURVEY_VALIDITY_MS);
    let after: { closedAt: Date; id: string } | null = null;
    for (;;) {
      const page: Array<SurveyCandidate & { closedAt: Date }> = await sequelize().query(
        `SELECT c.id, c.closed_at AS "closedAt", cu.name AS "customerName", btrim(cu.email) AS "customerEmail"
           FROM complaints c JOIN customers cu ON cu.id = c.customer_id
          WHERE c.status IN ('closed', 'archived') AND c.closed_at <= $1 AND c.closed_at > $2
            AND cu.email IS NOT NULL AND btrim(cu.email) <> ''
            AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.complaint_id = c.id)
            ${after ? 'AND (c.closed_at, c.id) > ($3, $4)' : ''}
          ORDER BY c.closed_at, c.id LIMIT ${CHUNK}`,
        { bind: after ? [cutoff, since, after.closedAt, after.id] : [cutoff, since], type: QueryTypes.SELECT },
      );
      if (page.length > 0) {
        await ctx.chunk(async () => {
          for (const c of page) ctx.count((await inviteToSurvey(c)) ? 'invited' : 'alreadyInvited');
        });
      }
      if (page.length < CHUNK) break;
      after = page[page.length - 1];
    }
  }
}
