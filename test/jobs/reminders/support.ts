import { QueryTypes } from 'sequelize';
import { sequelize } from '../../../src/db';
import { decideRegulatoryReview, fileRegulatoryReport, submitRegulatoryReview, type RegulatoryActor } from '../../../src/commands/regulatory';
import type { CronJob, RunOutcome } from '../../../src/jobs/CronJob';
import { manualTick } from '../../../src/jobs/CronJob';
import * as clock from '../../../src/lib/clock';
import { NOTIFICATION_MAIL } from '../../../src/outbox/notificationMail';
import { usersWithRoles } from '../../../src/notifications/notify';
import type { RoleKey } from '../../../src/domain/roles';
import type { ReportCategory } from '../../../src/domain/regulatory';
import { asActor } from '../../support/context';
import { buildUser } from '../../support/factories';

const ZONE = 'Asia/Ho_Chi_Minh';

/** The notifications of `kind` about a case (or with a cause starting with `causePrefix`), oldest first. */
export function noticesOf(kind: string, where: { complaintId?: string; causePrefix?: string }) {
  return sequelize().query<{ recipient_id: string; cause: string; params: Record<string, unknown>; link: string | null; complaint_id: string | null }>(
    `SELECT recipient_id, cause, params, link, complaint_id FROM notifications
      WHERE kind = $1 AND ($2::uuid IS NULL OR complaint_id = $2) AND ($3::text IS NULL OR cause LIKE $3 || '%')
      ORDER BY created_at, recipient_id`,
    { bind: [kind, where.complaintId ?? null, where.causePrefix ?? null], type: QueryTypes.SELECT },
  );
}

/** The e-mails enqueued for the notifications of `kind` with `cause`. */
export function mailsOf(kind: string, cause: string) {
  return sequelize().query<{ recipient: string; payload: { kind: string; params: Record<string, unknown> } }>(
    `SELECT recipient, payload FROM outbox WHERE kind = '${NOTIFICATION_MAIL}' AND dedupe_key LIKE $1 ORDER BY recipient`,
    { bind: [`%${kind}:${cause}:%`], type: QueryTypes.SELECT },
  );
}

/**
 * A manual run at the clock's now (as `job:run` does). The tests come back to the same instants
 * (a due time, then the same due time of another case), so the job's earlier runs are forgotten
 * first: a tick already claimed would be skipped.
 */
export async function runNow(job: CronJob): Promise<RunOutcome> {
  await forgetRuns(job);
  return job.run(manualTick(clock.now()));
}

export async function forgetRuns(job: CronJob): Promise<void> {
  await sequelize().query('DELETE FROM job_runs WHERE job = $1', { bind: [job.name] });
}

/** The active users with `roles`, sorted (the recipients a role-wide reminder must reach). */
export const holders = async (roles: RoleKey[]) => [...(await usersWithRoles(roles))].sort();

export const sorted = (ids: string[]) => [...ids].sort();

async function regulatoryActor(role: RoleKey): Promise<RegulatoryActor> {
  const user = await buildUser({ roles: [role] });
  return { userId: user.id, name: user.name, role, reads: () => true, may: () => true };
}

function as<T>(actor: RegulatoryActor, fn: () => Promise<T>): Promise<T> {
  return asActor(fn, { userId: actor.userId, roles: [actor.role as RoleKey], label: actor.name });
}

/** Submits the case (flagged for review: harm serious_injury) to the CEO, as quality. */
export async function submitTestReview(complaintId: string) {
  const quality = await regulatoryActor('quality');
  return as(quality, () => submitRegulatoryReview(complaintId, { summary: 'Khách hàng bị bỏng do máy rò điện.' }, quality, ZONE));
}

/** The CEO's decision (the password check is the route's; the command is called as it would be after it). */
export async function decideTestReview(complaintId: string, decision: 'report' | 'no_report', reportCategory?: ReportCategory) {
  const ceo = await regulatoryActor('ceo');
  return as(ceo, () => decideRegulatoryReview(complaintId, { decision, rationale: 'Có tổn hại nghiêm trọng, cân nhắc báo cáo.', reportCategory }, ceo, ZONE));
}

/** admin_officer files the report now. */
export async function fileTestReport(complaintId: string) {
  const admin = await regulatoryActor('admin_officer');
  return as(admin, () => fileRegulatoryReport(complaintId, { authority: 'Sở Y tế', submittedAt: clock.now(), referenceNo: 'BC-01' }, admin));
}

/** A run that succeeds and reminds nobody (its counts are empty: nothing was due that was not reminded already). */
export async function expectNothing(job: CronJob): Promise<void> {
  const run = await runNow(job);
  expect(run.status).toBe('succeeded');
  expect(run.counts).toEqual({});
}
