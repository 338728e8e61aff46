import { answerSurvey } from '../../src/commands/surveys';
import { ArchiveSealingJob } from '../../src/jobs/archiveSealingJob';
import { Archive } from '../../src/models';
import { useTestDatabase } from '../support/db';
import { useTestClock } from '../support/clock';
import { caseClosedAt, DAY, HOUR, invitedCase } from './support';

useTestDatabase();
useTestClock();

const sealed = async (complaintId: string) => (await Archive.findOne({ where: { complaintId } })) !== null;

describe('the archive-sealing job and the survey link', () => {
  it('waits while a survey link is open (neither answered nor expired), seals once it is answered or has expired', async () => {
    // Closed 4 days ago, invited 1 day ago: the link is open for 13 more days.
    const closedAt = new Date(Date.now() - 4 * DAY);
    const open = await invitedCase(closedAt);
    const answered = await invitedCase(new Date(closedAt.getTime() + 60_000));
    await answerSurvey(answered.token, { rating: 3, comment: '' });
    // Never invited (no e-mail address): nothing to wait for.
    const noMail = await caseClosedAt(new Date(closedAt.getTime() + 120_000), { email: null });

    // A short ARCHIVE_AFTER_DAYS (3) so the job considers the cases now.
    const now = Date.now();
    const first = await new ArchiveSealingJob(3).run(new Date(now + 1));
    expect(first).toMatchObject({ ran: true, status: 'succeeded' });
    expect(await sealed(open.complaint.id)).toBe(false);
    expect(await sealed(answered.complaint.id)).toBe(true);
    expect(await sealed(noMail.id)).toBe(true);

    // Just before the link expires: still waiting; just after: sealed.
    const expiresAt = open.invitedAt.getTime() + 14 * DAY;
    expect(await new ArchiveSealingJob(3).run(new Date(expiresAt - HOUR + 1))).toMatchObject({ status: 'succeeded' });
    expect(await sealed(open.complaint.id)).toBe(false);
    expect(await new ArchiveSealingJob(3).run(new Date(expiresAt + 1))).toMatchObject({ status: 'succeeded' });
    expect(await sealed(open.complaint.id)).toBe(true);
  });
});
