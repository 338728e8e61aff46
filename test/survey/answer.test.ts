import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { sealCase, SEALING_JOB } from '../../src/commands/archives';
import { answerSurvey, SurveyLinkError, tokenHash } from '../../src/commands/surveys';
import { caseSurvey, satisfactionFigures } from '../../src/queries/surveys';
import { usersWithRoles } from '../../src/notifications/notify';
import { Archive, Complaint } from '../../src/models';
import { useTestDatabase } from '../support/db';
import { resetClock } from '../../src/lib/clock';
import { useFixedClock, useTestClock } from '../support/clock';
import { asActor } from '../support/context';
import { buildUser } from '../support/factories';
import { DAY, HOUR, invitedCase } from './support';

useTestDatabase();
useTestClock();

const q = <T extends object>(sql: string, bind: unknown[] = []) => sequelize().query<T>(sql, { bind, type: QueryTypes.SELECT });

/** The SQLSTATE a statement fails with (null when it succeeds). */
async function refusal(sql: string, bind: unknown[]): Promise<string | null> {
  try {
    await sequelize().query(sql, { bind });
    return null;
  } catch (err) {
    return (err as { parent?: { code?: string } }).parent?.code ?? 'unknown';
  }
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    if (err instanceof SurveyLinkError) return `${err.status} ${err.reason}`;
    throw err;
  }
}

