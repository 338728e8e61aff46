import { setLegalHold } from '../../../src/commands/retention';
import { RetentionReviewJob } from '../../../src/jobs/retentionReviewJob';
import { manualTick } from '../../../src/jobs/CronJob';
import { NOTICE } from '../../../src/notifications/kinds';
import type { Archive } from '../../../src/models';
import { useFixedClock, useTestClock } from '../../support/clock';
import { asActor } from '../../support/context';
import { useTestDatabase } from '../../support/db';
import { buildUser } from '../../support/factories';
import { sealedTestArchive } from '../../support/archives';
import { expectNothing, forgetRuns, holders, mailsOf, noticesOf, runNow, sorted } from './support';

useTestDatabase();
useTestClock();

const job = new RetentionReviewJob();
const DAY = 86_400_000;
/** Time starts near the real now (intake's incident date is the real date's), off the whole minute: a manual tick on a whole minute is moved by 1 ms. */
const start = () => useFixedClock(Math.floor(Date.now() / 60_000) * 60_000 + 12_345);
const notices = (a: Archive) => noticesOf(NOTICE.retentionDue, { causePrefix: `retention:${a.id}:` });

async function hold(archive: Archive, on: boolean) {
  const legal = await buildUser({ roles: ['legal'] });
  return asActor(() => setLegalHold(archive.id, { hold: on, reason: on ? 'Vụ kiện đang giải quyết tại tòa.' : 'Vụ kiện đã kết thúc.' }, { userId: legal.id, reads: async () => true, may: true }), {
    userId: legal.id,
    roles: ['legal'],
    label: legal.name,
  });
}

describe('retention-review', () => {
  it('reminds the sysadmins and legal once when an archive’s retention has ended, not before, with e-mails', async () => {
    start();
    const sysadmin = await buildUser({ roles: ['sysadmin'] });
    const legal = await buildUser({ roles: ['legal'] });
    const auditor = await buildUser({ roles: ['auditor'] });
    const { complaint, archive } = await sealedTestArchive();
    // The default class: 5 years after closure.
    expect(archive.retentionUntil.getTime() - complaint.closedAt!.getTime()).toBeGreaterThan(5 * 365 * DAY);

    useFixedClock(archive.retentionUntil.getTime() - 1);
    await expectNothing(job);
    useFixedClock(archive.retentionUntil);
    const run = await runNow(job);
    const people = await holders(['sysadmin', 'legal']);
    expect(people).toEqual(expect.arrayContaining([sysadmin.id, legal.id]));
    expect(people).not.toContain(auditor.id);
    expect(run).toMatchObject({ status: 'succeeded', counts: { reminded: 1, notifications: people.length } });
    const rows = await notices(archive);
    expect(sorted(rows.map((n) => n.recipient_id))).toEqual(people);
    expect(rows[0]).toMatchObject({
      params: { reference: complaint.reference, retentionUntilAt: archive.retentionUntil.toISOString() },
      link: '/archives/retention-review',
      complaint_id: complaint.id,
    });
    const mails = (await mailsOf(NOTICE.retentionDue, rows[0].cause)).map((m) => m.recipient);
    expect(mails).toHaveLength(people.length);
    expect(mails).toEqual(expect.arrayContaining([sysadmin.email, legal.email]));

    await expectNothing(job);
    useFixedClock(archive.retentionUntil.getTime() + 30 * DAY);
    await expectNothing(job);
    expect(await notices(archive)).toHaveLength(people.length);
  });

  it('skips an archive under legal hold, and reminds once the hold is released', async () => {
    start();
    const { archive } = await sealedTestArchive();
    await hold(archive, true);
    useFixedClock(archive.retentionUntil.getTime() + DAY);
    await runNow(job);
    expect(await notices(archive)).toEqual([]);
    await hold(archive, false);
    useFixedClock(archive.retentionUntil.getTime() + 2 * DAY);
    await runNow(job);
    expect(await notices(archive)).not.toEqual([]);
  });

  it('writes each reminder exactly once when the job runs twice at the same moment (two manual ticks)', async () => {
    start();
    const archives = [(await sealedTestArchive()).archive, (await sealedTestArchive()).archive, (await sealedTestArchive()).archive];
    const now = useFixedClock(Math.max(...archives.map((a) => a.retentionUntil.getTime())) + DAY);
    await forgetRuns(job);
    const [a, b] = await Promise.all([job.run(manualTick(now)), new RetentionReviewJob().run(new Date(now.getTime() + 3))]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const people = await holders(['sysadmin', 'legal']);
    for (const archive of archives) {
      const rows = await notices(archive);
      expect(sorted(rows.map((n) => n.recipient_id))).toEqual(people);
      expect(await mailsOf(NOTICE.retentionDue, rows[0].cause)).toHaveLength(people.length);
    }
    expect((a.counts!.notifications ?? 0) + (b.counts!.notifications ?? 0)).toBe(3 * people.length);
  });
});
