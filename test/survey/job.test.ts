import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { tokenHash } from '../../src/commands/surveys';
import { SatisfactionRequestsJob } from '../../src/jobs/satisfactionRequestsJob';
import { outboxKind } from '../../src/outbox/kinds';
import '../../src/outbox/surveyRequested';
import { useTestDatabase } from '../support/db';
import { useTestClock } from '../support/clock';
import { caseClosedAt, DAY, HOUR, runSurveyJob, surveyMails } from './support';

useTestDatabase();
useTestClock();

const invitations = (complaintId: string) =>
  sequelize().query<{ id: string; token_sha256: string; invited_at: Date; expires_at: Date; used_at: Date | null; locale: string }>(
    'SELECT id, token_sha256, invited_at, expires_at, used_at, locale FROM survey_invitations WHERE complaint_id = $1',
    { bind: [complaintId], type: QueryTypes.SELECT },
  );

describe('the satisfaction-requests job', () => {
  // Far in the past: no other test's run reaches these cases (the job looks 72 h + 14 days back).
  const closedAt = new Date(Date.UTC(2026, 5, 1, 3, 30));

  it('invites 72 hours after closure, not a minute before: one e-mail with the personal link, and never a second one', async () => {
    const c = await caseClosedAt(closedAt);
    expect(c.closedAt?.toISOString()).toBe(closedAt.toISOString());

    const early = await runSurveyJob(new Date(closedAt.getTime() + 71 * HOUR + 59 * 60_000));
    expect(early).toMatchObject({ ran: true, status: 'succeeded' });
    expect(await invitations(c.id)).toEqual([]);
    expect(await surveyMails(c.id)).toEqual([]);

    const due = new Date(closedAt.getTime() + 72 * HOUR);
    const onTime = await runSurveyJob(due);
    expect(onTime).toMatchObject({ ran: true, status: 'succeeded', counts: { invited: 1 } });
    const [inv] = await invitations(c.id);
    expect(inv).toMatchObject({ invited_at: due, expires_at: new Date(due.getTime() + 14 * DAY), used_at: null, locale: 'vi' });
    const mails = await surveyMails(c.id);
    expect(mails).toHaveLength(1);
    const { token } = mails[0].payload;
    // 32 random bytes, base64url; only its SHA-256 is stored.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inv.token_sha256).toBe(tokenHash(token));
    const stored = await sequelize().query<{ n: string }>(`SELECT count(*) AS n FROM survey_invitations WHERE token_sha256 = $1 OR token_sha256 = $2`, {
      bind: [token, Buffer.from(token, 'base64url').toString('hex')],
      type: QueryTypes.SELECT,
    });
    expect(Number(stored[0].n)).toBe(0);

    // Rendered at delivery: Vietnamese, the reference, the absolute link, the expiry in the organisation's zone.
    const mail = outboxKind('survey.requested')!.render(mails[0].payload, { timezone: 'Asia/Ho_Chi_Minh', senderName: 'Phòng CSKH', reference: c.reference, publicUrl: 'https://cb.example.vn' });
    expect(mail.subject).toContain(c.reference);
    expect(mail.subject).toContain('hài lòng');
    expect(mail.text).toContain(`https://cb.example.vn/survey/${token}`);
    // 72 h + 14 days after 01/06 03:30 UTC, in Hà Nội time.
    expect(mail.text).toContain('18/06/2026 10:30');
    expect(mail.toName).toBeTruthy();

    // Audited as the job.
    const audit = await sequelize().query<{ action: string; complaint_id: string }>(`SELECT action, complaint_id FROM audit_events WHERE entity_id = $1`, {
      bind: [inv.id],
      type: QueryTypes.SELECT,
    });
    expect(audit).toEqual([{ action: 'survey.invited', complaint_id: c.id }]);

    // Later runs (and a catch-up run days later) leave the case alone.
    for (const later of [due.getTime() + HOUR, due.getTime() + 3 * DAY]) {
      const again = await runSurveyJob(new Date(later));
      expect(again).toMatchObject({ ran: true, status: 'succeeded' });
      expect(await invitations(c.id)).toHaveLength(1);
      expect(await surveyMails(c.id)).toHaveLength(1);
    }
  });

  it('invites nobody whose customer has no e-mail address', async () => {
    const at = new Date(closedAt.getTime() - 30 * DAY);
    const noMail = await caseClosedAt(at, { email: null });
    const run = await runSurveyJob(new Date(at.getTime() + 73 * HOUR));
    expect(run).toMatchObject({ ran: true, status: 'succeeded' });
    expect(await invitations(noMail.id)).toEqual([]);
    expect(await surveyMails(noMail.id)).toEqual([]);
  });

  it('catches up on missed ticks, but not beyond the link\'s lifetime', async () => {
    const at = new Date(closedAt.getTime() - 60 * DAY);
    const missed = await caseClosedAt(at);
    const ancient = await caseClosedAt(new Date(at.getTime() - 20 * DAY));
    // Ten days of missed ticks: the next run still invites; a case closed 30 days before it is not mailed any more.
    const run = await runSurveyJob(new Date(at.getTime() + 10 * DAY));
    expect(run).toMatchObject({ ran: true, status: 'succeeded' });
    expect(await invitations(missed.id)).toHaveLength(1);
    expect(await invitations(ancient.id)).toEqual([]);
  });

  it('two runs at once (two instances, different ticks) invite each case once', async () => {
    const at = new Date(closedAt.getTime() - 90 * DAY);
    const cases = [];
    for (const i of [0, 1, 2]) cases.push(await caseClosedAt(new Date(at.getTime() + i * 60_000)));
    const tick = at.getTime() + 80 * HOUR;
    const runs = await Promise.all([new SatisfactionRequestsJob().run(new Date(tick)), new SatisfactionRequestsJob().run(new Date(tick + 1))]);
    for (const r of runs) expect(r).toMatchObject({ ran: true, status: 'succeeded' });
    for (const c of cases) {
      expect(await invitations(c.id)).toHaveLength(1);
      expect(await surveyMails(c.id)).toHaveLength(1);
    }
  });
});