describe('answering the survey', () => {
  it('stores the answer once, marks the link used, audits it as the customer via the link, and notifies the assignee (or quality)', async () => {
    await buildUser({ roles: ['quality'] });
    const { complaint, token } = await invitedCase();
    const answer = await answerSurvey(token, { rating: 4, comment: 'Nhân viên hỗ trợ nhiệt tình, xử lý nhanh.' });
    expect(answer).toMatchObject({ complaintId: complaint.id, archiveId: null });

    const [row] = await q<{ rating: number; comment: string; archive_id: string | null }>('SELECT rating, comment, archive_id FROM survey_answers WHERE id = $1', [answer.id]);
    expect(row).toEqual({ rating: 4, comment: 'Nhân viên hỗ trợ nhiệt tình, xử lý nhanh.', archive_id: null });
    const [inv] = await q<{ used_at: Date | null }>('SELECT used_at FROM survey_invitations WHERE token_sha256 = $1', [tokenHash(token)]);
    expect(inv.used_at).toBeInstanceOf(Date);

    const [audit] = await q<{ action: string; actor_id: string | null; actor_roles: string[]; complaint_id: string; actor_label: string }>(
      `SELECT e.action, e.actor_id, e.actor_roles, e.complaint_id, c.content->>'actorLabel' AS actor_label
         FROM audit_events e JOIN audit_event_contents c ON c.event_id = e.id WHERE e.entity_id = $1`,
      [answer.id],
    );
    expect(audit).toEqual({ action: 'survey.answered', actor_id: null, actor_roles: ['system'], complaint_id: complaint.id, actor_label: 'customer via survey link' });

    const fresh = await Complaint.findByPk(complaint.id, { rejectOnEmpty: true });
    const expected = fresh.assigneeId ? [fresh.assigneeId] : await asActor(() => usersWithRoles(['quality']));
    expect(expected.length).toBeGreaterThan(0);
    const notes = await q<{ recipient_id: string; kind: string; params: Record<string, unknown>; link: string }>(
      `SELECT recipient_id, kind, params, link FROM notifications WHERE complaint_id = $1 AND kind = 'survey.answered' ORDER BY recipient_id`,
      [complaint.id],
    );
    expect(notes.map((n) => n.recipient_id)).toEqual([...expected].sort());
    expect(notes[0]).toMatchObject({ params: { reference: complaint.reference, rating: 4 }, link: `/complaints/${complaint.id}#survey` });

    // The case's detail shows it.
    expect(await caseSurvey(complaint.id, new Date())).toMatchObject({ open: false, answer: { rating: 4, comment: 'Nhân viên hỗ trợ nhiệt tình, xử lý nhanh.', archiveId: null } });

    // Single use.
    expect(await reasonOf(answerSurvey(token, { rating: 1, comment: 'Đổi ý' }))).toBe('409 used');
    expect(await q('SELECT 1 FROM survey_answers WHERE complaint_id = $1', [complaint.id])).toHaveLength(1);
  });

  it('refuses unknown, malformed and expired links, saying which (404 / 410), and writes nothing', async () => {
    expect(await reasonOf(answerSurvey('x'.repeat(43), { rating: 5, comment: '' }))).toBe('404 unknown');
    expect(await reasonOf(answerSurvey('short', { rating: 5, comment: '' }))).toBe('404 unknown');
    expect(await reasonOf(answerSurvey('é'.repeat(5000), { rating: 5, comment: '' }))).toBe('404 unknown');
    // Invited 17 days ago: the link expired 3 days ago.
    const { complaint, token } = await invitedCase(new Date(Date.now() - 20 * DAY));
    expect(await reasonOf(answerSurvey(token, { rating: 5, comment: '' }))).toBe('410 expired');
    expect(await q('SELECT 1 FROM survey_answers WHERE complaint_id = $1', [complaint.id])).toEqual([]);
    expect(await caseSurvey(complaint.id, new Date())).toMatchObject({ open: false, answer: null, usedAt: null });
  });

  it('two (or five) submits of one link at once make exactly one answer', async () => {
    const { complaint, token } = await invitedCase();
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((rating) => reasonOf(answerSurvey(token, { rating, comment: `Lần ${rating}` }))));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === '409 used')).toHaveLength(4);
    expect(await q('SELECT 1 FROM survey_answers WHERE complaint_id = $1', [complaint.id])).toHaveLength(1);
    expect(await q(`SELECT 1 FROM audit_events WHERE complaint_id = $1 AND action = 'survey.answered'`, [complaint.id])).toHaveLength(1);
  });

  it('accepts an answer that arrives after the case was sealed by hand, as its own record linked to the archive', async () => {
    const { complaint, token } = await invitedCase();
    const archive = await asActor(() => sealCase(complaint.id, SEALING_JOB));
    const snapshot = (await Archive.findByPk(archive.id, { rejectOnEmpty: true })).snapshot;
    const answer = await answerSurvey(token, { rating: 2, comment: 'Chờ lâu quá.' });
    expect(answer.archiveId).toBe(archive.id);
    const [row] = await q<{ archive_id: string; complaint_id: string }>('SELECT archive_id, complaint_id FROM survey_answers WHERE id = $1', [answer.id]);
    expect(row).toEqual({ archive_id: archive.id, complaint_id: complaint.id });
    // The sealed archive is unchanged, the case still sealed.
    expect((await Archive.findByPk(archive.id, { rejectOnEmpty: true })).snapshot).toBe(snapshot);
    expect((await Complaint.findByPk(complaint.id, { rejectOnEmpty: true })).status).toBe('archived');
    expect(await caseSurvey(complaint.id, new Date())).toMatchObject({ answer: { rating: 2, archiveId: archive.id } });
  });

  it('keeps the answer and the invitation immutable in the database, even for the superuser (SQLSTATE CB001)', async () => {
    const { complaint, token } = await invitedCase();
    const { id } = await answerSurvey(token, { rating: 5, comment: 'Rất hài lòng.' });
    const [{ role }] = await q<{ role: string }>(`SELECT current_setting('session_replication_role') AS role`);
    expect(role).toBe('origin');
    expect(await refusal(`UPDATE survey_answers SET rating = 1 WHERE id = $1`, [id])).toBe('CB001');
    expect(await refusal(`UPDATE survey_answers SET comment = '' WHERE id = $1`, [id])).toBe('CB001');
    expect(await refusal(`DELETE FROM survey_answers WHERE id = $1`, [id])).toBe('CB001');
    expect(await refusal(`UPDATE survey_invitations SET expires_at = expires_at + interval '1 day' WHERE complaint_id = $1`, [complaint.id])).toBe('CB001');
    expect(await refusal(`UPDATE survey_invitations SET used_at = NULL WHERE complaint_id = $1`, [complaint.id])).toBe('CB001');
    expect(await refusal(`DELETE FROM survey_invitations WHERE complaint_id = $1`, [complaint.id])).toBe('CB001');
    expect(await refusal(`TRUNCATE survey_answers`, [])).toBe('CB001');
    // Setting the disposal flag by hand unlocks nothing (dispose_case_content is not on the call stack).
    await expect(
      sequelize().transaction(async (t) => {
        await sequelize().query(`SELECT set_config('casebook.disposal', 'on', true)`, { transaction: t });
        await sequelize().query(`UPDATE survey_answers SET comment = '' WHERE id = $1`, { bind: [id], transaction: t });
      }),
    ).rejects.toMatchObject({ parent: { code: 'CB001' } });
    expect((await q<{ comment: string }>('SELECT comment FROM survey_answers WHERE id = $1', [id]))[0].comment).toBe('Rất hài lòng.');
    // The database's own checks: a rating outside 1–5, a comment over 2000 characters.
    const [inv] = await q<{ id: string }>('SELECT id FROM survey_invitations WHERE complaint_id = $1', [complaint.id]);
    expect(await refusal(`INSERT INTO survey_answers (invitation_id, complaint_id, rating, answered_at) VALUES ($1, $2, 6, now())`, [inv.id, complaint.id])).toBe('23514');
    expect(await refusal(`INSERT INTO survey_answers (invitation_id, complaint_id, rating, answered_at) VALUES ($1, $2, 3, now())`, [inv.id, complaint.id])).toBe('23505');
  });
});

describe('satisfactionFigures', () => {
  it('counts the invitations of a period, their answers, the response rate and the mean rating', async () => {
    // A period of its own, far from the other tests' invitations.
    const base = new Date(Date.UTC(2025, 0, 10));
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await invitedCase(new Date(base.getTime() + i * HOUR)));
    // Answered: 5 and 2 (two of four); expired links cannot be answered now, so answer through the command with the clock back then.
    useFixedClock(new Date(base.getTime() + 4 * DAY));
    try {
      await answerSurvey(made[0].token, { rating: 5, comment: '' });
      await answerSurvey(made[1].token, { rating: 2, comment: '' });
    } finally {
      resetClock();
    }
    const from = new Date(base.getTime());
    const to = new Date(base.getTime() + 5 * DAY);
    expect(await satisfactionFigures({ from, to })).toEqual({ average: 3.5, responseRate: 0.5, answered: 2, invited: 4 });
    expect(await satisfactionFigures({ from: new Date(Date.UTC(2024, 0, 1)), to: new Date(Date.UTC(2024, 1, 1)) })).toEqual({ average: null, responseRate: null, answered: 0, invited: 0 });
  });
});
