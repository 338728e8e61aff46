import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { SatisfactionRequestsJob } from '../../src/jobs/satisfactionRequestsJob';
import { resetClock, useFixedClock } from '../../src/lib/clock';
import type { Complaint } from '../../src/models';
import { closedTestCase } from '../support/archives';
import { buildCustomer } from '../support/factories';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

let seq = 0;
/** A feedback entry of a customer (with an e-mail address unless `email: null`) closed at `at` (the injected clock). */
export async function caseClosedAt(at: Date, options: { email?: string | null } = {}): Promise<Complaint> {
  const customer = await buildCustomer({ email: options.email === undefined ? `khach${++seq}.${Date.now()}@example.vn` : options.email });
  useFixedClock(at);
  try {
    return await closedTestCase({ customerId: customer.id, incidentDate: new Date(at.getTime() - 2 * DAY).toISOString().slice(0, 10) });
  } finally {
    resetClock();
  }
}

/** Runs the job once at `tick` with the clock standing there (each call its own tick: a run per tick). */
export async function runSurveyJob(tick: Date) {
  useFixedClock(tick);
  try {
    return await new SatisfactionRequestsJob().run(tick);
  } finally {
    resetClock();
  }
}

export interface SurveyMail {
  id: string;
  recipient: string;
  payload: { token: string; customerName: string; expiresAt: string; locale: string };
}

/** The survey e-mails the outbox holds for a case. */
export function surveyMails(complaintId: string): Promise<SurveyMail[]> {
  return sequelize().query<SurveyMail>(`SELECT id, recipient, payload FROM outbox WHERE kind = 'survey.requested' AND complaint_id = $1`, {
    bind: [complaintId],
    type: QueryTypes.SELECT,
  });
}

let tickSeq = 0;
/** A case closed at `closedAt`, invited by the job 72 h later: the link's token (read from the e-mail's payload). */
export async function invitedCase(closedAt = new Date(Date.now() - 80 * HOUR)): Promise<{ complaint: Complaint; token: string; invitedAt: Date }> {
  const complaint = await caseClosedAt(closedAt);
  // Distinct ticks: the job runs each (job, tick) once.
  const invitedAt = new Date(closedAt.getTime() + 72 * HOUR + ++tickSeq * 1000 + 17);
  const outcome = await runSurveyJob(invitedAt);
  if (outcome.status !== 'succeeded') throw new Error(`satisfaction-requests failed: ${outcome.error}`);
  const [mail] = await surveyMails(complaint.id);
  if (!mail) throw new Error('no survey e-mail');
  return { complaint, token: mail.payload.token, invitedAt };
}
